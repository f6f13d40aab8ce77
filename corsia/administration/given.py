"""The one door to what was actually given to a patient (read by prescribing's
lifetime cumulative-dose check, H06, and the FHIR server), and the one hook announcing an
administration that ended (subscribed to by the HL7 interface, which sends it on as RAS^O17):
no other module reads ``Administration`` rows.

Amount given, per administration record:

* completed — the whole bag, or volume given ÷ bag volume × dose when a smaller volume
  was recorded;
* partial or interrupted — volume given ÷ bag volume × dose (e.g. 150 of 250 mL of a
  60 mg bag = 36 mg);
* running — the whole dose (it is being given: never count less than may be given);
* no volumes recorded (oral, bolus) — the whole dose.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from corsia.administration.models import Administration, AdministrationState
from corsia.core.actors import User
from corsia.core.expressions import InIds
from corsia.core.read_together import ReadPart
from corsia.patients.selectors import (
    outside_hidden_stays,
    patient_and_merged_ids,
    patient_and_merged_ids_query,
)
from corsia.prescribing.given import GivenDoseRecord

FINISHED_STATES = frozenset(
    {AdministrationState.COMPLETED.value, AdministrationState.PARTIAL.value}
)


@dataclass(frozen=True)
class GivenDose:
    administration_id: int
    order_item_id: int
    ingredient_code: str
    dose: Decimal  # the dose of the preparation, in dose_unit
    dose_unit: str  # mg, UI, U…
    volume_ml: Decimal | None  # the bag
    volume_given_ml: Decimal | None
    state: str
    started_at: datetime

    @property
    def finished(self) -> bool:
        """The line is over: nothing more of it will be given."""
        return self.state in FINISHED_STATES

    @property
    def amount_given(self) -> Decimal:
        return _amount_given(self.state, self.dose, self.volume_ml, self.volume_given_ml)


def _amount_given(
    state: str, dose: Decimal, volume_ml: Decimal | None, given_ml: Decimal | None
) -> Decimal:
    """What one record gave (``GivenDose.amount_given``; also of a row read as values)."""
    if state == AdministrationState.STARTED.value:
        return dose
    if volume_ml and given_ml is not None:
        return dose * given_ml / volume_ml
    return dose


def doses_given(
    *, patient_id: int, ingredient_codes: Iterable[str] | None = None
) -> list[GivenDose]:
    """Every administration recorded for the patient (of those ingredients), oldest first,
    those recorded under a duplicate merged into the patient included."""
    # a merged duplicate's administrations are the survivor's too (H06)
    rows = Administration.objects.filter(
        patient_id__in=patient_and_merged_ids(patient_id=patient_id)
    )
    if ingredient_codes is not None:
        rows = rows.filter(ingredient_code__in=list(ingredient_codes))
    return [_given_dose(a) for a in rows.order_by("started_at", "id")]


def doses_given_read(*, patient_id: int) -> ReadPart[Sequence[GivenDoseRecord]]:
    """The batched variant of :func:`doses_given` (every ingredient;
    ``corsia.core.read_together``, with the rest of a page): the merged duplicates' ids
    read as a subquery of the same query."""
    rows = Administration.objects.filter(
        patient_id__in=patient_and_merged_ids_query(patient_id=patient_id)
    ).order_by("started_at", "id")
    return ReadPart(querysets=(rows,), decode=lambda results: [_given_dose(a) for a in results[0]])


def _given_dose(a: Administration) -> GivenDose:
    return GivenDose(
        administration_id=a.pk,
        order_item_id=a.order_item_id,
        ingredient_code=a.ingredient_code,
        dose=a.dose,
        dose_unit=a.dose_unit,
        volume_ml=a.volume_ml,
        volume_given_ml=a.volume_given_ml,
        state=a.state,
        started_at=a.started_at,
    )


@dataclass(frozen=True)
class AdministrationRecord:
    """One administration as recorded at the bedside, for another module's read (the FHIR
    server's MedicationAdministration): what and how much (``given``), when it ended, by
    whom, why it stopped."""

    given: GivenDose
    patient_id: int
    ingredient_name: str
    route: str
    ended_at: datetime | None
    nurse_name: str
    reason: str
    updated_at: datetime | None = None  # the record's last change (the FHIR meta.lastUpdated)
    order_id: int = 0
    preparation_ref: str = ""  # the bag's label (PRP…, WRD…)
    nurse_username: str = ""
    nurse_surname: str = ""
    nurse_given_name: str = ""


def _record(a: Administration) -> AdministrationRecord:
    return AdministrationRecord(
        given=_given_dose(a),
        patient_id=a.patient_id,
        ingredient_name=a.ingredient_name,
        route=a.route,
        ended_at=a.ended_at,
        nurse_name=a.nurse.get_full_name() or a.nurse.username,
        reason=a.reason,
        order_id=a.order_id,
        preparation_ref=a.preparation_ref,
        nurse_username=a.nurse.username,
        nurse_surname=a.nurse.last_name,
        nurse_given_name=a.nurse.first_name,
        updated_at=a.updated_at,
    )


def _shown_to(
    *,
    user: User,
    patient_id: int,
    started_from: datetime | None = None,
    started_before: datetime | None = None,
) -> QuerySet[Administration]:
    rows = outside_hidden_stays(
        Administration.objects.filter(patient_id=patient_id),
        user=user,
        field="started_at",
        patient_id=patient_id,
    )
    if started_from is not None:
        rows = rows.filter(started_at__gte=started_from)
    if started_before is not None:
        rows = rows.filter(started_at__lt=started_before)
    return rows


def administrations_of_patient(
    *,
    user: User,
    patient_id: int,
    started_from: datetime | None = None,
    started_before: datetime | None = None,
    ids: Collection[int] | None = None,
) -> list[AdministrationRecord]:
    """The patient's administrations (newest first), or those started in
    ``[started_from, started_before)``, or those of ``ids``, for display to ``user``: none
    started within a masked stay hidden from them (``doses_given``, for the cumulative
    dose, reads them all). The caller checks its permission and the patient's scope, and
    writes the access log."""
    rows = _shown_to(
        user=user, patient_id=patient_id, started_from=started_from, started_before=started_before
    ).select_related("nurse")
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return [_record(a) for a in rows.order_by("-started_at", "-id")]


ADMINISTRATION_KIND = "administration"


def administration_keys(
    *,
    user: User,
    patient_id: int,
    started_from: datetime | None = None,
    started_before: datetime | None = None,
    states: Collection[str] | None = None,
    updated_from: datetime | None = None,
    updated_before: datetime | None = None,
) -> QuerySet[Any]:
    """The keys of the administrations ``administrations_of_patient`` shows to ``user``,
    as rows ``(kind, id, at)`` (``kind`` ``ADMINISTRATION_KIND``, ``at`` the start) for a
    caller to page in the database beside other modules' keys (the FHIR server's
    MedicationAdministration, issue 27); ``states`` (``AdministrationState`` values) and
    the last change in ``[updated_from, updated_before)`` narrow them. Then read the
    page's records with ``ids``."""
    rows = _shown_to(
        user=user, patient_id=patient_id, started_from=started_from, started_before=started_before
    )
    if states is not None:
        rows = rows.filter(state__in=list(states))
    if updated_from is not None:
        rows = rows.filter(updated_at__gte=updated_from)
    if updated_before is not None:
        rows = rows.filter(updated_at__lt=updated_before)
    return rows.annotate(
        kind=Value(ADMINISTRATION_KIND, output_field=CharField()), moment=F("started_at")
    ).values_list("kind", "id", "moment")


