"""Reads of the compounding records for the pharmacy's reports (``corsia.reports``): plain
frozen facts, no model leaves this module.

Every read filters and adds up in SQL and returns only ids and totals:

- ``leftovers_wasted``: per product, the mg of the leftovers that became waste in a period
  (expired at their stability's end, or eliminated).
- ``draw_totals``: the draws scanned at the hood in a period per product (and per patient
  or per diagnosis of the order): draws, new vials, mg, preparations; from leftovers only
  = vial sharing (the mg that did not need a new vial). ``drawn_per_diagnosis``: the
  preparations per diagnosis of the order and patient.
- ``exposure_totals``: the exposure register per operator and ingredient (preparations,
  seconds).
  (µs since the epoch).
- ``preparation_timing``: the count and nearest-rank percentiles (seconds) of
  take-in-charge → release → first administration start, computed by PostgreSQL.

Product names, strengths and prices are read by the caller (``drugs.selectors.products_by_id``,
``product_unit_prices``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db import connections
from django.db.models import (
    BigIntegerField,
    Count,
    DecimalField,
    F,
    Func,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Least
from django.utils import timezone

from corsia.compounding.models import (
    ExposureRecord,
    Leftover,
    LeftoverState,
    Preparation,
    PreparationVial,
    VialSource,
)


def _bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """[since 00:00, until+1 00:00) in the local time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=zone)
    return start, datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)


@dataclass(frozen=True)
class ProductMg:
    """mg of one product added up (leftovers wasted; draws from leftovers)."""

    product_id: int
    mg: Decimal


def leftovers_wasted(
    *, since: date, until: date, ingredient_id: int | None = None
) -> list[ProductMg]:
    """Per product, the mg left in the leftovers that became waste within the period
    (volume × concentration): an expired one (state ``expired``, or still ``open`` past its
    stability) at its stability's end, an eliminated one (``wasted``) at its elimination or
    at its stability's end if earlier. Summed in SQL, by product id."""
    start, end = _bounds(since, until)
    now = timezone.now()
    ended_wasted = Least("updated_at", "expires_at")
    rows = Leftover.objects.annotate(ended_wasted=ended_wasted).filter(
        Q(state=LeftoverState.WASTED, ended_wasted__gte=start, ended_wasted__lt=end)
        | (
            (Q(state=LeftoverState.EXPIRED) | Q(state=LeftoverState.OPEN, expires_at__lte=now))
            & Q(expires_at__gte=start, expires_at__lt=end)
        )
    )
    if ingredient_id is not None:
        rows = rows.filter(product__ingredient_id=ingredient_id)
    totals = (
        rows.values("product_id")
        .annotate(mg=Sum(F("volume_ml") * F("concentration_mg_ml")))
        .order_by("product_id")
        .values_list("product_id", "mg")
    )
    return [ProductMg(product_id=pk, mg=mg) for pk, mg in totals]


@dataclass(frozen=True)
class DrawTotal:
    """The draws scanned at the hood of one product — for one patient, or one order, when
    grouped so — added up: how many, the new vials among them, the mg, the distinct
    preparations they went into."""

    product_id: int
    draws: int
    new_vials: int
    mg: Decimal
    preparations: int
    patient_id: int = 0  # grouped per patient
    diagnosis_id: int | None = None  # grouped per diagnosis: the order's (None: none)


Grouping = Literal["product", "patient", "diagnosis"]
_KEYS: dict[str, tuple[str, ...]] = {
    "product": (),
    "patient": ("patient_pk",),
    "diagnosis": ("diagnosis_pk",),
}
_ORDER = {
    "patient_pk": F("preparation__order__patient_id"),
    "diagnosis_pk": F("preparation__order__diagnosis_id"),
}


def _draws(
    *,
    since: date,
    until: date,
    ingredient_id: int | None,
    leftovers_only: bool,
    ward_id: int | None,
    regimen_id: int | None,
) -> QuerySet[PreparationVial]:
    start, end = _bounds(since, until)
    rows = PreparationVial.objects.filter(scanned_at__gte=start, scanned_at__lt=end)
    if leftovers_only:
        rows = rows.filter(source=VialSource.LEFTOVER)
    if ingredient_id is not None:
        rows = rows.filter(product__ingredient_id=ingredient_id)
    if ward_id is not None:
        rows = rows.filter(preparation__order__ward_id=ward_id)
    if regimen_id is not None:
        rows = rows.filter(preparation__order__regimen_version__regimen_id=regimen_id)
    return rows


