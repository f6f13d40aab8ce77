"""JSON API of the transplant pathway: /api/v1/transplant/... — one router per part,
included here (one line per part); refusals are problem+json with a stable ``code``."""

from ninja import Router

from corsia.transplant.api import case, followup, pretransplant, settings

router = Router(tags=["transplant"])
router.add_router("", case.router)
router.add_router("", pretransplant.router)
router.add_router("", followup.router)
router.add_router("", settings.router)
