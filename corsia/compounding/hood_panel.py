"""What the hood page (and ``GET /api/v1/compounding/preparations/{id}/hood``) shows
beside the preparation, so the technician never waits for it:

- the vials to use: the day's plan when the pharmacist made one, else computed now for
  what the dose still needs by the vial planner's one-dose step (``assign_dose``: open
  leftovers within their stability first, then the best new vials) — a read: nothing
  is written, no leftover is expired here;
- the weight to reach: the drug's expected mass (the same ``drug_mass_check`` the
  weighing runs, on the vials drawn, or on the volume to draw before any) and the
  tolerance band, as the balance should read after the addition once the bag is weighed
  before it; the band's ends are rounded inwards to 0.01 g, so a reading shown inside
  it passes;
- the leftovers of part-used vials whose volume is still to be recorded (and those to
  throw away at once, without a documented stability after opening);
- the next preparation of the work plan (the same session first).

Reads only: the page's access log is written by ``selectors.preparation_view``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.conf import settings

from corsia.compounding import selectors
from corsia.compounding.domain.gravimetric import DrugAddition, drug_mass_check
from corsia.compounding.domain.vials.greedy import assign_dose
from corsia.compounding.domain.vials.inputs import DoseNeed, OpenSource, VialSize
from corsia.compounding.domain.workflow import PrepState
from corsia.compounding.models import Leftover, LeftoverState, Preparation
from corsia.compounding.products import family_products, product_data
from corsia.compounding.services import DOSE_TOLERANCE_MG, dose_in_vial_units
from corsia.core.actors import User
from corsia.core.domain.errors import CorsiaError
from corsia.drugs import selectors as drugs

GRAM_STEP = Decimal("0.01")
READY = (PrepState.VALIDATED, PrepState.ASSIGNED)
DONE_AT_THE_HOOD = (PrepState.WEIGHED, PrepState.RELEASED, PrepState.CHECKED_OUT)


@dataclass(frozen=True)
class PlannedVial:
    product_code: str
    product_name: str
    mg: Decimal
    new: bool
    strength_mg: Decimal | None = None
    leftover_id: int | None = None
    leftover_lot: str = ""


@dataclass(frozen=True)
class VialPlan:
    vials: tuple[PlannedVial, ...]
    computed: bool  # True: computed now for what is left; False: the day's stored plan
    problem: str = ""


@dataclass(frozen=True)
class TargetWeight:
    expected_added_g: Decimal
    tolerance_percent: Decimal
    band_g: Decimal
    on_drawn: bool  # on the vials drawn (False: on the volume still to draw)
    density_assumed: bool
    bag_before_g: Decimal | None = None
    target_g: Decimal | None = None
    low_g: Decimal | None = None
    high_g: Decimal | None = None


@dataclass(frozen=True)
class NextPreparation:
    id: int
    label_code: str
    ingredient: str
    patient: str


@dataclass(frozen=True)
class HoodPanel:
    remaining: Decimal
    unit: str
    plan: VialPlan
    target: TargetWeight | None
    target_problem: str
    leftovers_to_record: tuple[Leftover, ...]
    leftovers_to_discard: tuple[Leftover, ...]  # no stability after opening: waste at once
    next_preparation: NextPreparation | None


def _open_sources(family: str, codes: set[str], now: datetime) -> list[OpenSource]:
    sources = []
    for leftover in Leftover.objects.filter(
        product__code__in=codes, state=LeftoverState.OPEN, expires_at__gt=now, volume_ml__gt=0
    ).select_related("product__ingredient"):
        sources.append(
            OpenSource(
                id=f"L{leftover.pk}",
                family=family,
                product_code=leftover.product.code,
                mg_available=leftover.mg_available,
                expiry=leftover.expires_at,
            )
        )
    return sources


def vial_plan(prep: Preparation, *, remaining: Decimal, now: datetime) -> VialPlan:
    """The stored plan, else the planner's one-dose step for what the dose still needs."""
    names = {}
    if prep.product is not None:
        names = {p.code: p.name for p in family_products(prep.product)}
    if prep.planned_vials and not prep.vials.exists():
        return VialPlan(
            tuple(
                PlannedVial(
                    product_code=v["product"],
                    product_name=names.get(v["product"], v["product"]),
                    mg=Decimal(v["mg"]),
                    new=v.get("source") != "leftover",
                    strength_mg=Decimal(v["strength_mg"]) if v.get("strength_mg") else None,
                    leftover_id=v.get("leftover_id"),
                )
                for v in prep.planned_vials
            ),
            computed=False,
        )
    if prep.product is None or remaining < DOSE_TOLERANCE_MG:
        return VialPlan((), computed=True)
    try:
        data = product_data(prep.product)
        members = family_products(prep.product)
        sizes = [
            VialSize(
                m.code,
                data.family,
                product_data(m).strength_mg,
                drugs.product_unit_price(product_id=m.pk),
            )
            for m in members
        ]
        opened = data.opened_stability
        assignment = assign_dose(
            dose=DoseNeed(f"P{prep.pk}", data.family, remaining, now),
            sources=_open_sources(data.family, set(names), now),
            sizes=sizes,
            stability_hours=opened.hours if opened is not None else None,
        )
    except CorsiaError as exc:
        return VialPlan((), computed=True, problem=exc.message)
    strength = {v.id: v.strength_mg for v in assignment.opened}
    lots = dict(
        Leftover.objects.filter(
            pk__in=[int(d.source_id[1:]) for d in assignment.draws if d.from_leftover]
        ).values_list("pk", "lot")
    )
    return VialPlan(
        tuple(
            PlannedVial(
                product_code=d.product_code,
                product_name=names.get(d.product_code, d.product_code),
                mg=d.mg,
                new=not d.from_leftover,
                strength_mg=None if d.from_leftover else strength.get(d.source_id),
                leftover_id=int(d.source_id[1:]) if d.from_leftover else None,
                leftover_lot=lots.get(int(d.source_id[1:]), "") if d.from_leftover else "",
            )
            for d in assignment.draws
        ),
        computed=True,
    )


