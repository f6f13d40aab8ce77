"""The vial plan of the day: which vials (new, of which strength, or open leftovers still
within their stability) make the day's preparations not yet started, with the least
waste (domain ``plan_vials``), recorded on each preparation and on the session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.domain.product import ProductData
from corsia.compounding.domain.vials.inputs import DoseNeed, OpenSource, VialSize
from corsia.compounding.domain.vials.planner import plan_vials
from corsia.compounding.domain.workflow import PrepState
from corsia.compounding.models import Preparation, WorkSession
from corsia.compounding.products import family_key, family_products, product_data
from corsia.compounding.services.completion import dose_in_vial_units
from corsia.compounding.services.leftovers import usable_leftovers
from corsia.compounding.services.pgx_hold import OrderHolds, preparation_pgx_hold
from corsia.compounding.services.steps import VALIDATE, clock, save_preparation
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import CorsiaError
from corsia.drugs import selectors as drugs

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct


@dataclass(frozen=True)
class PlanSummary:
    day: date
    preparations: int
    vials: int
    vials_by_product: dict[str, int]
    mg_wasted: Decimal
    leftover_mg_used: Decimal
    lower_bound: int
    methods: tuple[str, ...]
    cost_eur: Decimal
    skipped: tuple[str, ...]
    mg_carried_over: Decimal = Decimal(0)
    waste_cost_eur: Decimal = Decimal(0)
    unpriced_families: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "preparations": self.preparations,
            "vials": self.vials,
            "vials_by_product": self.vials_by_product,
            "mg_wasted": str(self.mg_wasted),
            "leftover_mg_used": str(self.leftover_mg_used),
            "lower_bound": self.lower_bound,
            "methods": list(self.methods),
            "cost_eur": str(self.cost_eur),
            "skipped": list(self.skipped),
            "mg_carried_over": str(self.mg_carried_over),
            "waste_cost_eur": str(self.waste_cost_eur),
            "unpriced_families": list(self.unpriced_families),
        }


def vials_plan(
    *,
    actor: User,
    workstation: Workstation,
    day: date,
    session_id: int | None = None,
    now: datetime | None = None,
    time_limit_s: float = 2.0,
) -> PlanSummary:
    """Plan the vials of the day's preparations not yet started (domain ``plan_vials``),
    offering the open leftovers that are still within their stability — never one past it."""
    require_permission(actor, VALIDATE, "Non hai il permesso di pianificare i flaconi.")
    moment = clock(now)
    with transaction.atomic():
        planned = Preparation.objects.select_for_update(of=("self",)).filter(
            scheduled_date=day,
            state__in=[PrepState.VALIDATED, PrepState.ASSIGNED],
            product__isnull=False,
        )
        if session_id is not None:  # only the session's rows: the others stay unlocked
            planned = planned.filter(session_id=session_id)
        preps = list(
            planned.select_related(
                "product__ingredient", "product__biosimilar_of", "order_item__ingredient", "order"
            ).order_by("pk")
        )
        holds = OrderHolds()  # each order's pharmacogenomic barrier read once
        # each family of products read once (two doses of one drug share it), then every
        # member's price in one query
        families: dict[tuple[str, int | None], list[MedicinalProduct]] = {}
        members: dict[str, tuple[ProductData, MedicinalProduct]] = {}
        sizes: dict[str, VialSize] = {}
        stability: dict[str, Decimal | None] = {}
        datas: dict[str, ProductData] = {}
        doses: list[DoseNeed] = []
        skipped: list[str] = []
        for prep in preps:
            assert prep.product is not None  # filtered above
            held = preparation_pgx_hold(prep, holds.of(prep))
            if held:  # a late pharmacogenomic result: no vial planned for it (H65)
                skipped.append(f"{prep.label_code}: {held}")
                continue
            family_id = (family_key(prep.product), prep.product.biosimilar_of_id)
            if family_id not in families:
                families[family_id] = family_products(prep.product)
            models = families[family_id]
            try:
                data = product_data(prep.product)
                family = [product_data(p) for p in models]
            except CorsiaError as exc:
                skipped.append(f"{prep.label_code}: {exc.message}")
                continue
            for member, model in zip(family, models, strict=True):
                datas[member.code] = member
                members[member.code] = (member, model)
            opened = data.opened_stability
            stability[data.family] = opened.hours if opened is not None else None
            need = dose_in_vial_units(prep, prep.product)
            doses.append(DoseNeed(f"P{prep.pk}", data.family, need, moment))
        prices = drugs.product_unit_prices(product_ids=[m.pk for _, m in members.values()])
        for code, (member, model) in members.items():
            sizes[code] = VialSize(code, member.family, member.strength_mg, prices[model.pk])
        sources: list[OpenSource] = []
        for leftover in usable_leftovers(now=moment):
            try:
                value = product_data(leftover.product)
            except CorsiaError:
                continue
            sources.append(
                OpenSource(
                    id=f"L{leftover.pk}",
                    family=value.family,
                    product_code=value.code,
                    mg_available=leftover.mg_available,
                    expiry=leftover.expires_at,
                )
            )
        if doses:
            # No session calendar yet: content still within stability at the start of the
            # next day may serve a later session (carried over, not waste).
            next_day = datetime.combine(
                day + timedelta(days=1), time(0), tzinfo=timezone.get_current_timezone()
            )
            plan = plan_vials(
                doses=doses,
                sizes=list(sizes.values()),
                leftovers=sources,
                stability_hours=stability,
                next_session_at=next_day,
                time_limit_s=time_limit_s,
            )
            strength_of = {v.id: (v.product_code, v.strength_mg) for v in plan.opened}
            by_dose: dict[str, list[dict[str, Any]]] = {}
            for draw in plan.draws:
                entry: dict[str, Any] = {"product": draw.product_code, "mg": str(draw.mg)}
                if draw.from_leftover:
                    entry |= {"source": "leftover", "leftover_id": int(draw.source_id[1:])}
                else:
                    entry |= {
                        "source": "new",
                        "vial": draw.source_id,
                        "strength_mg": str(strength_of[draw.source_id][1]),
                    }
                by_dose.setdefault(draw.dose_id, []).append(entry)
            for prep in preps:
                key = f"P{prep.pk}"
                if key in by_dose:
                    prep.planned_vials = by_dose[key]
                    save_preparation(prep, actor, ["planned_vials"])
            summary = PlanSummary(
                day=day,
                preparations=len(doses),
                vials=plan.vials,
                vials_by_product=plan.vials_by_product,
                mg_wasted=plan.mg_wasted,
                leftover_mg_used=sum((f.leftover_mg_used for f in plan.families), Decimal(0)),
                lower_bound=plan.lower_bound,
                methods=tuple(sorted({f.method.value for f in plan.families})),
                cost_eur=plan.cost_eur,
                skipped=tuple(skipped),
                mg_carried_over=plan.mg_carried_over,
                waste_cost_eur=plan.waste_cost_eur,
                unpriced_families=plan.unpriced_families,
            )
        else:
            summary = PlanSummary(
                day, 0, 0, {}, Decimal(0), Decimal(0), 0, (), Decimal(0), tuple(skipped)
            )
        if session_id is not None:
            WorkSession.objects.filter(pk=session_id).update(plan=summary.as_json())
        audit_record(
            event=events.VIALS_PLANNED,
            actor=actor,
            workstation=workstation,
            after=summary.as_json(),
        )
    return summary
