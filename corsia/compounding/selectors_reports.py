"""Reads of the compounding records for the pharmacy's reports (``corsia.reports``): plain
frozen facts, no model leaves this module.

- ``leftover_facts``: every leftover opened or ended in a period — what stayed in the vial
  (mg), whether it was wasted (state ``expired``/``wasted``, or still ``open`` past its
  stability) and when it ended (expiry for an expired one, the elimination's time for a
  wasted one).
- ``shared_draws``: the draws taken from leftovers in a period (vial sharing: the mg that
  did not need a new vial).
- ``exposure_facts``: the exposure register (operator, ingredient, start, end).
Prices are read by the caller (``drugs.selectors.product_unit_price``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F, Q
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
class LeftoverFact:
    leftover_id: int
    product_id: int
    product_name: str
    strength_mg: Decimal | None  # mg per unit (vial) of the product
    ingredient_id: int
    opened_at: datetime
    mg_left: Decimal  # what is in the vial now (volume × concentration)
    wasted: bool
    ended_at: datetime | None  # when it became waste (None: still usable or used up)


def _ended(leftover: Leftover, now: datetime) -> tuple[bool, datetime | None]:
    if leftover.state == LeftoverState.WASTED:
        return True, min(leftover.updated_at, leftover.expires_at)
    if leftover.state == LeftoverState.EXPIRED or (
        leftover.state == LeftoverState.OPEN and leftover.expires_at <= now
    ):
        return True, leftover.expires_at
    return False, None


def leftover_facts(
    *, since: date, until: date, ingredient_id: int | None = None
) -> list[LeftoverFact]:
    """The leftovers opened in the period or wasted in it (each once)."""
    start, end = _bounds(since, until)
    rows = Leftover.objects.filter(
        Q(opened_at__gte=start, opened_at__lt=end)
        | Q(expires_at__gte=start, expires_at__lt=end)
        | Q(state=LeftoverState.WASTED, updated_at__gte=start, updated_at__lt=end)
    ).select_related("product")
    if ingredient_id is not None:
        rows = rows.filter(product__ingredient_id=ingredient_id)
    now = timezone.now()
    facts = []
    for row in rows.order_by("pk"):
        wasted, ended = _ended(row, now)
        facts.append(
            LeftoverFact(
                leftover_id=row.pk,
                product_id=row.product_id,
                product_name=str(row.product),
                strength_mg=row.product.strength if row.product.strength_unit == "mg" else None,
                ingredient_id=row.product.ingredient_id,
                opened_at=row.opened_at,
                mg_left=row.volume_ml * row.concentration_mg_ml,
                wasted=wasted,
                ended_at=ended,
            )
        )
    return facts


@dataclass(frozen=True)
class SharedDraw:
    product_id: int
    product_name: str
    strength_mg: Decimal | None
    ingredient_id: int
    mg: Decimal
    drawn_at: datetime
    preparation_id: int = 0
    order_id: int = 0
    patient_id: int = 0
    new_vial: bool = False  # a new vial opened (else a draw from a leftover)


def shared_draws(*, since: date, until: date, ingredient_id: int | None = None) -> list[SharedDraw]:
    """The draws from leftovers scanned in the period."""
    return drawn(since=since, until=until, ingredient_id=ingredient_id, leftovers_only=True)


def drawn(
    *,
    since: date,
    until: date,
    ingredient_id: int | None = None,
    leftovers_only: bool = False,
    ward_id: int | None = None,
    regimen_id: int | None = None,
) -> list[SharedDraw]:
    """Every draw (from a new vial or a leftover) scanned at the hood in the period: what
    the preparations consumed; for the orders of one ward or one regimen (any of its
    versions) when given."""
    start, end = _bounds(since, until)
    rows = (
        PreparationVial.objects.filter(scanned_at__gte=start, scanned_at__lt=end)
        .select_related("product")
        .annotate(
            order_pk=F("preparation__order_id"), patient_pk=F("preparation__order__patient_id")
        )
    )
    if leftovers_only:
        rows = rows.filter(source=VialSource.LEFTOVER)
    if ingredient_id is not None:
        rows = rows.filter(product__ingredient_id=ingredient_id)
    if ward_id is not None:
        rows = rows.filter(preparation__order__ward_id=ward_id)
    if regimen_id is not None:
        rows = rows.filter(preparation__order__regimen_version__regimen_id=regimen_id)
    return [
        SharedDraw(
            product_id=v.product_id,
            product_name=str(v.product),
            strength_mg=v.product.strength if v.product.strength_unit == "mg" else None,
            ingredient_id=v.product.ingredient_id,
            mg=v.mg_drawn,
            drawn_at=v.scanned_at,
            preparation_id=v.preparation_id,
            order_id=v.order_pk,
            patient_id=v.patient_pk,
            new_vial=v.source == VialSource.NEW,
        )
        for v in rows.order_by("pk")
    ]


@dataclass(frozen=True)
class ExposureFact:
    operator_id: int
    operator_name: str
    ingredient_id: int
    preparation_id: int
    started_at: datetime
    ended_at: datetime

    @property
    def minutes(self) -> Decimal:
        seconds = max((self.ended_at - self.started_at).total_seconds(), 0)
        return Decimal(int(seconds)) / 60


def exposure_facts(
    *,
    since: date,
    until: date,
    operator_id: int | None = None,
    ingredient_id: int | None = None,
) -> list[ExposureFact]:
    """The exposure register's rows that started in the period."""
    start, end = _bounds(since, until)
    rows = ExposureRecord.objects.filter(started_at__gte=start, started_at__lt=end).select_related(
        "operator"
    )
    if operator_id is not None:
        rows = rows.filter(operator_id=operator_id)
    if ingredient_id is not None:
        rows = rows.filter(ingredient_id=ingredient_id)
    return [
        ExposureFact(
            operator_id=r.operator_id,
            operator_name=r.operator.get_full_name() or r.operator.username,
            ingredient_id=r.ingredient_id,
            preparation_id=r.preparation_id,
            started_at=r.started_at,
            ended_at=r.ended_at,
        )
        for r in rows.order_by("started_at", "pk")
    ]


@dataclass(frozen=True)
class PreparationTimes:
    preparation_id: int
    label_code: str
    ingredient_id: int
    taken_at: datetime  # taken in charge: when take-in-charge created the preparation
    released_at: datetime | None


def preparation_times(
    *, since: date, until: date, ingredient_id: int | None = None
) -> list[PreparationTimes]:
    """The preparations taken in charge in the period (rejected ones left out)."""
    start, end = _bounds(since, until)
    rows = Preparation.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        state="rejected"
    )
    if ingredient_id is not None:
        rows = rows.filter(order_item__ingredient_id=ingredient_id)
    return [
        PreparationTimes(
            preparation_id=pk,
            label_code=label or "",
            ingredient_id=ingredient,
            taken_at=created,
            released_at=released,
        )
        for pk, label, ingredient, created, released in rows.order_by("pk").values_list(
            "pk", "label_code", "order_item__ingredient_id", "created_at", "released_at"
        )
    ]