def draw_totals(
    *,
    since: date,
    until: date,
    per: Grouping = "product",
    ingredient_id: int | None = None,
    leftovers_only: bool = False,
    ward_id: int | None = None,
    regimen_id: int | None = None,
    preparations: bool = False,
) -> list[DrawTotal]:
    """Every draw (from a new vial or a leftover; from leftovers only: vial sharing)
    scanned at the hood in the period, added up in SQL per product — and per patient
    (``per="patient"``) or per diagnosis of the order (``per="diagnosis"``: the id of the
    prescribing's diagnosis the order names, None when none) — for the orders of one ward
    or one regimen (any of its versions) when given; in no particular order. The distinct
    preparations are counted only when asked (``preparations=True``: a second aggregate),
    else 0."""
    rows = _draws(
        since=since,
        until=until,
        ingredient_id=ingredient_id,
        leftovers_only=leftovers_only,
        ward_id=ward_id,
        regimen_id=regimen_id,
    )
    keys = _KEYS[per]
    if keys:
        rows = rows.annotate(**{key: _ORDER[key] for key in keys})
    sums = {
        "n": Count("pk"),
        "new": Count("pk", filter=Q(source=VialSource.NEW)),
        "total": Sum("mg_drawn"),
    }
    found: Iterable[tuple[Any, ...]]
    if preparations:
        # per preparation first, then per key: two hash aggregates, no sort of every draw
        inner = rows.values(*keys, "product_id", "preparation_id").annotate(**sums).order_by()
        sql, params = inner.query.sql_with_params()
        group = ", ".join((*keys, "product_id"))
        with connections[inner.db].cursor() as cursor:
            cursor.execute(
                f"SELECT product_id, SUM(n), SUM(new), SUM(total), COUNT(*), {group} "  # noqa: S608
                f"FROM ({sql}) AS per_preparation GROUP BY {group}",
                params,
            )
            found = cursor.fetchall()
    else:
        found = (
            rows.values(*keys, "product_id")
            .annotate(**sums)
            .order_by()
            .values_list("product_id", "n", "new", "total", Value(0), *keys)
        )
    patient = per == "patient"
    return [
        DrawTotal(
            product_id,
            int(n),
            int(new),
            mg,
            int(preps),
            patient_id=key[0] if patient else 0,
            diagnosis_id=None if patient or not key else key[0],
        )
        for product_id, n, new, mg, preps, *key in found
    ]


def drawn_per_diagnosis(
    *,
    since: date,
    until: date,
    ingredient_id: int | None = None,
    ward_id: int | None = None,
    regimen_id: int | None = None,
) -> dict[tuple[int | None, int], int]:
    """Per diagnosis of the order (its id, None when none) and patient, the distinct
    preparations with a draw scanned in the period (whatever the product); the filters of
    :func:`draw_totals`."""
    rows = _draws(
        since=since,
        until=until,
        ingredient_id=ingredient_id,
        leftovers_only=False,
        ward_id=ward_id,
        regimen_id=regimen_id,
    )
    found = (
        Preparation.objects.filter(pk__in=Subquery(rows.order_by().values("preparation_id")))
        .values("order__diagnosis_id", "order__patient_id")
        .annotate(preps=Count("pk"))
        .order_by()
        .values_list("order__diagnosis_id", "order__patient_id", "preps")
    )
    return {(diagnosis, patient): preps for diagnosis, patient, preps in found}


@dataclass(frozen=True)
class ExposureTotal:
    """The exposure register of one operator and one ingredient added up: the distinct
    preparations and the seconds (each record's end − start, whole seconds, never below
    0)."""

    operator_id: int
    operator_name: str
    ingredient_id: int
    preparations: int
    seconds: int

    @property
    def minutes(self) -> Decimal:
        return Decimal(self.seconds) / 60


_SECONDS = Func(
    F("ended_at"),
    F("started_at"),
    template="GREATEST(FLOOR(EXTRACT(EPOCH FROM (%(expressions)s))), 0)",
    arg_joiner=" - ",
    output_field=DecimalField(),
)


