"""JSON API of the wards' requests to the pharmacy: /api/v1/requests/…

The ward (nurse, coordinator, physician: ``request_ward_supplies``) writes, submits,
cancels and receives; the pharmacist (``evaluate_ward_request``) evaluates; pharmacist and
technician (``pick_ward_request``) pick by pack scan and deliver; the pharmacy reads every
ward cabinet's stock (``view_stock``). Thin: services change, selectors read; refusals
are problem+json with a stable English ``code``. Reading a request that names patients
writes one access-log entry per patient.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from corsia.inventory.api_requests import acts, reads  # noqa: F401  # they add the operations
from corsia.inventory.api_requests.common import router

__all__ = ["router"]
