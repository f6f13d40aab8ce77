"""Reads of the merges: the list IT staff and coordinators undo a wrong merge from, one
merge with what each module moved, and — for the HL7 interface's A37 — the merge in force
between a survivor and the registration an ADT names again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corsia.audit.services import access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.patients.merging import CANCELLED_MARK
from corsia.patients.models import ExternalIdentifier, MergeState, PatientMerge
from corsia.patients.services.patient import UNMERGE

EXTERNAL_IDS = "patients.ExternalIdentifier"


@dataclass(frozen=True)
class MergeMoveInfo:
    module: str
    model: str
    rows: int
    left: int
    left_reason: str

    @property
    def cancelled(self) -> bool:
        """Rows the module cancelled to settle a conflict (``merging.cancelled_label``),
        not moved rows."""
        return CANCELLED_MARK in self.model


@dataclass(frozen=True)
class MergeInfoRow:
    id: int
    survivor_id: int
    survivor_mrn: str
    duplicate_id: int
    duplicate_mrn: str
    state: str
    state_label: str
    reason: str
    merged_at: datetime
    merged_by: str
    unmerged_at: datetime | None
    unmerged_by: str
    unmerge_reason: str
    moves: tuple[MergeMoveInfo, ...]

    @property
    def moved_total(self) -> int:
        return sum(m.rows for m in self.moves if not m.cancelled)

    @property
    def cancelled_total(self) -> int:
        return sum(m.rows for m in self.moves if m.cancelled)

    @property
    def left_total(self) -> int:
        return sum(m.left for m in self.moves)


def _row(merge: PatientMerge) -> MergeInfoRow:
    return MergeInfoRow(
        id=merge.pk,
        survivor_id=merge.survivor_id,
        survivor_mrn=merge.survivor.mrn,
        duplicate_id=merge.duplicate_id,
        duplicate_mrn=merge.duplicate.mrn,
        state=merge.state,
        state_label=str(merge.get_state_display()),
        reason=merge.reason,
        merged_at=merge.merged_at,
        merged_by=merge.merged_by.get_username(),
        unmerged_at=merge.unmerged_at,
        unmerged_by=merge.unmerged_by.get_username() if merge.unmerged_by else "",
        unmerge_reason=merge.unmerge_reason,
        moves=tuple(
            MergeMoveInfo(
                module=m.module,
                model=m.model,
                rows=len(m.row_ids),
                left=len(m.left_ids),
                left_reason=m.left_reason,
            )
            for m in merge.moves.all()
        ),
    )


def merges_list(
    *,
    user: User,
    state: str = "",
    limit: int = 100,
    workstation: Workstation = None,
    channel: str = "web",
) -> list[MergeInfoRow]:
    """The latest merges (in force, undone, or both), newest first; each patient shown
    (by MRN) written in the access log."""
    require_permission(user, UNMERGE)
    merges = PatientMerge.objects.select_related(
        "survivor", "duplicate", "merged_by", "unmerged_by"
    ).prefetch_related("moves")
    if state in MergeState.values:
        merges = merges.filter(state=state)
    rows = [_row(m) for m in merges[: max(1, min(limit, 500))]]
    shown = sorted({pid for r in rows for pid in (r.survivor_id, r.duplicate_id)})
    if shown:
        access_log_record_many(
            user=user, patient_ids=shown, what="merges", workstation=workstation, channel=channel
        )
    return rows


def merge_find(*, merge_id: int) -> MergeInfoRow | None:
    """One merge as recorded (no permission, no log: for the services and the API's answer
    after an action the caller was allowed)."""
    merge = (
        PatientMerge.objects.select_related("survivor", "duplicate", "merged_by", "unmerged_by")
        .prefetch_related("moves")
        .filter(pk=merge_id)
        .first()
    )
    return _row(merge) if merge else None


def merge_in_force_of(*, duplicate_id: int) -> MergeInfoRow | None:
    """The merge in force of ``duplicate_id`` as recorded (no permission, no log: for the
    page's outcome right after the merge the caller was allowed)."""
    merge = (
        PatientMerge.objects.select_related("survivor", "duplicate", "merged_by", "unmerged_by")
        .prefetch_related("moves")
        .filter(duplicate_id=duplicate_id, state=MergeState.MERGED)
        .first()
    )
    return _row(merge) if merge else None


def merge_in_force_for(
    *,
    survivor_id: int,
    codice_fiscale: str = "",
    stp_eni_code: str = "",
    mrn: str = "",
    external: dict[str, str],
) -> int | None:
    """The merge in force into ``survivor_id`` whose duplicate these identifiers name —
    its own codice fiscale, STP/ENI code or MRN (kept on the merged duplicate), or an
    external identifier the merge moved to the survivor; ``None`` when there is none.
    For the HL7 interface's A37 (``corsia.interop``), which shows no patient."""
    merges = PatientMerge.objects.filter(
        survivor_id=survivor_id, state=MergeState.MERGED
    ).select_related("duplicate")
    for merge in merges.order_by("-merged_at", "-pk"):
        duplicate = merge.duplicate
        if (
            (codice_fiscale and duplicate.codice_fiscale == codice_fiscale)
            or (stp_eni_code and duplicate.stp_eni_code == stp_eni_code)
            or (mrn and duplicate.mrn == mrn)
        ):
            return merge.pk
        moved = [pk for move in merge.moves.filter(model=EXTERNAL_IDS) for pk in move.row_ids]
        for system, value in external.items():
            if ExternalIdentifier.objects.filter(pk__in=moved, system=system, value=value).exists():
                return merge.pk
    return None
