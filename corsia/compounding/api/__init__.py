"""JSON API of the UFA: /api/v1/compounding/…, one module per act:
``pharmacist`` (work plan, validation, take in charge, sessions, vial plan), ``hood``
(robot document, vials, weighings, release), ``delivery`` (check-out, transport) and
``devices`` (the robot's push and result); their bodies are in ``schemas``.

Thin: every write is one of :mod:`corsia.compounding.services` (permission, lock, domain
rules, audit), every read of patient data goes through :mod:`corsia.compounding.selectors`
(access log). Refusals are the services' ``CorsiaError`` rendered as problem+json with
their stable ``code``; nothing is written when a service refuses.
"""

from ninja import Router

from corsia.compounding.api import delivery, devices, hood, pharmacist

router = Router(tags=["compounding"])
router.add_router("", pharmacist.router)
router.add_router("", hood.router)
router.add_router("", delivery.router)
router.add_router("", devices.router)
