"""Staged archive updates from AIFA open data: stage, diff (resumable), decide, apply.

The pharmacist reviews every proposed change before the archive changes:
``uploaded`` (file stored) → ``diffed`` (changes proposed) → ``approved`` / ``rejected``
→ ``applied``. A file that cannot be read ends ``failed`` and changes nothing. The diff
runs in batches, each committed with the import's ``processed_rows``: an interrupted run
resumes from its last processed row. Applying writes every approved change in one
transaction, a provenance row per changed field (file, its date, import) and one audit
event; nothing is deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date

import pghistory
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, NotFound, ValidationFailed
from corsia.drugs.audit_events import (
    DRUGS_ARCHIVE_CHANGES_DECIDED,
    DRUGS_ARCHIVE_IMPORT_APPLIED,
    DRUGS_ARCHIVE_IMPORT_APPROVED,
    DRUGS_ARCHIVE_IMPORT_REJECTED,
    DRUGS_ARCHIVE_IMPORT_STAGED,
)
from corsia.drugs.domain.aifa_open.diff import (
    ArchivedPack,
    ArchiveView,
    OpenShortage,
    ProposedChange,
    absent_changes,
    row_changes,
)
from corsia.drugs.domain.aifa_open.files import FileKind, parse_file
from corsia.drugs.domain.aifa_open.reading import FileRefused
from corsia.drugs.models import ActiveIngredient, Pack
from corsia.drugs.models_archive_import import (
    ArchiveChange,
    ArchiveImport,
    ChangeDecision,
    PackShortage,
)
from corsia.drugs.models_archive_import import ArchiveImportStatus as Status
from corsia.drugs.services_archive_writer import ArchiveWriter

REVIEW_PERMISSION = "drugs.review_archive_import"
BATCH_ROWS = 500
MAX_FILE_BYTES = 50 * 1024 * 1024
_REFUSED = "Non hai il permesso di rivedere gli aggiornamenti dell'archivio farmaci."


def _check(actor: User | None) -> None:
    """``None``: the system (scheduled job, management command)."""
    if actor is not None:
        require_permission(actor, REVIEW_PERMISSION, _REFUSED)


def _locked(import_id: int) -> ArchiveImport:
    try:
        return ArchiveImport.objects.select_for_update().defer("content").get(pk=import_id)
    except ArchiveImport.DoesNotExist:
        raise NotFound(
            f"Aggiornamento dell'archivio n. {import_id} inesistente.",
            code="archive_import_not_found",
        ) from None


def _require_status(item: ArchiveImport, *allowed: str) -> None:
    if item.status not in allowed:
        raise ConflictError(
            f"L'aggiornamento è «{item.get_status_display()}»: operazione non possibile.",
            code="archive_import_wrong_status",
            details={"status": item.status},
        )


def archive_import_stage(
    *,
    content: bytes,
    file_name: str,
    kind: str,
    file_date: date,
    source: str = "",
    actor: User | None = None,
    workstation: Workstation = None,
) -> ArchiveImport:
    """Store an AIFA file for review (nothing in the archive changes)."""
    _check(actor)
    if kind not in FileKind.__members__.values():
        raise ValidationFailed(
            f"Tipo di file «{kind}» sconosciuto.", code="kind_unknown", field="kind"
        )
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed(
            "Il file è troppo grande (massimo 50 MB).", code="file_too_large", field="file"
        )
    with transaction.atomic():
        item = ArchiveImport.objects.create(
            kind=kind,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            file_date=file_date,
            source=(source or f"AIFA open data: {file_name}")[:255],
            content=content,
            uploaded_by=actor,
            updated_by=actor,
        )
        audit_record(
            event=DRUGS_ARCHIVE_IMPORT_STAGED,
            actor=actor,
            workstation=workstation,
            target=item,
            after={"kind": kind, "file": file_name, "sha256": item.file_sha256},
        )
    return item


def archive_view() -> ArchiveView:
    """The archive as the diff compares it: packs by AIC, open shortages, ATC owners."""
    packs = {
        p.aic: ArchivedPack(
            aic=p.aic,
            description=p.description,
            holder=p.product.holder,
            price_eur=p.price_eur,
            reference_price_eur=p.reference_price_eur,
            reimbursement_class=p.reimbursement_class,
            equivalence_group=p.equivalence_group,
            withdrawn_on=p.withdrawn_on,
        )
        for p in Pack.objects.exclude(aic="").select_related("product")
    }
    shortages = {
        s.pack.aic: OpenShortage(aic=s.pack.aic, started_on=s.started_on)
        for s in PackShortage.objects.filter(ended_on__isnull=True).select_related("pack")
    }
    by_atc: dict[str, str] = {}
    for ingredient in ActiveIngredient.objects.order_by("code"):
        for atc in [ingredient.atc_code, *ingredient.other_atc_codes]:
            if atc:
                by_atc.setdefault(atc, ingredient.code)
    return ArchiveView(packs=packs, open_shortages=shortages, ingredient_by_atc=by_atc)


def _rows_of(item: ArchiveImport, changes: Iterable[ProposedChange]) -> list[ArchiveChange]:
    return [
        ArchiveChange(
            archive_import=item,
            kind=c.kind.value,
            aic=c.aic,
            line=c.line,
            field=c.field,
            before=c.before,
            after=c.after,
            data=dict(c.data),
        )
        for c in changes
    ]


def archive_import_diff(
    *,
    import_id: int,
    batch_rows: int = BATCH_ROWS,
    after_batch: Callable[[ArchiveImport], None] | None = None,
) -> ArchiveImport:
    """Propose the import's changes, ``batch_rows`` rows per committed batch.

    Resumes from ``processed_rows``; does nothing to an import already diffed. A file
    that cannot be read marks the import ``failed`` with the reason.
    """
    item = ArchiveImport.objects.get(pk=import_id)
    if item.status != Status.UPLOADED:
        return item
    kind = FileKind(item.kind)
    try:
        parsed = parse_file(bytes(item.content), kind)
    except FileRefused as refused:
        with transaction.atomic():
            item = _locked(import_id)
            item.status = Status.FAILED
            item.error_code = refused.code
            item.error_message = refused.message
            item.save(update_fields=["status", "error_code", "error_message", "updated_at"])
        return item
    view = archive_view()
    rows = parsed.rows
    with transaction.atomic():
        item = _locked(import_id)
        if item.total_rows != len(rows):
            item.total_rows = len(rows)
            item.problems = [
                {"line": p.line, "code": p.code, "message": p.message} for p in parsed.problems
            ]
            item.save(update_fields=["total_rows", "problems", "updated_at"])
    start = item.processed_rows
    while start < len(rows):
        with transaction.atomic():
            item = _locked(import_id)
            start = item.processed_rows  # another worker may have gone further
            if item.status != Status.UPLOADED or start >= len(rows):
                break
            batch = rows[start : start + batch_rows]
            found = [c for row in batch for c in row_changes(row, kind, view)]
            ArchiveChange.objects.bulk_create(_rows_of(item, found), ignore_conflicts=True)
            item.processed_rows = start + len(batch)
            item.save(update_fields=["processed_rows", "updated_at"])
        start = item.processed_rows
        if after_batch is not None:
            after_batch(item)
    with transaction.atomic():
        item = _locked(import_id)
        if item.status != Status.UPLOADED:
            return item
        absent = absent_changes(kind, parsed.aics, view, has_problems=bool(parsed.problems))
        ArchiveChange.objects.bulk_create(_rows_of(item, absent), ignore_conflicts=True)
        item.status = Status.DIFFED
        item.save(update_fields=["status", "updated_at"])
    return item


def archive_changes_decide(
    *,
    import_id: int,
    change_ids: list[int],
    decision: str,
    reason: str = "",
    actor: User,
    workstation: Workstation = None,
) -> int:
    """Approve or reject some proposed changes of an import under review."""
    _check(actor)
    if decision not in (ChangeDecision.APPROVED, ChangeDecision.REJECTED):
        raise ValidationFailed(
            "La decisione deve essere «approved» o «rejected».",
            code="decision_unknown",
            field="decision",
        )
    if decision == ChangeDecision.REJECTED and not reason.strip():
        raise ValidationFailed(
            "Per rifiutare una modifica serve il motivo.", code="reason_required", field="reason"
        )
    if not change_ids:
        raise ValidationFailed(
            "Scegli almeno una modifica.", code="no_change_chosen", field="change_ids"
        )
    with transaction.atomic():
        item = _locked(import_id)
        _require_status(item, Status.DIFFED)
        changes = list(item.changes.select_for_update().filter(pk__in=change_ids))
        if len(changes) != len(set(change_ids)):
            raise NotFound(
                "Una delle modifiche scelte non appartiene a questo aggiornamento.",
                code="archive_change_not_found",
            )
        now = timezone.now()
        for change in changes:
            change.decision = decision
            change.decided_by = actor
            change.decided_at = now
            change.reason = reason.strip()
            change.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
        audit_record(
            event=DRUGS_ARCHIVE_CHANGES_DECIDED,
            actor=actor,
            workstation=workstation,
            target=item,
            after={"decision": decision, "changes": sorted(c.pk for c in changes)},
            reason=reason.strip(),
        )
    return len(changes)


def archive_import_approve(
    *, import_id: int, actor: User, workstation: Workstation = None
) -> ArchiveImport:
    """Approve the import: every change still undecided is approved with it."""
    _check(actor)
    with transaction.atomic():
        item = _locked(import_id)
        _require_status(item, Status.DIFFED)
        now = timezone.now()
        approved = item.changes.filter(decision=ChangeDecision.PENDING).update(
            decision=ChangeDecision.APPROVED, decided_by=actor, decided_at=now
        )
        item.status = Status.APPROVED
        item.decided_by = actor
        item.decided_at = now
        fields = ["status", "decided_by", "decided_at", *item.bump(by=actor)]
        item.save(update_fields=fields)
        audit_record(
            event=DRUGS_ARCHIVE_IMPORT_APPROVED,
            actor=actor,
            workstation=workstation,
            target=item,
            after={
                "approved_now": approved,
                "approved": item.changes.filter(decision=ChangeDecision.APPROVED).count(),
                "rejected": item.changes.filter(decision=ChangeDecision.REJECTED).count(),
            },
        )
    return item


def archive_import_reject(
    *, import_id: int, reason: str, actor: User, workstation: Workstation = None
) -> ArchiveImport:
    """Reject the whole import with a reason: the archive is left as it is."""
    _check(actor)
    if not reason.strip():
        raise ValidationFailed(
            "Per rifiutare l'aggiornamento serve il motivo.",
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        item = _locked(import_id)
        _require_status(item, Status.UPLOADED, Status.DIFFED, Status.APPROVED)
        item.status = Status.REJECTED
        item.decided_by = actor
        item.decided_at = timezone.now()
        item.rejection_reason = reason.strip()
        fields = ["status", "decided_by", "decided_at", "rejection_reason"]
        item.save(update_fields=[*fields, *item.bump(by=actor)])
        audit_record(
            event=DRUGS_ARCHIVE_IMPORT_REJECTED,
            actor=actor,
            workstation=workstation,
            target=item,
            reason=reason.strip(),
        )
    return item


def archive_import_apply(
    *, import_id: int, actor: User | None = None, workstation: Workstation = None
) -> ArchiveImport:
    """Write the approved changes of an approved import, all or nothing.

    A change whose ``before`` no longer matches the archive (changed since the diff) stops
    the whole apply: diff the file again.
    """
    _check(actor)
    with transaction.atomic():
        item = _locked(import_id)
        _require_status(item, Status.APPROVED)
        with pghistory.context(
            source=item.source,
            file=item.file_name,
            sha256=item.file_sha256,
            archive_import=item.pk,
            user=getattr(actor, "pk", None),
        ):
            writer = ArchiveWriter(item, actor)
            changes = item.changes.filter(decision=ChangeDecision.APPROVED, applied=False)
            for change in changes.order_by("pk"):
                writer.apply(change)
                change.applied = True
                change.save(update_fields=["applied"])
        item.status = Status.APPLIED
        item.applied_by = actor
        item.applied_at = timezone.now()
        item.applied_changes = writer.count
        fields = ["status", "applied_by", "applied_at", "applied_changes"]
        item.save(update_fields=[*fields, *item.bump(by=actor)])
        audit_record(
            event=DRUGS_ARCHIVE_IMPORT_APPLIED,
            actor=actor,
            workstation=workstation,
            target=item,
            after={
                "applied": writer.count,
                "file": item.file_name,
                "file_date": item.file_date.isoformat(),
                "sha256": item.file_sha256,
            },
        )
    return item
