"""Reads of the ward therapy: a patient's prescriptions, one prescription, the ward's drug
round of a day (this module's doses and the chemotherapy of the day, read through
administration's worklist). Every read of patient data writes the access log."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from corsia.administration.bedside.selectors import ward_worklist
from corsia.administration.permissions import VIEW_WORKLIST
from corsia.audit.services import access_log_record, access_log_record_many
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import NotFound
from corsia.drugs.selectors import drug_search
from corsia.patients.selectors import (
    allergy_summary,
    care_wards,
    current_places,
    outside_hidden_stays,
    patient_get,
    ward_inpatients,
)
from corsia.therapy.domain.schedule import Frequency, Plan
from corsia.therapy.models import DoseOutcome, DoseRecord, PrescriptionStatus, WardPrescription
from corsia.therapy.permissions import VIEW

if TYPE_CHECKING:
    from corsia.patients.models import Patient, Ward

NOT_VIEWED = "Non hai accesso alla terapia di reparto."


def _require(user: User) -> None:
    require_permission(user, VIEW, message=NOT_VIEWED)


def _readable(user: User) -> QuerySet[WardPrescription]:
    """Prescriptions signed during a masked stay hidden from ``user`` are left out."""
    rows = WardPrescription.objects.select_related(
        "ingredient", "product", "prescriber", "patient", "replaces", "status_changed_by"
    )
    return outside_hidden_stays(rows, user=user, field="signed_at")


def patient_prescriptions(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> QuerySet[WardPrescription]:
    """The patient's ward prescriptions, active first, newest first (logged), as a query
    to page (issue 27: the history of a long stay reachable page by page)."""
    _require(user)
    patient = patient_get(user=user, patient_id=patient_id)
    access_log_record(
        user=user,
        patient_id=patient.pk,
        what="terapia di reparto",
        workstation=workstation,
        channel=channel,
    )
    active_first = Case(
        When(status=PrescriptionStatus.ACTIVE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return _readable(user).filter(patient_id=patient.pk).order_by(active_first, "-pk")


def prescription_get(
    *, user: User, prescription_id: int, workstation: Workstation, channel: str = "web"
) -> WardPrescription:
    """One prescription (logged); one the user may not read is not found."""
    _require(user)
    found = _readable(user).filter(pk=prescription_id).first()
    if found is None:
        raise NotFound("Prescrizione di reparto inesistente.", code="prescription_not_found")
    patient_get(user=user, patient_id=found.patient_id)  # the patient scope
    access_log_record(
        user=user,
        patient_id=found.patient_id,
        what=f"prescrizione di reparto n. {found.pk}",
        workstation=workstation,
        channel=channel,
    )
    return found


def prescription_doses(prescription: WardPrescription) -> list[DoseRecord]:
    """Every record of a prescription the caller has read, by time: the corrections and
    the records they superseded too (``superseded``, ``corrects``)."""
    return list(
        prescription.doses.select_related("nurse", "corrected_by__nurse").order_by(
            "recorded_at", "pk"
        )
    )


def drug_choices(*, user: User, text: str) -> list[dict[str, Any]]:
    """Archive drugs (not antiblastic) matching an ingredient, a brand or a pack's AIC /
    barcode: each ingredient once, with the products found for it."""
    _require(user)
    found = drug_search(text=text[:100])
    rows: dict[int, dict[str, Any]] = {}
    for ingredient in found.ingredients:
        if not ingredient.is_antineoplastic:
            rows.setdefault(ingredient.pk, {"ingredient": ingredient, "products": []})
    for product in [*found.products, *(p.product for p in found.packs)]:
        if product.ingredient.is_antineoplastic:
            continue
        row = rows.setdefault(
            product.ingredient_id, {"ingredient": product.ingredient, "products": []}
        )
        if product not in row["products"]:
            row["products"].append(product)
    return list(rows.values())[:30]


def wards() -> list[Ward]:
    return care_wards()


# --- the drug round ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    """One dose due on the day: of a ward prescription, or a chemotherapy drug."""

    at: datetime | None  # None: chemotherapy not yet planned at an hour
    kind: str  # "ward" | "chemo"
    patient: Patient
    place: str
    drug: str
    dose: str
    route: str
    prescription: WardPrescription | None = None
    record: DoseRecord | None = None  # the one that counts (a correction's, if corrected)
    history: tuple[DoseRecord, ...] = ()  # every record of the dose, the superseded too
    chemo_status: str = ""
    chemo_order_id: int | None = None
    allergies: str = ""

    @property
    def done(self) -> bool:
        return self.record is not None or self.chemo_status == "somministrata"


@dataclass
class PrnRow:
    prescription: WardPrescription
    patient: Patient
    place: str
    given_24h: list[DoseRecord] = field(default_factory=list)
    allergies: str = ""

    @property
    def last_given(self) -> DoseRecord | None:
        return self.given_24h[-1] if self.given_24h else None


@dataclass(frozen=True)
class WardRound:
    ward_code: str
    day: date
    rows: list[RoundRow]
    prn: list[PrnRow]
    patients: list[Patient]
    allergies: dict[int, str]
    chemo_shown: bool  # False: the user may not read the chemotherapy worklist


def _aware(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _dose_text(p: WardPrescription) -> str:
    value = format(p.dose.normalize(), "f").replace(".", ",")
    return f"{value} {p.dose_unit}"


def due_times(p: WardPrescription, day: date) -> list[datetime]:
    """The times a prescription's doses are due on ``day``: not before it was signed, not
    after it was stopped."""
    if p.frequency == Frequency.SINGLE:
        moments = [p.single_at] if p.single_at and timezone.localdate(p.single_at) == day else []
    elif p.frequency == Frequency.SCHEDULED:
        plan = Plan(
            frequency=Frequency.SCHEDULED,
            start_date=p.start_date,
            times=tuple(time.fromisoformat(t) for t in p.times),
            days=p.days,
        )
        moments = [_aware(day, t) for t in plan.times_on(day)]
    else:
        return []
    signed = p.signed_at.replace(second=0, microsecond=0)
    stopped = p.status_changed_at if p.status != PrescriptionStatus.ACTIVE else None
    return [m for m in moments if m >= signed and (stopped is None or m < stopped)]


def _current(rows: list[DoseRecord]) -> DoseRecord | None:
    """Of one dose's records, the one that counts (None: none, or entered in error)."""
    for r in rows:
        if not r.superseded and r.outcome != DoseOutcome.IN_ERROR:
            return r
    return None


