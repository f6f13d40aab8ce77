"""The regional File F: the month's high-cost drugs dispensed to patients, extracted
(audited, with an access-log entry per patient whose fiscal code it carries)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from corsia.audit.domain.events import EventType
from corsia.audit.services import access_log_record, audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.inventory import audit_events as events
from corsia.inventory import selectors_file_f
from corsia.inventory.domain import file_f
from corsia.inventory.services.lots import EXPORT_FILE_F


@dataclass(frozen=True)
class FileFExtraction:
    text: str
    records: list[file_f.FileFRecord]
    excluded: list[file_f.Excluded]


@dataclass(frozen=True)
class FileFSource:
    """Whose File F: where its months' dispensations come from (``select_months(first=,
    last=)``: (year, month) -> that month's, read at once for the months from ``first`` to
    ``last``), the audit event of its extraction, the access log's title, what the audit
    adds."""

    select_months: Callable[..., Mapping[tuple[int, int], list[file_f.Dispensation]]]
    event: EventType
    title: str
    audit_after: Mapping[str, str] = field(default_factory=dict)


# The UFA's (type S): the patient-linked stock unloads. The direct distribution's (type D)
# is corsia.dispensing.services.FILE_F_DIRECT.
FILE_F_UFA = FileFSource(
    select_months=selectors_file_f.file_f_dispensations_by_month,
    event=events.FILE_F_EXPORTED,
    title="File F",
)


@dataclass(frozen=True)
class FileFCheck:
    """A month's File F checked against the layout: the records to send (numbered), what
    cannot be sent (no key, or a field failing the layout: ``Excluded.field``), and the
    dispensations read (their ``patient_id``: whose data)."""

    records: list[file_f.FileFRecord]
    excluded: list[file_f.Excluded]
    invalid: list[tuple[file_f.FileFRecord, list[file_f.FieldError]]]
    unkeyed: list[file_f.Excluded]  # the dispensations without a key (in ``excluded`` too)
    dispensations: list[file_f.Dispensation]


def file_f_check(
    *, year: int, month: int, hospital_code: str, source: FileFSource = FILE_F_UFA
) -> FileFCheck:
    """Build and check the month's records of ``source`` (no permission, audit or access
    log: the caller's — ``file_f_export``, the reports' File F)."""
    return file_f_checks(months=[(year, month)], hospital_code=hospital_code, source=source)[0]


def file_f_checks(
    *, months: Sequence[tuple[int, int]], hospital_code: str, source: FileFSource = FILE_F_UFA
) -> list[FileFCheck]:
    """``file_f_check`` of each of ``months`` (in their order), the dispensations of the
    whole span read at once (one read per kind, not per month)."""
    if not months:
        return []
    by_month = source.select_months(first=min(months), last=max(months))
    return [_check(by_month.get(m, []), *m, hospital_code=hospital_code) for m in months]


def _check(
    dispensations: list[file_f.Dispensation], year: int, month: int, *, hospital_code: str
) -> FileFCheck:
    built, excluded = file_f.build_records(
        dispensations, hospital_code=hospital_code, year=year, month=month
    )
    records, invalid = file_f.split_valid(built)
    unkeyed = list(excluded)
    for record, errors in invalid:
        where = f"record {record.sequence} ({record.patient_fiscal_code}, AIC {record.aic})"
        excluded += [file_f.Excluded(where, e.message, e.field) for e in errors]
    return FileFCheck(records, excluded, invalid, unkeyed, dispensations)


def file_f_export(
    *,
    year: int,
    month: int,
    hospital_code: str,
    output_format: str,
    actor: User,
    workstation: Workstation,
    source: FileFSource = FILE_F_UFA,
) -> FileFExtraction:
    """Build the month's File F of ``source`` (``csv`` or ``fixed``); record who extracted
    it (``source.event``) and, for each patient whose fiscal code it carries, an access-log
    entry («``source.title`` AAAA-MM»)."""
    require_permission(actor, EXPORT_FILE_F, "Non hai il permesso di estrarre il File F.")
    if output_format not in ("csv", "fixed"):
        raise ValidationFailed("Formato sconosciuto (csv o fixed).", code="format_unknown")
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationFailed("Mese non valido.", code="month_invalid", field="month")
    check = file_f_check(year=year, month=month, hospital_code=hospital_code, source=source)
    records, excluded, dispensations = check.records, check.excluded, check.dispensations
    text = file_f.format_fixed(records) if output_format == "fixed" else file_f.format_csv(records)
    period = f"{year:04d}-{month:02d}"
    with transaction.atomic():
        for patient_id in sorted({d.patient_id for d in dispensations if d.patient_id}):
            access_log_record(
                user=actor,
                patient_id=patient_id,
                what=f"{source.title} {period}",
                workstation=workstation,
                channel="batch",
            )
        audit_record(
            event=source.event,
            actor=actor,
            workstation=workstation,
            after={
                "period": period,
                **source.audit_after,
                "format": output_format,
                "layout": file_f.LAYOUT_VERSION,
                "records": len(records),
                "excluded": len(excluded),
            },
        )
    return FileFExtraction(text=text, records=records, excluded=excluded)