def exposure_totals(
    *,
    since: date,
    until: date,
    operator_id: int | None = None,
    ingredient_id: int | None = None,
) -> list[ExposureTotal]:
    """The exposure register's rows that started in the period, added up in SQL per
    operator and ingredient; ordered by operator and ingredient id."""
    start, end = _bounds(since, until)
    rows = ExposureRecord.objects.filter(started_at__gte=start, started_at__lt=end)
    if operator_id is not None:
        rows = rows.filter(operator_id=operator_id)
    if ingredient_id is not None:
        rows = rows.filter(ingredient_id=ingredient_id)
    found = (
        rows.values(
            "operator_id",
            "ingredient_id",
            "operator__first_name",
            "operator__last_name",
            "operator__username",
        )
        .annotate(preps=Count("preparation_id", distinct=True), seconds=Sum(_SECONDS))
        .order_by("operator_id", "ingredient_id")
        .values_list(
            "operator_id",
            "ingredient_id",
            "operator__first_name",
            "operator__last_name",
            "operator__username",
            "preps",
            "seconds",
        )
    )
    return [
        ExposureTotal(
            operator_id=operator,
            operator_name=f"{first} {last}".strip() or username,
            ingredient_id=ingredient,
            preparations=preps,
            seconds=int(seconds),
        )
        for operator, ingredient, first, last, username, preps, seconds in found
    ]


def epoch_us(field: str) -> Func:
    """A timestamp column as whole microseconds since the epoch (NULL stays NULL)."""
    return Func(
        F(field),
        template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint",
        output_field=BigIntegerField(),
    )


@dataclass(frozen=True)
class StageSeconds:
    """One stage of the preparation timing: how many preparations have it, and the
    nearest-rank 50th, 90th and 95th percentiles of its duration in whole seconds (None
    when no preparation has it)."""

    count: int
    p50: int | None
    p90: int | None
    p95: int | None


@dataclass(frozen=True)
class PreparationTiming:
    """The timing of the preparations taken in charge in a period (rejected ones left
    out): take-in-charge → release, release → first administration start, and end to end."""

    preparations: int
    to_release: StageSeconds
    to_bedside: StageSeconds
    end_to_end: StageSeconds


# A stage's duration: whole seconds between two instants, truncated toward zero (integer
# division of the µs; NULL when either instant is missing, and ordered-set aggregates
# skip NULLs). ``percentile_disc`` takes the value at rank ⌈p × n⌉ of the sorted values
# (at least the first): the nearest rank of ``reports.domain.stats.percentile``.
_TIMING_SELECT = """
SELECT count(*),
       count(to_release),
       percentile_disc(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY to_release),
       count(to_bedside),
       percentile_disc(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY to_bedside),
       count(end_to_end),
       percentile_disc(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY end_to_end)
FROM (
    SELECT (released_us - taken_us) / 1000000 AS to_release,
           (started_us - released_us) / 1000000 AS to_bedside,
           (started_us - taken_us) / 1000000 AS end_to_end
    FROM ("""
_TIMING_FROM = ") AS instants) AS stages"


def _stage(count: int, chosen: list[int] | None) -> StageSeconds:
    p50, p90, p95 = chosen if chosen is not None else (None, None, None)
    return StageSeconds(count=count, p50=p50, p90=p90, p95=p95)


def preparation_timing(
    *, since: date, until: date, ingredient_id: int | None = None
) -> PreparationTiming:
    """The preparations taken in charge in the period (``created_at``), of one ingredient
    if given: their count and each stage's count and percentiles, computed by PostgreSQL in
    one query over the preparation's own instants (``released_at``,
    ``first_administration_started_at``, kept by ``preparation_administration_started``)."""
    start, end = _bounds(since, until)
    rows = Preparation.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        state="rejected"
    )
    if ingredient_id is not None:
        rows = rows.filter(order_item__ingredient_id=ingredient_id)
    instants = (
        rows.annotate(
            taken_us=epoch_us("created_at"),
            released_us=epoch_us("released_at"),
            started_us=epoch_us("first_administration_started_at"),
        )
        .order_by()
        .values_list("taken_us", "released_us", "started_us")
    )
    inner, params = instants.query.sql_with_params()
    with connections[instants.db].cursor() as cursor:
        cursor.execute(_TIMING_SELECT + inner + _TIMING_FROM, params)
        total, released, p_released, bedside, p_bedside, ended, p_ended = cursor.fetchone()
    return PreparationTiming(
        preparations=total,
        to_release=_stage(released, p_released),
        to_bedside=_stage(bedside, p_bedside),
        end_to_end=_stage(ended, p_ended),
    )