def ward_round(
    *, user: User, ward_code: str, day: date, workstation: Workstation, channel: str = "web"
) -> WardRound:
    """Every patient of the ward with every dose due on ``day`` — the ward's prescriptions
    and the chemotherapy — by time, then bed; the as-needed drugs apart (logged: one row
    per patient shown)."""
    _require(user)
    patients = ward_inpatients(user=user, ward_code=ward_code)
    places = {
        pid: f"{p.code}" for pid, p in current_places([p.pk for p in patients], user=user).items()
    }
    by_id = {p.pk: p for p in patients}
    start = _aware(day, time(0))
    end = start + timedelta(days=1)
    prescriptions = list(
        _readable(user)
        .filter(patient_id__in=list(by_id), start_date__lte=day)
        .filter(Q(status=PrescriptionStatus.ACTIVE) | Q(status_changed_at__gte=start))
    )
    history: dict[tuple[int, datetime | None], list[DoseRecord]] = {}
    for r in (
        DoseRecord.objects.filter(prescription__in=prescriptions, due_at__gte=start, due_at__lt=end)
        .select_related("nurse", "corrected_by")
        .order_by("slot", "pk")
    ):
        history.setdefault((r.prescription_id, r.due_at), []).append(r)
    records = {
        key: current for key, rows in history.items() if (current := _current(rows)) is not None
    }
    rows: list[RoundRow] = []
    prn: list[PrnRow] = []
    for p in prescriptions:
        patient = by_id[p.patient_id]
        if p.frequency == Frequency.PRN:
            if p.status == PrescriptionStatus.ACTIVE:
                prn.append(
                    PrnRow(prescription=p, patient=patient, place=places.get(p.patient_id, ""))
                )
            continue
        for at in due_times(p, day):
            rows.append(
                RoundRow(
                    at=at,
                    kind="ward",
                    patient=patient,
                    place=places.get(p.patient_id, ""),
                    drug=p.ingredient.name_it,
                    dose=_dose_text(p),
                    route=p.get_route_display(),
                    prescription=p,
                    record=records.get((p.pk, at)),
                    history=tuple(history.get((p.pk, at), ())),
                )
            )
    if prn:
        since = timezone.now() - timedelta(hours=24)
        given: dict[int, list[DoseRecord]] = {}
        for r in sorted(
            DoseRecord.current()
            .filter(
                prescription__in=[row.prescription for row in prn],
                outcome=DoseOutcome.GIVEN,
            )
            .filter(Q(given_at__gte=since) | Q(given_at__isnull=True, recorded_at__gte=since))
            .select_related("nurse", "corrects"),
            key=lambda r: r.at,
        ):
            given.setdefault(r.prescription_id, []).append(r)
        for row in prn:
            row.given_24h = given.get(row.prescription.pk, [])
    chemo_shown = user.has_perm(VIEW_WORKLIST)
    if chemo_shown:
        for patient_day in ward_worklist(user=user, day=day, ward_code=ward_code):
            patient = patient_day.patient
            by_id.setdefault(patient.pk, patient)
            for item in patient_day.items:
                view = item.view
                rows.append(
                    RoundRow(
                        at=view.planned_start or patient_day.planned_start,
                        kind="chemo",
                        patient=patient,
                        place=places.get(patient.pk, "") or patient_day.place,
                        drug=view.ingredient_name,
                        dose=f"{format(view.dose.normalize(), 'f').replace('.', ',')} {view.dose_unit}",
                        route=view.route,
                        chemo_status=item.progress_label,
                        chemo_order_id=view.order_id,
                    )
                )
    rows.sort(
        key=lambda r: (r.at is None, r.at or start, r.place == "", r.place, r.patient.surname)
    )
    prn.sort(key=lambda r: (r.place == "", r.place, r.patient.surname))
    shown = sorted(
        by_id.values(), key=lambda p: (places.get(p.pk, "") == "", places.get(p.pk, ""), p.surname)
    )
    if shown:
        access_log_record_many(
            user=user,
            patient_ids=[p.pk for p in shown],
            what=f"terapia del reparto {ward_code} del {day:%d/%m/%Y}",
            workstation=workstation,
            channel=channel,
        )
    allergies = {p.pk: allergy_summary(patient_id=p.pk).text for p in shown}
    for row in prn:
        row.allergies = allergies.get(row.patient.pk, "")
    return WardRound(
        ward_code=ward_code,
        day=day,
        rows=[replace(r, allergies=allergies.get(r.patient.pk, "")) for r in rows],
        prn=prn,
        patients=shown,
        allergies=allergies,
        chemo_shown=chemo_shown,
    )


