"""JSON API of the staged AIFA updates: /api/v1/drugs/archive-imports/…

The same acts as the review page, with the same permission
(``drugs.review_archive_import``): list, show, the diff (paged, filtered), decide some
changes, approve, reject with a reason, apply. Errors are problem+json.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from corsia.core.access import api_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.schemas import BoundedInt, Reason, RecordId
from corsia.core.web import acting
from corsia.drugs import selectors_archive, services_archive
from corsia.drugs.models_archive_import import ArchiveChange, ArchiveImport

router = Router(tags=["drugs"])
REVIEW = services_archive.REVIEW_PERMISSION
MAX_PAGE = 200


class ArchiveImportOut(Schema):
    id: int
    kind: str
    status: str
    file_name: str
    file_sha256: str
    file_date: date
    source: str
    total_rows: int
    processed_rows: int
    applied_changes: int
    problems: list[dict[str, Any]]
    error_code: str
    rejection_reason: str
    created_at: datetime
    version: int


class ArchiveImportPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ArchiveImportOut]


class ArchiveChangeOut(Schema):
    id: int
    kind: str
    aic: str
    line: int | None
    field: str
    before: str
    after: str
    data: dict[str, str]
    decision: str
    reason: str
    applied: bool


class ArchiveChangePage(Schema):
    count: int
    limit: int
    offset: int
    counts: dict[str, int]
    items: list[ArchiveChangeOut]


class ChangeFilters(Schema):
    kind: str = Field("", max_length=20)
    decision: str = Field("", max_length=10)
    field: str = Field("", max_length=40)
    limit: BoundedInt = 50
    offset: BoundedInt = 0


class DecideIn(Schema):
    change_ids: list[RecordId] = Field(..., max_length=5000)
    decision: str = Field(..., max_length=10)
    reason: Reason = ""


class DecideOut(Schema):
    decided: int


class RejectIn(Schema):
    reason: Reason


def _import(item: ArchiveImport) -> ArchiveImportOut:
    return ArchiveImportOut(
        id=item.pk,
        kind=item.kind,
        status=item.status,
        file_name=item.file_name,
        file_sha256=item.file_sha256,
        file_date=item.file_date,
        source=item.source,
        total_rows=item.total_rows,
        processed_rows=item.processed_rows,
        applied_changes=item.applied_changes,
        problems=list(item.problems),
        error_code=item.error_code,
        rejection_reason=item.rejection_reason,
        created_at=item.created_at,
        version=item.version,
    )


def _change(change: ArchiveChange) -> ArchiveChangeOut:
    return ArchiveChangeOut(
        id=change.pk,
        kind=change.kind,
        aic=change.aic,
        line=change.line,
        field=change.field,
        before=change.before,
        after=change.after,
        data={str(k): str(v) for k, v in change.data.items()},
        decision=change.decision,
        reason=change.reason,
        applied=change.applied,
    )


def _paging(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(
            f"«limit» va da 1 a {MAX_PAGE}.", code="limit_out_of_range", field="limit"
        )
    if offset < 0:
        raise ValidationFailed(
            "«offset» non può essere negativo.", code="offset_out_of_range", field="offset"
        )


@router.get("/archive-imports", response=ArchiveImportPage)
@api_perm(REVIEW)
def archive_imports(
    request: HttpRequest, limit: BoundedInt = 50, offset: BoundedInt = 0
) -> dict[str, Any]:
    """The staged AIFA updates, newest first."""
    _paging(limit, offset)
    items = selectors_archive.archive_imports_recent(limit=limit, offset=offset)
    return {
        "count": selectors_archive.archive_imports_count(),
        "limit": limit,
        "offset": offset,
        "items": [_import(i) for i in items],
    }


@router.get("/archive-imports/{import_id}", response=ArchiveImportOut)
@api_perm(REVIEW)
def archive_import(request: HttpRequest, import_id: RecordId) -> ArchiveImportOut:
    return _import(selectors_archive.archive_import_get(import_id=import_id))


@router.get("/archive-imports/{import_id}/changes", response=ArchiveChangePage)
@api_perm(REVIEW)
def archive_import_changes(
    request: HttpRequest, import_id: RecordId, filters: Query[ChangeFilters]
) -> dict[str, Any]:
    """The proposed changes (the diff), filtered by ``kind`` (``new_pack``,
    ``withdrawn_pack``, ``field_changed``, ``shortage_started``, ``shortage_ended``),
    ``decision`` and ``field``, ``limit`` at a time from ``offset``."""
    _paging(filters.limit, filters.offset)
    item = selectors_archive.archive_import_get(import_id=import_id)
    query = selectors_archive.archive_changes(
        archive_import=item, kind=filters.kind, decision=filters.decision, field=filters.field
    )
    page = query[filters.offset : filters.offset + filters.limit]
    return {
        "count": query.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "counts": selectors_archive.archive_change_counts(archive_import=item),
        "items": [_change(c) for c in page],
    }


@router.post("/archive-imports/{import_id}/decide", response=DecideOut)
@api_perm(REVIEW)
def archive_changes_decide(
    request: HttpRequest, import_id: RecordId, payload: DecideIn
) -> DecideOut:
    """Approve or reject (``reason`` required) the changes named by ``change_ids``."""
    decided = services_archive.archive_changes_decide(
        **acting(request),
        import_id=import_id,
        change_ids=list(payload.change_ids),
        decision=payload.decision,
        reason=payload.reason,
    )
    return DecideOut(decided=decided)


@router.post("/archive-imports/{import_id}/approve", response=ArchiveImportOut)
@api_perm(REVIEW)
def archive_import_approve(request: HttpRequest, import_id: RecordId) -> ArchiveImportOut:
    """Approve the import: every undecided change is approved with it."""
    item = services_archive.archive_import_approve(**acting(request), import_id=import_id)
    return _import(item)


@router.post("/archive-imports/{import_id}/reject", response=ArchiveImportOut)
@api_perm(REVIEW)
def archive_import_reject(
    request: HttpRequest, import_id: RecordId, payload: RejectIn
) -> ArchiveImportOut:
    """Reject the whole import with a reason: nothing changes in the archive."""
    item = services_archive.archive_import_reject(
        **acting(request), import_id=import_id, reason=payload.reason
    )
    return _import(item)


@router.post("/archive-imports/{import_id}/apply", response=ArchiveImportOut)
@api_perm(REVIEW)
def archive_import_apply(request: HttpRequest, import_id: RecordId) -> ArchiveImportOut:
    """Write the approved changes of an approved import into the archive, all or nothing."""
    item = services_archive.archive_import_apply(**acting(request), import_id=import_id)
    return _import(item)
