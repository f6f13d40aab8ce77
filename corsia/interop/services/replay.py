"""IT staff replay a message in error or parked, with a reason: it is applied again as
the interface (the same checks), and the replay is audited under their name."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.interop import audit_events as events
from corsia.interop.domain.states import MessageState, ensure_retriable
from corsia.interop.models import InboundMessage
from corsia.interop.services.account import REPLAY, interface_account
from corsia.interop.services.receive import parked_retry, reprocess


def message_replay(
    *, actor: User, workstation: Workstation, message_id: int, reason: str
) -> InboundMessage:
    require_permission(actor, REPLAY)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Indica il motivo della rielaborazione.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if row is None:
            raise NotFound("Messaggio non trovato.", code="message_not_found")
        ensure_retriable(row.state)
        before = reprocess(row=row, actor=interface_account(), now=timezone.now())
        audit_record(
            event=events.MESSAGE_REPLAYED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=row.patient_id,
            before=before,
            after={"state": row.state, "outcome": row.outcome, "error_code": row.error_code},
            reason=reason,
        )
    if row.state == MessageState.PROCESSED.value:
        parked_retry(keys=None)
    return row