def target_weight(prep: Preparation) -> tuple[TargetWeight | None, str]:
    """The expected drug mass and the band the weighing will accept (or why none)."""
    if prep.product is None:
        return None, "Preparazione da completare: peso atteso non calcolabile."
    vials = list(prep.vials.select_related("product"))
    if vials:
        additions = [
            DrugAddition(v.product.name, v.ml_drawn, v.product.density_g_ml) for v in vials
        ]
    else:
        additions = [
            DrugAddition(
                prep.product.name, prep.volume_to_draw_ml or Decimal(0), prep.product.density_g_ml
            )
        ]
    tolerance = Decimal(str(settings.CORSIA_COMPOUNDING_GRAVIMETRIC_TOLERANCE_PERCENT))
    reference = prep.bag_before_g or Decimal(1)
    try:
        result = drug_mass_check(
            before_g=reference,
            after_g=reference,
            additions=additions,
            tolerance_percent=tolerance,
            assume_unit_density=settings.CORSIA_COMPOUNDING_ASSUME_UNIT_DENSITY,
        )
    except CorsiaError as exc:
        return None, exc.message
    expected = result.expected_added_g
    band = expected * tolerance / 100
    target = TargetWeight(
        expected_added_g=expected,
        tolerance_percent=tolerance,
        band_g=band.quantize(Decimal("0.001")),
        on_drawn=bool(vials),
        density_assumed=result.density_assumed,
    )
    if prep.bag_before_g is None:
        return target, ""
    centre = prep.bag_before_g + expected
    return (
        TargetWeight(
            **{
                **target.__dict__,
                "bag_before_g": prep.bag_before_g,
                "target_g": centre.quantize(GRAM_STEP),
                "low_g": (centre - band).quantize(GRAM_STEP, ROUND_CEILING),
                "high_g": (centre + band).quantize(GRAM_STEP, ROUND_FLOOR),
            }
        ),
        "",
    )


def next_preparation(*, user: User, prep: Preparation) -> NextPreparation | None:
    """The next preparation ready at the hood in the day's work plan, after this one (and
    round from the top): of the same session when it has one."""
    rows = [r for r in selectors.workplan(user=user, day=prep.scheduled_date) if r.preparation]
    ids = [r.preparation.pk for r in rows if r.preparation is not None]
    start = ids.index(prep.pk) + 1 if prep.pk in ids else 0
    ordered = rows[start:] + rows[:start]
    ready = [
        r
        for r in ordered
        if r.preparation is not None
        and r.preparation.pk != prep.pk
        and r.preparation.state in READY
        and r.preparation.product_id is not None
        and not r.preparation.blocking_reason
    ]
    same = [
        r
        for r in ready
        if r.preparation is not None and r.preparation.session_id == prep.session_id
    ]
    chosen = (same if prep.session_id else []) or ready
    if not chosen or chosen[0].preparation is None:
        return None
    row = chosen[0]
    assert row.preparation is not None  # checked above
    patient = row.order.patient
    return NextPreparation(
        id=row.preparation.pk,
        label_code=row.preparation.label_code or "",
        ingredient=row.item.ingredient.name_it,
        patient=f"{patient.surname.upper()} {patient.given_names}",
    )


def hood_panel(*, user: User, prep: Preparation, now: datetime) -> HoodPanel:
    remaining = Decimal(0)
    if prep.product is not None:
        drawn = sum((v.mg_drawn for v in prep.vials.all()), Decimal(0))
        remaining = max(Decimal(0), dose_in_vial_units(prep, prep.product) - drawn)
    target, problem = target_weight(prep)
    return HoodPanel(
        remaining=remaining,
        unit=prep.product.strength_unit if prep.product is not None else prep.dose_unit,
        plan=vial_plan(prep, remaining=remaining, now=now),
        target=target,
        target_problem=problem,
        leftovers_to_record=tuple(
            prep.leftovers.filter(state=LeftoverState.OPEN, volume_recorded_at__isnull=True)
            .select_related("product")
            .order_by("pk")
        ),
        leftovers_to_discard=tuple(
            prep.leftovers.filter(
                state=LeftoverState.WASTED, volume_recorded_at__isnull=True, volume_ml__gt=0
            )
            .select_related("product")
            .order_by("pk")
        ),
        next_preparation=next_preparation(user=user, prep=prep)
        if prep.state in DONE_AT_THE_HOOD
        else None,
    )
