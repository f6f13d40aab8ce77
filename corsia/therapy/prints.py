"""The ward therapy's prints through the editable templates of ``corsia.documents`` (issue
23 §22-23, fields in ``documents/schemas_therapy.py``), archived unsigned with their
template version at every print; the PDF answered is the archived copy.

- ``ward_prescription``: one prescription with every dose record (the corrections and the
  records they superseded), linked to the patient; an as-needed one with empty rows for
  the doses to come. The read is the prescription page's (``selectors.prescription_get``:
  masked stays, the patient's scope, the access log).
- ``ward_round``: the ward's therapy of a day (the round's rows and as-needed drugs, the
  chemotherapy to who reads the worklist), a list of several patients archived without a
  patient (``patient=None``, like the agenda's call-in list); the round's selector logs a
  read for every patient shown.

Who prints holds ``therapy.view_therapy`` (physician, nurse, pharmacist, coordinator) and
archives with ``documents.create_document`` or ``documents.archive_print``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation

from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound, PermissionRefused, ValidationFailed
from corsia.documents.services import document_print
from corsia.patients.scope import is_care_scoped
from corsia.patients.selectors import allergy_summary, user_ward_ids
from corsia.therapy import selectors
from corsia.therapy.domain.schedule import Frequency
from corsia.therapy.models import DoseOutcome, DoseRecord, WardPrescription
from corsia.therapy.permissions import VIEW

if TYPE_CHECKING:
    from corsia.documents.models import Document

PRESCRIPTION_CODE = "ward_prescription"
ROUND_CODE = "ward_round"
ROUND_DAYS = 3660  # a round is printed within ten years of today (an audit's old day too)
WEEKDAYS_IT = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.username) if user is not None else ""


def _when(moment: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    return timezone.localtime(moment).strftime(pattern) if moment is not None else ""


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


# --- one prescription ----------------------------------------------------------------------------


def _schedule(p: WardPrescription) -> str:
    if p.frequency == Frequency.SCHEDULED:
        times = ", ".join(p.times)
        if p.days:
            span = f"per {p.days} giorno" if p.days == 1 else f"per {p.days} giorni"
        else:
            span = "fino a sospensione"
        return f"alle {times}, dal {p.start_date:%d/%m/%Y} {span}"
    if p.frequency == Frequency.SINGLE:
        return f"dose singola il {_when(p.single_at, '%d/%m/%Y alle %H:%M')}"
    hours = _number(p.prn_min_interval_hours) if p.prn_min_interval_hours is not None else "—"
    return (
        f"al bisogno, se {p.prn_indication}; almeno {hours} ore tra due dosi, "
        f"al massimo {p.prn_max_per_day} in 24 ore"
    )


def _override(o: dict[str, Any]) -> str:
    what = o.get("message") or f"Allergia: {o.get('substance', '')}"
    return f"{what} — motivo: {o.get('reason') or 'presa visione'} ({o.get('by', '')})"


def _dose(d: DoseRecord, unit: str) -> dict[str, Any]:
    outcome = d.get_outcome_display()
    if d.reason:
        outcome = f"{outcome}: {d.get_reason_display()}"
    return {
        "due": _when(d.due_at, "%d/%m %H:%M") if d.due_at else "al bisogno",
        "at": _when(d.at),
        "outcome": str(outcome),
        "amount": f"{_number(d.amount)} {unit}" if d.amount is not None else "",
        "note": d.note,
        "lot": d.lot,
        "nurse": _person(d.nurse),
        "correction_reason": d.correction_reason if d.corrects_id else "",
        "superseded": d.superseded,
    }


def prescription_context(
    p: WardPrescription, doses: list[DoseRecord], *, printed_by: str
) -> dict[str, Any]:
    """The ``prescription`` and ``doses`` of the print (the archive adds the patient)."""
    status_detail = ""
    if p.status_reason:
        status_detail = (
            f"{p.status_reason} ({_person(p.status_changed_by)}, {_when(p.status_changed_at)})"
        )
    product = p.product.name if p.product_id and p.product is not None else ""
    return {
        "prescription": {
            "number": str(p.pk),
            "ward": p.ward.name if p.ward_id and p.ward is not None else "",
            "drug": p.ingredient.name_it,
            "product": product,
            "dose": _number(p.dose),
            "dose_unit": p.dose_unit,
            "route": str(p.get_route_display()),
            "frequency": str(p.get_frequency_display()),
            "schedule": _schedule(p),
            "times": ", ".join(p.times) if p.frequency == Frequency.SCHEDULED else "",
            "as_needed": p.frequency == Frequency.PRN,
            "notes": p.notes,
            "allergies": allergy_summary(patient_id=p.patient_id).text,
            "status": str(p.get_status_display()),
            "status_detail": status_detail,
            "replaces": str(p.replaces_id) if p.replaces_id else "",
            "warnings": [str(w.get("message", "")) for w in p.warnings if isinstance(w, dict)],
            "overrides": [_override(o) for o in p.overrides if isinstance(o, dict)],
            "prescriber": _person(p.prescriber),
            "signed_at": _when(p.signed_at),
            "printed_by": printed_by,
        },
        "doses": [_dose(d, p.dose_unit) for d in doses],
    }


def prescription_print(
    *, actor: User, workstation: Workstation, prescription_id: int, channel: str = "web"
) -> Document:
    """Print one ward prescription and archive it (``therapy.view_therapy``, a logged read;
    an unknown one or one the user may not read: ``prescription_not_found``)."""
    p = selectors.prescription_get(
        user=actor, prescription_id=prescription_id, workstation=workstation, channel=channel
    )
    with translation.override("it"):
        context = prescription_context(
            p, selectors.prescription_doses(p), printed_by=_person(actor)
        )
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code=PRESCRIPTION_CODE,
        title=f"Prescrizione di reparto n. {p.pk}",
        patient=p.patient,
        context=context,
        source=("therapy", "prescription", p.pk),
    )


# --- the ward's day ------------------------------------------------------------------------------


def _outcome(row: selectors.RoundRow) -> tuple[str, str]:
    """What was recorded for the dose and by whom (for the chemotherapy, its progress)."""
    record = row.record
    if record is None:
        if row.kind == "chemo":
            return row.chemo_status, ""
        return ("registrazione annullata: da registrare" if row.history else ""), ""
    if record.outcome == DoseOutcome.GIVEN:
        text = f"somministrata {_when(record.at, '%H:%M')}"
    else:
        text = f"non somministrata: {record.get_reason_display()} {_when(record.at, '%H:%M')}"
    if record.amount is not None and row.prescription is not None:
        text += f" ({_number(record.amount)} {row.prescription.dose_unit})"
    if record.corrects_id:
        text += " (corretta)"
    return text, _person(record.nurse)


def _split_dose(text: str) -> tuple[str, str]:
    """«156,4 mg» → («156,4», «mg»)."""
    value, _, unit = text.partition(" ")
    return value, unit


def round_context(
    ward_name: str, result: selectors.WardRound, *, printed_by: str
) -> dict[str, Any]:
    """The ``round`` object of the print: the round's rows and as-needed drugs."""

    def who(patient: Any) -> dict[str, str]:
        return {
            "patient": f"{patient.surname.upper()} {patient.given_names}",
            "date_of_birth": f"{patient.date_of_birth:%d/%m/%Y}",
            "mrn": patient.mrn,
        }

    rows = []
    for r in result.rows:
        dose, unit = _split_dose(r.dose)
        outcome, nurse = _outcome(r)
        rows.append(
            {
                "at": _when(r.at, "%H:%M") if r.at else "in giornata",
                "place": r.place,
                **who(r.patient),
                "allergies": r.allergies,
                "drug": r.drug,
                "dose": dose,
                "dose_unit": unit,
                # the ward's route label read here, in Italian like the rest of the paper
                "route": str(r.prescription.get_route_display()) if r.prescription else r.route,
                "chemo": r.kind == "chemo",
                "prescriber": _person(r.prescription.prescriber) if r.prescription else "",
                "outcome": outcome,
                "nurse": nurse,
            }
        )
    prn = []
    for row in result.prn:
        p = row.prescription
        hours = p.prn_min_interval_hours
        prn.append(
            {
                "place": row.place,
                **who(row.patient),
                "allergies": row.allergies,
                "drug": p.ingredient.name_it,
                "dose": _number(p.dose),
                "dose_unit": p.dose_unit,
                "route": str(p.get_route_display()),
                "indication": p.prn_indication,
                "min_interval": f"{_number(hours)} h" if hours is not None else "",
                "max_per_day": str(p.prn_max_per_day or ""),
                "given_24h": ", ".join(_when(g.at, "%H:%M") for g in row.given_24h),
                "prescriber": _person(p.prescriber),
            }
        )
    return {
        "ward": ward_name,
        "ward_code": result.ward_code,
        "day": f"{result.day:%d/%m/%Y}",
        "weekday": WEEKDAYS_IT[result.day.weekday()],
        "printed_by": printed_by,
        "chemo_shown": result.chemo_shown,
        "patients_count": len(result.patients),
        "rows": rows,
        "prn": prn,
    }


