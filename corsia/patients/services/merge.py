"""Two registrations of one person merged (by hand or an ADT A40), and the merge undone
(the registry's correction, an ADT A37).

A merge moves everything of the duplicate to the survivor: this module's rows and, through
the hooks the modules above register (``corsia.patients.merging``), every other module's —
orders, administrations, documents, the chart, toxicities — in one transaction with both
patients locked. What each module moved is recorded per merge (``PatientMergeMove``), so the
undoing moves back exactly those rows and nothing created on the survivor since.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from corsia.audit.domain.events import EventType
from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.core.triggers import MERGE_SETTING
from corsia.patients import audit_events as events
from corsia.patients.domain.states import EncounterState
from corsia.patients.merging import (
    CANCELLED_MARK,
    MergeInfo,
    Moved,
    label,
    merge_hooks,
    rows_move_back,
)
from corsia.patients.models import (
    Allergy,
    Consent,
    Encounter,
    ExternalIdentifier,
    Masking,
    MergeState,
    NoKnownAllergies,
    Patient,
    PatientMerge,
    PatientMergeMove,
)
from corsia.patients.models_pgx import PgxResult
from corsia.patients.services.allergies import allergies_move
from corsia.patients.services.patient import MERGE, UNMERGE, ensure_not_merged
from corsia.patients.services.pgx import pgx_results_move
from corsia.patients.services.registry import _snapshot

OWN_MODULE = "patients"
# This module's rows a merge moves (allergies and statements through ``allergies_move``).
_OWN = (Encounter, Consent, ExternalIdentifier, Masking)
_ALLERGIES = (Allergy, NoKnownAllergies, PgxResult)


def _reason(reason: str, *, code: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(f"Indica il motivo {what}.", code=code, field="reason")
    if "\x00" in text or len(text) > 2000:
        raise ValidationFailed(
            "Il motivo contiene caratteri non ammessi o è troppo lungo (al massimo 2000).",
            code="reason_invalid",
            field="reason",
        )
    return text


def _lock_two(first_id: int, second_id: int) -> dict[int, Patient]:
    """Both rows locked in id order (two merges of the same pair from either side wait for
    each other instead of deadlocking)."""
    return {
        p.pk: p
        for p in Patient.objects.select_for_update()
        .filter(pk__in=[first_id, second_id])
        .order_by("pk")
    }


def _repointing(merge_id: int | None) -> None:
    """Name (or, ``None``, stop naming) the merge whose rows may change patient: the
    database's ``patient_move_allowed`` reads it; local to the transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [MERGE_SETTING, str(merge_id or "")])


def _info(merge: PatientMerge, *, actor: User, workstation: Workstation) -> MergeInfo:
    return MergeInfo(
        merge_id=merge.pk,
        survivor_id=merge.survivor_id,
        duplicate_id=merge.duplicate_id,
        actor=actor,
        workstation=workstation,
        reason=f"Unione n. {merge.pk}: {merge.reason}"[:2000],
    )


def _record_moves(merge: PatientMerge, module: str, moved: Moved) -> dict[str, Any]:
    labels = sorted(set(moved.rows) | set(moved.left))
    PatientMergeMove.objects.bulk_create(
        PatientMergeMove(
            merge=merge,
            module=module,
            model=name,
            row_ids=list(moved.rows.get(name, ())),
            left_ids=list(moved.left.get(name, ())),
            left_reason=moved.left_reason if moved.left.get(name) else "",
        )
        for name in labels
    )
    summary: dict[str, Any] = {
        "module": module,
        "moved": {k: list(v) for k, v in moved.rows.items()},
    }
    if any(moved.left.values()):
        summary["left"] = {k: list(v) for k, v in moved.left.items() if v}
        summary["left_reason"] = moved.left_reason
    return summary


def _audit_both(
    pair: tuple[EventType, EventType],
    merge: PatientMerge,
    *,
    actor: User,
    workstation: Workstation,
    reason: str,
    before: dict[str, Any] | None = None,
    **facts: Any,
) -> None:
    """The merge (or its undoing) audited on the duplicate (``pair[0]``) and on the survivor
    (``pair[1]``), both with the merge, the two MRNs and ``facts``."""
    duplicate, survivor = merge.duplicate, merge.survivor
    summary = {
        "merge_id": merge.pk,
        "survivor_id": survivor.pk,
        "survivor_mrn": survivor.mrn,
        "duplicate_id": duplicate.pk,
        "duplicate_mrn": duplicate.mrn,
        **facts,
    }
    for event, patient, snapshot in ((pair[0], duplicate, before), (pair[1], survivor, None)):
        audit_record(
            event=event,
            actor=actor,
            workstation=workstation,
            target=patient,
            patient_id=patient.pk,
            before=snapshot,
            after=summary,
            reason=reason,
        )


