"""The portal's merge hook (``corsia.patients.merging``).

A merge moves the duplicate's message threads (their messages and attachments with them)
and the releases of its documents to the survivor. Its **portal account** cannot simply
move: a patient has one account (a one-to-one column), and the merged pair may hold two.

- Only the duplicate has one: it moves to the survivor; the patient signs in as before and
  now sees the survivor's record.
- Both have one: the survivor keeps its own; the duplicate's account stays on the
  duplicate, **suspended** with the merge as its reason (``suspended_merge_id``), never
  deleted, and reported in the merge as left behind. Its open sessions end at once (a
  suspended account signs nobody in). Staff tell the patient which sign-in to use.

The activity log (``PortalActivity``) is append-only and keeps the patient id of the time.
The undoing moves back exactly what moved, and reactivates the account this merge
suspended (unless it was suspended again since, by staff: then it stays suspended).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.patients.merging import MergeInfo, Moved, label, rows_move, rows_move_back
from corsia.portal.audit_events import ACCOUNT_REACTIVATED, ACCOUNT_SUSPENDED
from corsia.portal.models import DocumentRelease, PortalAccount, Thread

MODELS = (PortalAccount, Thread, DocumentRelease)
LEFT_ACCOUNT = "account del portale presente in entrambi i pazienti: sospeso quello del doppione"


def _suspend_duplicates_account(merge: MergeInfo) -> tuple[int, ...]:
    if not PortalAccount.objects.filter(patient_id=merge.survivor_id).exists():
        return ()
    account = (
        PortalAccount.objects.select_for_update().filter(patient_id=merge.duplicate_id).first()
    )
    if account is None:
        return ()
    if account.active:
        before = {"active": True}
        account.active = False
        account.suspended_at = timezone.now()
        account.suspended_by = merge.actor
        account.suspended_reason = merge.reason[:300]
        account.suspended_merge_id = merge.merge_id
        account.save(
            update_fields=[
                "active",
                "suspended_at",
                "suspended_by",
                "suspended_reason",
                "suspended_merge_id",
            ]
        )
        audit_record(
            event=ACCOUNT_SUSPENDED,
            actor=merge.actor,
            workstation=merge.workstation,
            target=account,
            patient_id=merge.duplicate_id,
            before=before,
            after={"active": False, "merge_id": merge.merge_id},
            reason=merge.reason,
        )
    return (account.pk,)


def move(merge: MergeInfo) -> Moved:
    left = _suspend_duplicates_account(merge)
    rows = {
        label(PortalAccount): rows_move(PortalAccount, merge, exclude=left),
        label(Thread): rows_move(Thread, merge),
        label(DocumentRelease): rows_move(DocumentRelease, merge),
    }
    return Moved(
        rows=rows,
        left={label(PortalAccount): left} if left else {},
        left_reason=LEFT_ACCOUNT if left else "",
    )


def move_back(merge: MergeInfo, rows: Mapping[str, tuple[int, ...]]) -> None:
    for model in reversed(MODELS):
        rows_move_back(model, merge, rows.get(label(model), ()))
    suspended = PortalAccount.objects.select_for_update().filter(
        patient_id=merge.duplicate_id, active=False, suspended_merge_id=merge.merge_id
    )
    for account in suspended:
        account.active = True
        account.suspended_at = None
        account.suspended_by = None
        account.suspended_reason = ""
        account.suspended_merge_id = None
        account.save(
            update_fields=[
                "active",
                "suspended_at",
                "suspended_by",
                "suspended_reason",
                "suspended_merge_id",
            ]
        )
        audit_record(
            event=ACCOUNT_REACTIVATED,
            actor=merge.actor,
            workstation=merge.workstation,
            target=account,
            patient_id=merge.duplicate_id,
            before={"active": False, "merge_id": merge.merge_id},
            after={"active": True},
            reason=merge.reason,
        )
