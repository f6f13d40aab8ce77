from ninja import Router

router = Router(tags=["dispensing"])