def _own_move(info: MergeInfo, *, survivor: Patient, duplicate: Patient) -> Moved:
    rows: dict[str, tuple[int, ...]] = {}
    for model in _OWN:
        ids = tuple(
            sorted(model.objects.filter(patient_id=duplicate.pk).values_list("pk", flat=True))
        )
        model.objects.filter(pk__in=ids).update(patient_id=survivor.pk)
        rows[label(model)] = ids
    allergies = allergies_move(actor=info.actor, survivor=survivor, duplicate=duplicate)
    rows[label(Allergy)] = tuple(allergies["allergies"])
    rows[label(NoKnownAllergies)] = tuple(allergies["no_known_allergies"])
    rows[label(PgxResult)] = tuple(pgx_results_move(survivor=survivor, duplicate=duplicate))
    return Moved(rows=rows)


def patient_merge(
    *,
    actor: User,
    workstation: Workstation,
    survivor_id: int,
    duplicate_id: int,
    reason: str,
) -> Patient:
    """Move everything of the duplicate — this module's rows and, through the registered
    hooks, every other module's — to the survivor; the duplicate stays, merged and inactive,
    so both histories remain (pghistory keeps every moved row's old patient)."""
    require_permission(actor, MERGE)
    reason = _reason(reason, code="reason_required", what="dell'unione dei due pazienti")
    if survivor_id == duplicate_id:
        raise ValidationFailed(
            "Non si può unire un paziente con sé stesso.",
            code="merge_same_patient",
            field="duplicate_id",
        )
    with transaction.atomic():
        locked = _lock_two(survivor_id, duplicate_id)
        if survivor_id not in locked or duplicate_id not in locked:
            raise NotFound("Paziente non trovato.", code="patient_not_found")
        survivor, duplicate = locked[survivor_id], locked[duplicate_id]
        ensure_not_merged(survivor)
        ensure_not_merged(duplicate)
        active = Encounter.objects.filter(
            patient_id__in=[survivor_id, duplicate_id], state=EncounterState.ACTIVE.value
        ).count()
        if active > 1:
            raise ValidationFailed(
                "Entrambi i pazienti hanno un ricovero/accesso in corso: chiudine uno prima di "
                "unirli.",
                code="merge_two_active_encounters",
            )
        earlier = sorted(Patient.objects.filter(merged_into=duplicate).values_list("pk", flat=True))
        merge = PatientMerge.objects.create(
            survivor=survivor,
            duplicate=duplicate,
            reason=reason,
            merged_by=actor,
            workstation=workstation_label(workstation),
            earlier_duplicates=earlier,
        )
        info = _info(merge, actor=actor, workstation=workstation)
        _repointing(merge.pk)
        modules = [
            _record_moves(
                merge, OWN_MODULE, _own_move(info, survivor=survivor, duplicate=duplicate)
            )
        ]
        for hook in merge_hooks():
            summary = _record_moves(merge, hook.module, hook.move(info))
            modules.append(summary)
            audit_record(
                event=events.MERGE_ROWS_MOVED,
                actor=actor,
                workstation=workstation,
                target=merge,
                patient_id=survivor.pk,
                after=summary,
                reason=info.reason,
            )
        _repointing(None)
        # Duplicates merged earlier into the duplicate now point at the survivor.
        Patient.objects.filter(pk__in=earlier).update(merged_into=survivor)
        duplicate.merged_into = survivor
        duplicate.is_active = False
        duplicate.save(update_fields=["merged_into", "is_active", *duplicate.bump(by=actor)])
        _audit_both(
            (events.PATIENT_MERGED, events.PATIENT_MERGE_RECEIVED),
            merge,
            actor=actor,
            workstation=workstation,
            reason=reason,
            before=_snapshot(duplicate),
            moved=modules[0]["moved"],
            modules={
                m["module"]: sum(len(v) for k, v in m["moved"].items() if CANCELLED_MARK not in k)
                for m in modules
            },
        )
    return survivor


def _moves_by_module(merge: PatientMerge) -> dict[str, dict[str, tuple[int, ...]]]:
    out: dict[str, dict[str, tuple[int, ...]]] = {}
    for move in merge.moves.all():
        out.setdefault(move.module, {})[move.model] = tuple(move.row_ids)
    return out


