"""JSON API of the portal's staff side: /api/v1/portal/... — the same services as the
pages, with the same permissions; refusals are problem+json with a stable ``code``.

No ``from __future__ import annotations`` (ninja resolves annotations at runtime)."""

from django.http import HttpRequest
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.web import acting
from corsia.portal import services
from corsia.portal.schemas import AccountIn, AccountOut, ReleaseOut, SuspendIn
from corsia.portal.services.accounts import MANAGE_ACCOUNT
from corsia.portal.services.documents import RELEASE_DOCUMENT, document_release

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


@router.post("/accounts/{account_id}/suspend", response=AccountOut)
@api_perm(MANAGE_ACCOUNT)
def account_suspend(request: HttpRequest, account_id: int, payload: SuspendIn) -> AccountOut:
    """Suspend a patient's portal account with a reason: its sessions end, its API tokens
    are revoked, the account stays. Refusals: ``account_not_found`` (also outside the care
    scope), ``reason_required``, ``account_already_suspended``."""
    account = services.portal_account_suspend(
        **acting(request), account_id=account_id, reason=payload.reason
    )
    return AccountOut(
        id=account.pk,
        patient_id=account.patient_id,
        active=account.active,
        email=account.email,
        phone=account.phone,
        created_at=account.created_at,
    )


@router.post("/documents/{document_id}/release", response={201: ReleaseOut})
@api_perm(RELEASE_DOCUMENT)
def document_release_op(request: HttpRequest, document_id: int) -> Status[ReleaseOut]:
    """Make an archived document visible to its patient in the portal. Refusals:
    ``document_not_found``, ``document_without_patient``, ``already_released``."""
    release = document_release(**acting(request), document_id=document_id)
    return Status(
        201,
        ReleaseOut(
            document_id=release.document_id,
            patient_id=release.patient_id,
            released_at=release.released_at,
        ),
    )