def administration_patient_id(*, administration_id: int) -> int | None:
    """The patient of an administration, ``None`` if there is none (the FHIR server's read
    by id, which then reads through ``administrations_of_patient``)."""
    found: int | None = (
        Administration.objects.filter(pk=administration_id)
        .values_list("patient_id", flat=True)
        .first()
    )
    return found


# --- the hook: an administration ended ----------------------------------------------------

AdministrationEnded = Callable[[AdministrationRecord], None]
_ended_subscribers: dict[str, AdministrationEnded] = {}


def administration_ended_subscribe(name: str, subscriber: AdministrationEnded) -> None:
    """Called once by a module above this one that wants each administration that ended
    (completed, partial, interrupted), e.g. to send it to other systems (idempotent per
    ``name``)."""
    _ended_subscribers[name] = subscriber


def administration_ended_announce(administration: Administration) -> None:
    """Called by the bedside services inside the transaction that ended the
    administration: a subscriber's writes commit or roll back with it (an outbox, never a
    message about an end that did not happen, never an end without its message)."""
    if not _ended_subscribers:
        return
    record = _record(administration)
    for subscriber in _ended_subscribers.values():
        subscriber(record)


# the records whose amount is a part of the bag's dose (volume given ÷ bag volume × dose,
# the volumes differing): every other record counts its whole dose
_A_PART = (
    ~Q(state=AdministrationState.STARTED.value)
    & Q(volume_ml__isnull=False)
    & ~Q(volume_ml=0)
    & Q(volume_given_ml__isnull=False)
    & ~Q(volume_given_ml=F("volume_ml"))
)