def _own_move_back(info: MergeInfo, rows: Mapping[str, tuple[int, ...]]) -> None:
    for model in (*_OWN, *_ALLERGIES):
        rows_move_back(model, info, rows.get(label(model), ()))


def _ensure_undoable(merge: PatientMerge, survivor: Patient, duplicate: Patient) -> None:
    if merge.state != MergeState.MERGED:
        raise ConflictError("Questa unione è già stata annullata.", code="merge_already_undone")
    if survivor.merged_into_id is not None:
        raise ConflictError(
            f"Il paziente principale {survivor.mrn} è stato a sua volta unito a un altro: "
            "annulla prima quell'unione.",
            code="unmerge_survivor_merged",
            details={"survivor_merged_into": survivor.merged_into_id},
        )
    if duplicate.merged_into_id != survivor.pk:
        raise ConflictError(
            "Il duplicato non risulta più unito a questo paziente.",
            code="unmerge_duplicate_moved",
        )
    for field_name, code in (("codice_fiscale", "codice fiscale"), ("stp_eni_code", "STP/ENI")):
        value = getattr(duplicate, field_name)
        if (
            value
            and Patient.objects.filter(merged_into__isnull=True, **{field_name: value})
            .exclude(pk=duplicate.pk)
            .exists()
        ):
            raise ConflictError(
                f"Il {code} del duplicato ({value}) è ora di un altro paziente attivo: "
                "correggi l'anagrafica prima di annullare l'unione.",
                code="unmerge_identifier_taken",
                details={"field": field_name},
            )


def patient_unmerge(
    *, actor: User, workstation: Workstation, merge_id: int, reason: str
) -> PatientMerge:
    """Undo a merge: exactly the rows it moved — this module's and every other module's,
    through the hooks — go back from the survivor to the duplicate (what was recorded on
    the survivor after the merge stays there), the duplicates it re-pointed go back to the
    duplicate, and the duplicate is an active patient again. Refused, with nothing changed,
    when it cannot be done exactly (``merge_already_undone``, ``unmerge_survivor_merged``,
    ``unmerge_identifier_taken``, ``unmerge_rows_changed``)."""
    require_permission(actor, UNMERGE)
    reason = _reason(reason, code="reason_required", what="dell'annullamento dell'unione")
    with transaction.atomic():
        pair = (
            PatientMerge.objects.filter(pk=merge_id)
            .values_list("survivor_id", "duplicate_id")
            .first()
        )
        if pair is None:
            raise NotFound("Unione non trovata.", code="merge_not_found")
        locked = _lock_two(*pair)
        survivor, duplicate = locked[pair[0]], locked[pair[1]]
        merge = PatientMerge.objects.select_for_update().get(pk=merge_id)
        _ensure_undoable(merge, survivor, duplicate)
        info = _info(merge, actor=actor, workstation=workstation)
        moves = _moves_by_module(merge)
        _repointing(merge.pk)
        for hook in reversed(merge_hooks()):
            rows = moves.get(hook.module, {})
            hook.move_back(info, rows)
            audit_record(
                event=events.MERGE_ROWS_RETURNED,
                actor=actor,
                workstation=workstation,
                target=merge,
                patient_id=duplicate.pk,
                after={"module": hook.module, "returned": {k: list(v) for k, v in rows.items()}},
                reason=f"Annullamento dell'unione n. {merge.pk}: {reason}"[:2000],
            )
        _own_move_back(info, moves.get(OWN_MODULE, {}))
        _repointing(None)
        Patient.objects.filter(pk__in=merge.earlier_duplicates, merged_into=survivor).update(
            merged_into=duplicate
        )
        duplicate.merged_into = None
        duplicate.is_active = True
        duplicate.save(update_fields=["merged_into", "is_active", *duplicate.bump(by=actor)])
        merge.state = MergeState.UNMERGED
        merge.unmerged_by = actor
        merge.unmerged_at = merge.updated_at = timezone.now()
        merge.unmerge_reason = reason
        merge.unmerge_workstation = workstation_label(workstation)
        merge.save(
            update_fields=[
                "state",
                "unmerged_by",
                "unmerged_at",
                "unmerge_reason",
                "unmerge_workstation",
                "updated_at",
            ]
        )
        _audit_both(
            (events.PATIENT_UNMERGED, events.PATIENT_UNMERGE_RECEIVED),
            merge,
            actor=actor,
            workstation=workstation,
            reason=reason,
            returned={
                module: sum(len(v) for k, v in rows.items() if CANCELLED_MARK not in k)
                for module, rows in moves.items()
            },
        )
    return merge
