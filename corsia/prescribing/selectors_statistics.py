"""Orders and their lines for the clinical statistics (capitolato §21): the regimen, the
cycle, and per line the regimen's dose and the full amount for the patient, as frozen rows.
The report that reads them checks its permission and writes the access log for its run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from corsia.core.expressions import InIds
from corsia.prescribing.domain.states import OrderState
from corsia.prescribing.models import OrderItem, PatientDiagnosis, TherapyOrder

# never reached the patient: a draft, a cancelled order, one sent back
NOT_GIVEN_STATES = (
    OrderState.DRAFT.value,
    OrderState.CANCELLED.value,
    OrderState.RETURNED_TO_PRESCRIBER.value,
)


@dataclass(frozen=True, slots=True)
class OrderStat:
    order_id: int
    patient_id: int
    regimen_code: str
    regimen_name: str
    cycle_length_days: int
    cycle_number: int
    line: int
    start_date: date
    ward_code: str
    ward_name: str
    state: str


@dataclass(frozen=True, slots=True)
class OrderLineStat:
    item_id: int
    order_id: int
    drug_code: str
    drug_name: str
    day_of_cycle: int
    scheduled_date: date
    in_regimen: bool  # False: added outside the regimen
    role: str  # antineoplastic, premedication, supportive, hydration
    regimen_dose: Decimal | None  # the regimen's dose for this line, in regimen_dose_unit
    regimen_dose_unit: str
    prescribed_dose: Decimal  # the line's dose per unit (as the order wrote it)
    full_amount: Decimal  # the amount at the prescribed dose, before any reduction (mg)
    final_amount: Decimal  # after the reduction (mg)
    reduction_percent: Decimal
    status: str  # active, suspended, skipped


def _orders_between(
    *, first: date, last: date, regimen_code: str, ward_code: str
) -> QuerySet[TherapyOrder]:
    rows = TherapyOrder.objects.filter(start_date__gte=first, start_date__lte=last).exclude(
        state__in=NOT_GIVEN_STATES
    )
    if regimen_code:
        rows = rows.filter(regimen_version__regimen__code=regimen_code)
    if ward_code:
        rows = rows.filter(ward__code=ward_code)
    return rows


def orders_between(
    *, first: date, last: date, regimen_code: str = "", ward_code: str = ""
) -> list[OrderStat]:
    """Orders whose cycle starts in [first, last] and that went beyond the prescriber (not
    drafts, cancelled or sent back), by start date."""
    rows = _orders_between(first=first, last=last, regimen_code=regimen_code, ward_code=ward_code)
    values = rows.order_by("start_date", "pk").values_list(
        "pk",
        "patient_id",
        "regimen_version__regimen__code",
        "regimen_version__name",
        "regimen_version__cycle_length_days",
        "cycle_number",
        "line",
        "start_date",
        "ward__code",
        "ward__name",
        "state",
    )
    return [
        OrderStat(
            order_id=pk,
            patient_id=patient_id,
            regimen_code=regimen_code,
            regimen_name=regimen_name,
            cycle_length_days=cycle_length_days,
            cycle_number=cycle_number,
            line=line,
            start_date=start_date,
            ward_code=ward_code or "",
            ward_name=ward_name or "",
            state=state,
        )
        for (
            pk,
            patient_id,
            regimen_code,
            regimen_name,
            cycle_length_days,
            cycle_number,
            line,
            start_date,
            ward_code,
            ward_name,
            state,
        ) in values
    ]


def patients_treated_between(
    *, first: date, last: date, regimen_code: str = "", ward_code: str = "", drug_code: str = ""
) -> set[int]:
    """The patients of the orders ``orders_between`` gives (same period, regimen, ward),
    with a line of the drug ``drug_code`` when given: one query, ``DISTINCT`` in the
    database."""
    orders = _orders_between(first=first, last=last, regimen_code=regimen_code, ward_code=ward_code)
    if drug_code:
        orders = orders.filter(
            Exists(OrderItem.objects.filter(order_id=OuterRef("pk"), ingredient__code=drug_code))
        )
    return set(orders.order_by().values_list("patient_id", flat=True).distinct())


def order_lines_of(*, order_ids: Iterable[int]) -> list[OrderLineStat]:
    """The lines of those orders, by order, day and sequence."""
    rows = (
        OrderItem.objects.filter(order_id__in=list(order_ids))
        .select_related("ingredient", "regimen_component")
        .order_by("order_id", "day_of_cycle", "sequence", "pk")
    )
    return [
        OrderLineStat(
            item_id=i.pk,
            order_id=i.order_id,
            drug_code=i.ingredient.code,
            drug_name=i.ingredient.name_it,
            day_of_cycle=i.day_of_cycle,
            scheduled_date=i.scheduled_date,
            in_regimen=i.regimen_component is not None and not i.added,
            role=i.role,
            regimen_dose=i.regimen_component.dose if i.regimen_component else None,
            regimen_dose_unit=i.regimen_component.dose_unit if i.regimen_component else i.dose_unit,
            prescribed_dose=i.dose,
            full_amount=i.calculated_dose,
            final_amount=i.final_dose,
            reduction_percent=i.reduction_percent,
            status=i.status,
        )
        for i in rows
    ]


@dataclass(frozen=True, slots=True)
class RegimenLineStat:
    """One line the regimen planned (in the regimen, not added, with the regimen's dose) of
    an order, with its order's cycle: what the dose intensity needs, nothing more."""

    item_id: int
    order_id: int
    patient_id: int
    regimen_code: str
    cycle_number: int
    start_date: date  # the cycle's day 1
    cycle_length_days: int
    drug_code: str
    drug_name: str
    regimen_dose: Decimal  # the regimen's dose for this line, in regimen_dose_unit
    regimen_dose_unit: str
    prescribed_dose: Decimal  # the line's dose per unit (as the order wrote it)
    full_amount: Decimal  # the amount at the prescribed dose, before any reduction (mg)
    day_of_cycle: int = 0
    sequence: int = 0


def _regimen_lines(*, role: str) -> QuerySet[OrderItem]:
    return OrderItem.objects.filter(
        role=role,
        added=False,
        regimen_component__isnull=False,
        regimen_component__dose__isnull=False,
    )


def regimen_lines_between(
    *,
    first: date,
    last: date,
    role: str,
    regimen_code: str = "",
    ward_code: str = "",
    item_ids: Iterable[int] | None = None,
) -> list[RegimenLineStat]:
    """The lines of ``role`` (antineoplastic…) that the regimen planned, of the orders
    ``orders_between`` gives for the same period, regimen and ward (of them, those of
    ``item_ids`` when given), by order, day and sequence: one query, filtered and joined in
    the database (the lines ``order_lines_of`` gives with ``in_regimen``, a
    ``regimen_dose`` and that role)."""
    orders = _orders_between(first=first, last=last, regimen_code=regimen_code, ward_code=ward_code)
    lines = _regimen_lines(role=role).filter(order__in=orders)
    if item_ids is not None:
        lines = lines.filter(InIds("id", item_ids))
    rows = lines.order_by("order_id", "day_of_cycle", "sequence", "pk").values_list(
        "pk",
        "order_id",
        "order__patient_id",
        "order__regimen_version__regimen__code",
        "order__cycle_number",
        "order__start_date",
        "order__regimen_version__cycle_length_days",
        "ingredient__code",
        "ingredient__name_it",
        "regimen_component__dose",
        "regimen_component__dose_unit",
        "dose",
        "calculated_dose",
        "day_of_cycle",
        "sequence",
    )
    return [RegimenLineStat(*row) for row in rows]


def order_ids_between(
    *, first: date, last: date, regimen_code: str = "", ward_code: str = ""
) -> list[int]:
    """The ids of the orders ``orders_between`` gives, in id order."""
    orders = _orders_between(first=first, last=last, regimen_code=regimen_code, ward_code=ward_code)
    return list(orders.order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True, slots=True)
class RegimenLinesSummed:
    """Lines of one order, drug and regimen unit counted together, their regimen doses
    summed (the dose intensity's lines never given)."""

    order_id: int
    patient_id: int
    regimen_code: str
    cycle_number: int
    start_date: date  # the cycle's day 1
    cycle_length_days: int
    drug_code: str
    drug_name: str
    regimen_dose_unit: str
    full_above_zero: bool  # each line's full amount at the regimen's dose is above zero
    lines: int
    regimen_dose: Decimal  # the sum of the lines' regimen doses
    first_line: tuple[int, int, int]  # (day of cycle, sequence, id) of the first line


def regimen_lines_summed(
    *, order_ids: Iterable[int], role: str, except_item_ids: Iterable[int]
) -> list[RegimenLinesSummed]:
    """The lines of ``role`` that the regimen planned of the orders ``order_ids``, but
    ``except_item_ids``, per order, drug, regimen unit and whether the full amount at the
    regimen's dose is above zero (``calculated_dose`` × regimen dose ÷ line dose when
    the line was written at another dose, doses never negative): counted and their regimen
    doses summed in the database (``numeric``: exact), by order."""
    full_above_zero = Case(
        When(
            Q(calculated_dose__gt=0) & (Q(dose=0) | Q(regimen_component__dose__gt=0)),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    first_line = Min(
        Func(
            F("day_of_cycle"),
            F("sequence"),
            F("id"),
            template="ARRAY[%(expressions)s]::bigint[]",
            output_field=ArrayField(BigIntegerField()),
        )
    )
    rows = (
        _regimen_lines(role=role)
        .filter(InIds("order_id", order_ids))
        .exclude(InIds("id", except_item_ids))
        .annotate(full_above_zero=full_above_zero)
        .order_by()
        .values(
            "order_id",
            "order__patient_id",
            "order__regimen_version__regimen__code",
            "order__cycle_number",
            "order__start_date",
            "order__regimen_version__cycle_length_days",
            "ingredient__code",
            "ingredient__name_it",
            "regimen_component__dose_unit",
            "full_above_zero",
        )
        .annotate(lines=Count("id"), regimen_dose=Sum("regimen_component__dose"), first=first_line)
        .order_by("order_id", "first")
        .values_list(
            "order_id",
            "order__patient_id",
            "order__regimen_version__regimen__code",
            "order__cycle_number",
            "order__start_date",
            "order__regimen_version__cycle_length_days",
            "ingredient__code",
            "ingredient__name_it",
            "regimen_component__dose_unit",
            "full_above_zero",
            "lines",
            "regimen_dose",
            "first",
        )
    )
    return [RegimenLinesSummed(*row[:-1], first_line=tuple(row[-1])) for row in rows]


def order_regimens(*, order_ids: Iterable[int]) -> dict[int, str]:
    """Each order's regimen code (for a toxicity recorded against an order)."""
    rows = TherapyOrder.objects.filter(InIds("id", order_ids)).values_list(
        "pk", "regimen_version__regimen__code"
    )
    return dict(rows)


@dataclass(frozen=True, slots=True)
class OrderDiagnosis:
    """The diagnosis an order was prescribed against (its indication)."""

    system: str  # icd9cm, icd10…
    code: str
    label: str


def diagnoses_by_id(*, diagnosis_ids: Iterable[int]) -> dict[int, OrderDiagnosis]:
    """Those diagnoses (the ids orders name in ``TherapyOrder.diagnosis``): coding system,
    code, label as recorded; one query."""
    rows = PatientDiagnosis.objects.filter(
        InIds("id", sorted(set(diagnosis_ids)))  # one array parameter, not one per id
    ).values_list("pk", "system", "code", "label")
    return {pk: OrderDiagnosis(system, code, label) for pk, system, code, label in rows}