def ward_round_print(
    *,
    actor: User,
    workstation: Workstation,
    ward_code: str,
    day: date,
    channel: str = "web",
) -> Document:
    """Print the ward's therapy of ``day`` and archive it without a patient
    (``therapy.view_therapy``; every patient shown logged). An unknown ward:
    ``ward_not_found``; under the care scope, a ward the user is not assigned to:
    ``ward_not_assigned`` (the print would hold only some of its patients); a day more
    than ten years from today: ``day_out_of_range``."""
    require_permission(actor, VIEW, message=selectors.NOT_VIEWED)
    ward = next((w for w in selectors.wards() if w.code == ward_code), None)
    if ward is None:
        raise NotFound("Reparto non trovato.", code="ward_not_found", field="ward_code")
    if is_care_scoped(actor) and ward.pk not in user_ward_ids(user_id=actor.pk):
        # the care scope would print only the patients this user treats: a paper that
        # calls itself the ward's therapy must hold every patient of the ward
        raise PermissionRefused(
            "Si stampa la terapia del giorno solo di un reparto a cui sei assegnato: di "
            "questo reparto vedresti solo una parte dei pazienti.",
            code="ward_not_assigned",
        )
    if abs(day - timezone.localdate()) > timedelta(days=ROUND_DAYS):
        raise ValidationFailed(
            "Giorno fuori dall'intervallo stampabile (fino a dieci anni da oggi).",
            code="day_out_of_range",
            field="day",
        )
    result = selectors.ward_round(
        user=actor, ward_code=ward.code, day=day, workstation=workstation, channel=channel
    )
    with translation.override("it"):
        context = round_context(ward.name, result, printed_by=_person(actor))
    return document_print(
        actor=actor,
        workstation=workstation,
        template_code=ROUND_CODE,
        title=f"Terapia del giorno {ward.name} del {day:%d/%m/%Y}",
        patient=None,
        context={"round": context},
        source=("therapy", "ward", f"{ward.code}:{day.isoformat()}"),
        # reopened from the archive: a read of each patient it names
        named_patients=[p.pk for p in result.patients],
    )