# --- for the FHIR server (corsia.fhir) -----------------------------------------------------------


def readable_prescriptions(*, user: User, patient_id: int) -> list[WardPrescription]:
    """The patient's ward prescriptions the user may read, newest first, NOT logged: for
    a caller that writes the access log itself (the FHIR server, channel ``fhir``)."""
    _require(user)
    patient = patient_get(user=user, patient_id=patient_id)
    return list(_readable(user).filter(patient_id=patient.pk).order_by("-pk"))


def _patient_doses(user: User, patient_id: int) -> QuerySet[DoseRecord]:
    return DoseRecord.objects.filter(
        patient_id=patient_id,
        prescription__in=_readable(user).filter(patient_id=patient_id).values("pk"),
    ).exclude(outcome=DoseOutcome.IN_ERROR)


def patient_dose_records(
    *, user: User, patient_id: int, ids: Collection[int] | None = None
) -> list[DoseRecord]:
    """Every dose record of the patient's readable prescriptions (the caller has read the
    prescriptions, logged), or those of ``ids``, newest first: the superseded ones too, not
    the entries in error (they are a correction's mark, not a dose)."""
    _require(user)
    rows = _patient_doses(user, patient_id)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return list(
        rows.select_related("nurse", "corrected_by", "prescription__ingredient").order_by(
            "-recorded_at", "-pk"
        )
    )


DOSE_KIND = "ward_dose"
# what a dose record's keys are narrowed by: given, not given (each the record that
# counts), or superseded by its correction
DOSE_GIVEN, DOSE_NOT_GIVEN, DOSE_CORRECTED = "given", "not_given", "corrected"


def patient_dose_keys(
    *,
    user: User,
    patient_id: int,
    at_from: datetime | None = None,
    at_before: datetime | None = None,
    kinds: Collection[str] | None = None,
    changed_from: datetime | None = None,
    changed_before: datetime | None = None,
) -> QuerySet[Any]:
    """The keys of the dose records ``patient_dose_records`` reads, as rows ``(kind, id,
    moment)`` (``kind`` ``DOSE_KIND``, ``at`` when the dose was given or not: a correction's
    time, else the record's) for a caller to page in the database beside other modules'
    keys (the FHIR server's MedicationAdministration, issue 27); narrowed by ``at`` in
    ``[at_from, at_before)``, ``kinds`` (``DOSE_GIVEN``, ``DOSE_NOT_GIVEN``,
    ``DOSE_CORRECTED``) and the last change (the correction's record, else the record) in
    ``[changed_from, changed_before)``. The index ``dose_patient_at`` holds the order."""
    _require(user)
    rows = _patient_doses(user, patient_id).annotate(  # kind, at: as the other modules' keys
        kind=Value(DOSE_KIND, output_field=CharField()),
        moment=Coalesce("given_at", "recorded_at"),
        changed=Coalesce("corrected_by__recorded_at", "recorded_at"),
    )
    if at_from is not None:
        rows = rows.filter(moment__gte=at_from)
    if at_before is not None:
        rows = rows.filter(moment__lt=at_before)
    if changed_from is not None:
        rows = rows.filter(changed__gte=changed_from)
    if changed_before is not None:
        rows = rows.filter(changed__lt=changed_before)
    if kinds is not None:
        wanted = Q(pk__in=[])
        current = Q(corrected_by__isnull=True)
        if DOSE_GIVEN in kinds:
            wanted |= current & Q(outcome=DoseOutcome.GIVEN)
        if DOSE_NOT_GIVEN in kinds:
            wanted |= current & Q(outcome=DoseOutcome.NOT_GIVEN)
        if DOSE_CORRECTED in kinds:
            wanted |= Q(corrected_by__isnull=False)
        rows = rows.filter(wanted)
    return rows.values_list("kind", "id", "moment")


def prescription_patient_id(*, prescription_id: int) -> int | None:
    """Whose prescription it is (the id only, nothing else read)."""
    return (
        WardPrescription.objects.filter(pk=prescription_id)
        .values_list("patient_id", flat=True)
        .first()
    )


def dose_patient_id(*, record_id: int) -> int | None:
    """Whose dose record it is (the id only)."""
    return DoseRecord.objects.filter(pk=record_id).values_list("patient_id", flat=True).first()
