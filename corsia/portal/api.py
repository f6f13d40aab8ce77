"""JSON API of the portal's staff side: /api/v1/portal/... — the same services as the
pages, with the same permissions; refusals are problem+json with a stable ``code``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.web import acting
from corsia.portal import services
from corsia.portal.schemas import AccountIn, AccountOut
from corsia.portal.services.accounts import MANAGE_ACCOUNT

router = Router(tags=["portal"])


@router.post("/accounts", response={201: AccountOut})
@api_perm(MANAGE_ACCOUNT)
def account_open(request: HttpRequest, payload: AccountIn) -> Status[AccountOut]:
    """Open the portal to a patient (the one-time codes go to ``email``/``phone``, else the
    registry's). Refusals: ``patient_not_found``, ``account_exists``."""
    account = services.portal_account_open(
        **acting(request), patient_id=payload.patient_id, email=payload.email, phone=payload.phone
    )
    return Status(
        201,
        AccountOut(
            id=account.pk,
            patient_id=account.patient_id,
            active=account.active,
            email=account.email,
            phone=account.phone,
            created_at=account.created_at,
        ),
    )
