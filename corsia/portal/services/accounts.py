"""Opening a patient's portal account (staff), and the patient's acts in the activity log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.patients.selectors import patient_get, patient_record
from corsia.portal.audit_events import ACCOUNT_OPENED, ACCOUNT_SUSPENDED
from corsia.portal.models import PortalAccount, PortalActivity

MANAGE_ACCOUNT = "portal.manage_account"


def portal_account_open(
    *, actor: User, workstation: Workstation, patient_id: int, email: str = "", phone: str = ""
) -> PortalAccount:
    """Open the portal to a patient: the codes go to ``email``/``phone`` (the registry's
    when not given). One account per patient (``account_exists``)."""
    require_permission(
        actor, MANAGE_ACCOUNT, "Non hai il permesso per aprire l'accesso al portale."
    )
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationFailed(
                "Indirizzo email non valido.", code="email_invalid", field="email"
            ) from error
    # the user's care scope: a patient they may not see is not found
    patient_id = patient_get(user=actor, patient_id=patient_id).pk
    with transaction.atomic():
        patient = patient_record(patient_id=patient_id, lock=True)
        if PortalAccount.objects.filter(patient_id=patient.pk).exists():
            raise ConflictError("Il paziente ha già un account del portale.", code="account_exists")
        account = PortalAccount.objects.create(
            patient_id=patient.pk,
            email=email or patient.email,
            phone=phone or patient.phone,
            opened_by=actor,
        )
        audit_record(
            event=ACCOUNT_OPENED,
            actor=actor,
            workstation=workstation,
            target=account,
            patient_id=patient.pk,
            after={"email": account.email, "phone": account.phone},
        )
    return account


def activity_record(*, account_id: int, patient_id: int, action: str, detail: str = "") -> None:
    """One act of the patient in the portal (sign-in, a page read, a message sent)."""
    PortalActivity.objects.create(
        account_id=account_id, patient_id=patient_id, action=action, detail=detail[:200]
    )


def portal_account_suspend(
    *, actor: User, workstation: Workstation, account_id: int, reason: str
) -> PortalAccount:
    """Suspend a patient's portal account (permission ``portal.manage_account``, the
    patient in the actor's care scope, a reason): its sessions end at once, its API tokens
    are revoked; the account stays (never deleted), audited ``portal.account_suspended``."""
    from django.utils import timezone

    from corsia.portal.models import PortalToken

    require_permission(
        actor, MANAGE_ACCOUNT, "Non hai il permesso per sospendere l'accesso al portale."
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Indica il motivo.", code="reason_required", field="reason")
    found = PortalAccount.objects.filter(pk=account_id).values_list("patient_id", flat=True)
    patient_id = found.first()
    if patient_id is None:
        raise NotFound("Account del portale non trovato.", code="account_not_found")
    try:
        patient_get(user=actor, patient_id=patient_id)  # the care scope: outside, not found
    except NotFound as error:
        raise NotFound("Account del portale non trovato.", code="account_not_found") from error
    with transaction.atomic():
        account = PortalAccount.objects.select_for_update().get(pk=account_id)
        if not account.active:
            raise ConflictError("L'account è già sospeso.", code="account_already_suspended")
        now = timezone.now()
        account.active = False
        account.suspended_at = now
        account.suspended_by = actor
        account.suspended_reason = reason[:300]
        account.save(update_fields=["active", "suspended_at", "suspended_by", "suspended_reason"])
        PortalToken.objects.filter(account=account, revoked_at__isnull=True).update(revoked_at=now)
        audit_record(
            event=ACCOUNT_SUSPENDED,
            actor=actor,
            workstation=workstation,
            target=account,
            patient_id=account.patient_id,
            before={"active": True},
            after={"active": False},
            reason=reason,
        )
    return account