def doses_given_for_items(*, order_item_ids: Iterable[int]) -> dict[int, Decimal]:
    """The amount given of each order line (summed over its administrations, each counted
    as ``GivenDose.amount_given`` says), for the clinical statistics' dose intensity; lines
    never given are absent. The report that reads it checks its permission and writes the
    access log for its run.

    Summed in the database per line where every record counts its whole dose (``numeric``:
    exact); the few lines with a part of a bag are summed here, record by record in the
    order of their ids, exactly as ``amount_given`` computes it (a ``numeric`` division
    would not round as ``Decimal`` does)."""
    ids = sorted(set(order_item_ids))
    if not ids:
        return {}
    return _given_per_item(Administration.objects.filter(InIds("order_item_id", ids)))


def doses_given_for_orders(*, order_ids: Iterable[int]) -> dict[int, Decimal]:
    """``doses_given_for_items`` of every line of those orders (the administrations
    recorded against them), by line: the lines never given are absent."""
    ids = sorted(set(order_ids))
    if not ids:
        return {}
    return _given_per_item(Administration.objects.filter(InIds("order_id", ids)))


def _given_per_item(of_items: QuerySet[Administration]) -> dict[int, Decimal]:
    whole_doses = (
        of_items.order_by()
        .values("order_item_id")
        .annotate(
            whole=Sum(
                Case(
                    When(_A_PART, then=Value(Decimal(0))),
                    default=F("dose"),
                    output_field=DecimalField(max_digits=20, decimal_places=4),
                )
            ),
            parts=Count(Case(When(_A_PART, then=Value(1)))),
        )
        .values_list("order_item_id", "whole", "parts")
    )
    totals: dict[int, Decimal] = {}
    with_parts = []
    for item_id, whole, parts in whole_doses:
        if parts:
            with_parts.append(item_id)
        else:
            totals[item_id] = Decimal(0) + whole
    rows = (
        Administration.objects.filter(InIds("order_item_id", with_parts))
        .order_by("id")
        .values_list("order_item_id", "state", "dose", "volume_ml", "volume_given_ml")
    )
    for item_id, state, dose, volume_ml, given_ml in rows if with_parts else ():
        totals[item_id] = totals.get(item_id, Decimal(0)) + _amount_given(
            state, dose, volume_ml, given_ml
        )
    return totals


@dataclass(frozen=True)
class TherapyGiven:
    """One administration for the activity counts: who, which order, when."""

    administration_id: int
    patient_id: int
    order_id: int
    drug_name: str
    day: date
    state: str


def administrations_between(*, first: date, last: date) -> list[TherapyGiven]:
    """Administrations started in [first, last] (local days), running ones included (their
    ``state`` says), by start."""
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(last, datetime.max.time()))
    rows = Administration.objects.filter(started_at__range=(start, end)).order_by(
        "started_at", "id"
    )
    return [
        TherapyGiven(
            administration_id=a.pk,
            patient_id=a.patient_id,
            order_id=a.order_id,
            drug_name=a.ingredient_name,
            day=timezone.localtime(a.started_at).date(),
            state=a.state,
        )
        for a in rows.only("pk", "patient_id", "order_id", "ingredient_name", "started_at", "state")
    ]


@dataclass(frozen=True, slots=True)
class GivenMonth:
    """How many administrations of some states a patient had started in a month."""

    month: str  # YYYY-MM, the local month of the start
    patient_id: int
    administrations: int


def administrations_by_patient_month(
    *, first: date, last: date, states: Collection[str]
) -> list[GivenMonth]:
    """Per local month and patient: the administrations started in [first, last] (local
    days) in ``states``, counted in the database (``GROUP BY``), by month and patient; the
    counts of :func:`administrations_between`'s rows of those states."""
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(last, datetime.max.time()))
    rows = (
        Administration.objects.filter(started_at__range=(start, end), state__in=list(states))
        .annotate(month=TruncMonth("started_at", output_field=DateField()))
        .order_by()
        .values("month", "patient_id")
        .annotate(administrations=Count("id"))
        .order_by("month", "patient_id")
        .values_list("month", "patient_id", "administrations")
    )
    return [GivenMonth(f"{month:%Y-%m}", patient_id, n) for month, patient_id, n in rows]
