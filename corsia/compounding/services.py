"""UFA use cases: validate, take in charge, plan vials, scan, weigh, release, check out.

Every function is one action a person takes; each runs in a transaction, checks the
named permission, locks what it changes and writes its audit event. The clinical rules
are the pure domain's (``domain/``). The order belongs to prescribing: the pharmacist's
decisions go through ``order_transition`` (validate, take charge, return), the per-line
validation through ``order_items_validate`` (independent validator) and the loop's
milestones (preparation started/completed, delivered) through ``order_milestone_record``
— this module never sets an order's state or a line's validation itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.domain.gravimetric import (
    DrugAddition,
    GravimetricInputInvalid,
    drug_mass_check,
)
from corsia.compounding.domain.labels import INTRAVENOUS_ROUTE, is_intrathecal, is_vinca_alkaloid
from corsia.compounding.domain.leftovers import Leftover as LeftoverValue
from corsia.compounding.domain.leftovers import check_leftover_use, leftover_expiry
from corsia.compounding.domain.preparation import (
    STANDARD_BAGS,
    complete_preparation,
)
from corsia.compounding.domain.product import ProductData, StorageTemperature, lot_end
from corsia.compounding.domain.scan import ExpectedVial, ResolvedPack, match_scanned_pack
from corsia.compounding.domain.transport import (
    min_max_readings,
    outside_range,
    parse_transport_csv,
    summarise_transport,
)
from corsia.compounding.domain.units import unit_factor, vial_units_for
from corsia.compounding.domain.vials import DoseNeed, OpenSource, VialSize, plan_vials
from corsia.compounding.domain.workflow import (
    PrepEvent,
    PrepState,
    prep_next_state,
    preparation_id_from_label,
    preparation_label_code,
)
from corsia.compounding.models import (
    CheckOut,
    ExposureRecord,
    Hood,
    Leftover,
    LeftoverState,
    Preparation,
    PreparationVial,
    TransportLog,
    VialSource,
    Weighing,
    WeightSource,
    WorkSession,
)
from corsia.compounding.products import family_products, product_data
from corsia.compounding.scales import Scale, SimulatedScale, scale_from_settings
from corsia.core.domain.errors import (
    ConflictError,
    CorsiaError,
    NotFound,
    PermissionRefused,
    ValidationFailed,
)
from corsia.drugs.domain.barcodes import parse_pack_barcode
from corsia.drugs.domain.formulation import Formulation, formulation_of
from corsia.drugs.models import MedicinalProduct, Pack
from corsia.inventory.models import CostCenter, StockLot
from corsia.inventory.services import stock_unload
from corsia.prescribing.cumulative import order_cumulative_ensure
from corsia.prescribing.domain.states import OrderEvent, OrderMilestone, OrderState
from corsia.prescribing.dosing_basis import order_measures_check
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder
from corsia.prescribing.services import (
    order_item_is_validated,
    order_items_validate,
    order_milestone_record,
    order_transition,
)

VIEW = "compounding.view_workplan"
VALIDATE = "compounding.validate"
RELEASE = "compounding.release"
PREPARE = "compounding.prepare"

PHARMACY = "pharmacy"
__all__ = ["Scale", "SimulatedScale"]  # the drivers live in scales.py; re-exported
MG_STEP = Decimal("0.0001")
ML_STEP = Decimal("0.01")
DOSE_TOLERANCE_MG = Decimal("0.1")  # the planner's unit: a dose is covered to 0.1 mg


def _require(actor: Any, permission: str, what: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionRefused(
            f"Non hai il permesso di {what}.", details={"permission": permission}
        )


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def pharmacy_items(order: TherapyOrder) -> list[OrderItem]:
    return list(
        order.items.filter(competence=PHARMACY, status=ItemStatus.ACTIVE)
        .select_related("ingredient", "product", "regimen_component")
        .order_by("day_of_cycle", "sequence")
    )


def _locked_prep(preparation_id: int) -> Preparation:
    prep = (
        Preparation.objects.select_for_update(of=("self",))
        .select_related("order_item__ingredient", "product__ingredient", "order")
        .filter(pk=preparation_id)
        .first()
    )
    if prep is None:
        raise NotFound("Preparazione inesistente.", code="preparation_not_found")
    return prep


def _fire(prep: Preparation, event: PrepEvent) -> list[str]:
    prep.state = prep_next_state(PrepState(prep.state), event).value
    return ["state"]


def _save(prep: Preparation, actor: Any, fields: Iterable[str]) -> None:
    prep.save(update_fields=[*set(fields), *prep.bump(by=actor)])


def _milestone(
    actor: Any, workstation: Any, order_id: int, milestone: OrderMilestone, source: str
) -> None:
    """Record a milestone of the loop on the order (prescribing's idempotent entry point:
    a multi-day order already past it after its first day is left alone)."""
    order_milestone_record(
        actor=actor,
        workstation=workstation,
        order_id=order_id,
        milestone=milestone,
        source=source,
    )


# ---------------------------------------------------------------- pharmacist validation


def _order_for_validation(order_id: int) -> TherapyOrder:
    order = TherapyOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    if order.state != OrderState.SENT_TO_PHARMACY:
        raise ConflictError(
            f"La prescrizione è «{order.state_label}»: si valida quando è inviata in farmacia.",
            code="order_not_sent",
            details={"state": order.state},
        )
    return order


def order_item_validate(
    *, actor: Any, workstation: Any, order_id: int, item_ids: Sequence[int] | None = None
) -> TherapyOrder:
    """The pharmacist validates one or more drugs of the order (``None``: all of them),
    independently of the prescriber; when every pharmacy drug is validated the order is."""
    _require(actor, VALIDATE, "validare le prescrizioni")
    with transaction.atomic():
        order = _order_for_validation(order_id)
        order_cumulative_ensure(order_id=order.pk)  # H06: the history may have grown
        order_measures_check(order=order, stage="validate")  # newer measures: recalculate
        items = pharmacy_items(order)
        chosen = items if item_ids is None else [i for i in items if i.pk in set(item_ids)]
        if item_ids is not None and len(chosen) != len(set(item_ids)):
            raise ValidationFailed(
                "Farmaco non presente fra quelli da allestire di questa prescrizione.",
                code="item_not_in_order",
                field="item_id",
            )
        order_items_validate(
            actor=actor,
            workstation=workstation,
            order_id=order.pk,
            item_ids=[i.pk for i in chosen],
        )
        audit_record(
            event=events.ITEM_VALIDATED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"items": [i.pk for i in chosen]},
        )
        if all(order_item_is_validated(i) for i in pharmacy_items(order)):
            order_transition(
                actor=actor, workstation=workstation, order_id=order.pk, event=OrderEvent.VALIDATE
            )
    order.refresh_from_db()
    return order


def order_return_to_prescriber(
    *, actor: Any, workstation: Any, order_id: int, reason: str
) -> TherapyOrder:
    """Give the order back to the physician with a reason; its preparations are rejected."""
    _require(actor, VALIDATE, "restituire le prescrizioni")
    with transaction.atomic():
        order = order_transition(
            actor=actor,
            workstation=workstation,
            order_id=order_id,
            event=OrderEvent.RETURN_TO_PRESCRIBER,
            reason=reason,
        )
        for prep in Preparation.objects.select_for_update().filter(
            order_id=order_id,
            state__in=[PrepState.PENDING, PrepState.VALIDATED, PrepState.ASSIGNED],
        ):
            _fire(prep, PrepEvent.REJECT)
            prep.state_reason = f"Prescrizione restituita al prescrittore: {reason.strip()}"
            _save(prep, actor, ["state", "state_reason"])
        audit_record(
            event=events.ORDER_RETURNED,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            reason=reason.strip(),
        )
    return order


# ---------------------------------------------------------------- take in charge


def item_formulation(item: OrderItem) -> Formulation:
    """The formulation the order item prescribes: its regimen component's (liposomal,
    pegylated liposomal, albumin-bound, subcutaneous), else the prescribed product's."""
    component = item.regimen_component
    if component is not None:
        return formulation_of(component.formulation)
    if item.product is not None:
        return formulation_of(item.product.formulation)
    return Formulation.CONVENTIONAL


def _ensure_formulation(product: MedicinalProduct, formulation: Formulation) -> None:
    found = formulation_of(product.formulation)
    if found is not formulation:
        raise ValidationFailed(
            f"{product.name} è in formulazione {found.label_it}: la prescrizione chiede "
            f"{product.ingredient.name_it} in formulazione {formulation.label_it}. "
            "Non sono intercambiabili.",
            code="wrong_formulation",
            field="product_id",
            details={"expected": formulation.value, "read": found.value},
        )


def _formulation_codes(formulation: Formulation) -> list[str]:
    return (
        [formulation.value, ""] if formulation is Formulation.CONVENTIONAL else [formulation.value]
    )


def choose_product(item: OrderItem) -> MedicinalProduct | None:
    """The prescribed product (originator/biosimilar choice) or the archive's product of
    the ingredient, of the prescribed formulation and unit, with complete data: the
    largest strength not above the dose. Never a product of another formulation."""
    formulation = item_formulation(item)
    if item.product_id is not None:
        product = MedicinalProduct.objects.select_related("ingredient", "biosimilar_of").get(
            pk=item.product_id
        )
        _ensure_formulation(product, formulation)
        return product
    candidates = [
        p
        for p in MedicinalProduct.objects.filter(
            ingredient_id=item.ingredient_id,
            strength__isnull=False,
            concentration__isnull=False,
            biosimilar_of__isnull=True,
            strength_unit__in=vial_units_for(item.ingredient.code, item.amount_unit),
        )
        .filter(formulation__in=_formulation_codes(formulation))
        .exclude(physical_state__in=["", "solid_oral", "other"])
        .select_related("ingredient", "biosimilar_of")
        .order_by("strength", "code")
    ]
    if not candidates:
        return None
    fitting = [
        p
        for p in candidates
        if p.strength is not None
        and p.strength
        <= item.final_dose * unit_factor(item.ingredient.code, item.amount_unit, p.strength_unit)
    ]
    return fitting[-1] if fitting else candidates[0]


def _requested_bag(text: str) -> tuple[str | None, Decimal | None]:
    """Diluent and bag volume named in the regimen's preparation text
    (``"glucosio 5% 250 mL"``), when it names a standard bag."""
    lowered = text.lower()
    for bag in STANDARD_BAGS:
        volume = f"{bag.nominal_ml.normalize():f} ml"
        if lowered.startswith(bag.diluent) and volume in lowered:
            return bag.diluent, bag.nominal_ml
    for diluent in {b.diluent for b in STANDARD_BAGS}:
        if lowered.startswith(diluent):
            return diluent, None
    return None, None


def dose_in_vial_units(prep: Preparation, product: MedicinalProduct) -> Decimal:
    """The preparation's dose in the unit of the product's vials (mg, or IU: bleomycin
    prescribed in USP units is drawn in IU, x 1,000); never through mg."""
    factor = unit_factor(prep.order_item.ingredient.code, prep.dose_unit, product.strength_unit)
    return (prep.dose_mg * factor).quantize(MG_STEP)


def _apply_completion(
    prep: Preparation,
    product: MedicinalProduct | None,
    *,
    prepared_at: datetime,
    opened_at: datetime | None = None,
    diluent: str | None = None,
    bag_volume_ml: Decimal | None = None,
    lot_expires_at: datetime | None = None,
) -> None:
    """Fill the worksheet data from the domain; a refusal leaves the preparation pending
    with the reason for the pharmacist. The product must be of the preparation's
    formulation and of the dose's unit (mg, or IU for bleomycin and asparaginase)."""
    prep.product = product
    if product is None:
        if not prep.blocking_reason:
            prep.blocking_reason = (
                "Nessun medicinale in archivio per questo principio attivo, formulazione "
                f"{formulation_of(prep.formulation).label_it} e unità {prep.dose_unit}."
            )
        return
    try:
        vial_dose = dose_in_vial_units(prep, product)
        _ensure_formulation(product, formulation_of(prep.formulation))
        data = product_data(product)
        done = complete_preparation(
            dose_mg=vial_dose,
            product=data,
            prepared_at=prepared_at,
            opened_at=opened_at,
            diluent=diluent,
            bag_volume_ml=bag_volume_ml,
            lot_expires_at=lot_expires_at,
        )
    except CorsiaError as exc:
        prep.blocking_reason = exc.message
        return
    prep.blocking_reason = ""
    prep.diluent = done.bag.diluent
    prep.bag_volume_ml = done.bag.nominal_ml
    prep.bag_overfill_ml = done.bag.overfill_ml
    prep.volume_to_draw_ml = done.volume_to_draw_ml
    prep.final_volume_ml = done.final_volume_ml
    prep.final_concentration_mg_ml = done.final_concentration_mg_ml
    prep.expiry_at = done.expiry
    prep.storage = done.storage.value
    prep.protect_from_light = done.protect_from_light
    prep.warnings = list(done.warnings)
    if product.strength_unit != prep.dose_unit:
        prep.warnings.append(
            f"Dose prescritta {prep.dose_mg.normalize():f} {prep.dose_unit} = "
            f"{vial_dose.normalize():f} {product.strength_unit} ({product.name})"
        )


_COMPLETION_FIELDS = [
    "product",
    "blocking_reason",
    "diluent",
    "bag_volume_ml",
    "bag_overfill_ml",
    "volume_to_draw_ml",
    "final_volume_ml",
    "final_concentration_mg_ml",
    "expiry_at",
    "storage",
    "protect_from_light",
    "warnings",
]


def order_take_charge(
    *, actor: Any, workstation: Any, order_id: int, now: datetime | None = None
) -> list[Preparation]:
    """The pharmacist takes the order in charge (it is frozen) and its preparations are
    created and completed from the archive (volume, bag, concentration, expiry)."""
    _require(actor, VALIDATE, "prendere in carico le prescrizioni")
    moment = _now(now)
    with transaction.atomic():
        order = TherapyOrder.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound("Prescrizione inesistente.", code="order_not_found")
        if order.state == OrderState.VALIDATED:
            order_transition(
                actor=actor,
                workstation=workstation,
                order_id=order.pk,
                event=OrderEvent.TAKE_CHARGE,
            )
        elif order.state != OrderState.TAKEN_IN_CHARGE:
            raise ConflictError(
                f"La prescrizione è «{order.state_label}»: si prende in carico dopo la validazione.",
                code="order_not_validated",
                details={"state": order.state},
            )
        live = set(
            Preparation.objects.exclude(state=PrepState.REJECTED)
            .filter(order_id=order.pk)
            .values_list("order_item_id", flat=True)
        )
        created: list[Preparation] = []
        for item in pharmacy_items(order):
            if item.pk in live:
                continue
            prep = Preparation(
                order_item=item,
                order=order,
                scheduled_date=item.scheduled_date,
                dose_mg=item.final_dose,
                dose_unit=item.amount_unit,
                route=item.route,
                validated_by=item.validated_by or actor,
                validated_at=item.validated_at or moment,
                updated_by=actor,
                formulation=item_formulation(item).value,
            )
            diluent, volume = _requested_bag(item.preparation)
            try:
                product = choose_product(item)
            except ValidationFailed as exc:  # the prescribed product is another formulation
                product = None
                prep.blocking_reason = exc.message
            _apply_completion(
                prep,
                product,
                prepared_at=moment,
                diluent=diluent,
                bag_volume_ml=volume,
            )
            if prep.blocking_reason and diluent is not None:
                # the regimen's bag does not fit this dose: let the archive choose
                _apply_completion(prep, prep.product, prepared_at=moment)
            prep.state = (PrepState.PENDING if prep.blocking_reason else PrepState.VALIDATED).value
            prep.save()
            prep.label_code = preparation_label_code(prep.pk)
            prep.save(update_fields=["label_code"])
            created.append(prep)
        audit_record(
            event=events.ORDER_TAKEN_IN_CHARGE,
            actor=actor,
            workstation=workstation,
            target=order,
            patient_id=order.patient_id,
            after={"preparations": [p.label_code for p in created]},
        )
    return created


def preparation_complete(
    *,
    actor: Any,
    workstation: Any,
    preparation_id: int,
    product_id: int | None = None,
    diluent: str | None = None,
    bag_volume_ml: Decimal | None = None,
    now: datetime | None = None,
) -> Preparation:
    """The pharmacist completes a pending preparation (another product, diluent or bag)."""
    _require(actor, VALIDATE, "completare le preparazioni")
    with transaction.atomic():
        prep = _locked_prep(preparation_id)
        if prep.state not in (PrepState.PENDING, PrepState.VALIDATED, PrepState.ASSIGNED):
            raise ConflictError(
                "La preparazione è già in allestimento: non si può più cambiare.",
                code="preparation_started",
            )
        product = prep.product
        if product_id is not None:
            product = (
                MedicinalProduct.objects.select_related("ingredient").filter(pk=product_id).first()
            )
            if product is None or product.ingredient_id != prep.order_item.ingredient_id:
                raise ValidationFailed(
                    "Il medicinale scelto non contiene il principio attivo prescritto.",
                    code="product_other_ingredient",
                    field="product_id",
                )
            _ensure_formulation(product, formulation_of(prep.formulation))
            prep.blocking_reason = ""
        _apply_completion(
            prep,
            product,
            prepared_at=_now(now),
            diluent=diluent or None,
            bag_volume_ml=bag_volume_ml,
        )
        if prep.blocking_reason:
            raise ValidationFailed(prep.blocking_reason, code="preparation_impossible")
        fields = list(_COMPLETION_FIELDS)
        if prep.state == PrepState.PENDING:
            fields += _fire(prep, PrepEvent.COMPLETE)
        _save(prep, actor, fields)
        audit_record(
            event=events.PREPARATION_COMPLETED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            after={"product": product.code if product else None, "diluent": prep.diluent},
        )
    return prep


# ---------------------------------------------------------------- sessions, plan, assignment


def work_session_open(
    *,
    actor: Any,
    workstation: Any,
    hood_id: int,
    technician: Any,
    day: date,
) -> WorkSession:
    _require(actor, VALIDATE, "organizzare le sessioni alle cappe")
    if not technician.has_perm(PREPARE):
        raise ValidationFailed(
            "La persona scelta non può allestire preparazioni.",
            code="not_a_preparer",
            field="technician",
        )
    with transaction.atomic():
        hood = Hood.objects.filter(pk=hood_id, active=True).first()
        if hood is None:
            raise NotFound("Cappa inesistente o non attiva.", code="hood_not_found")
        session = WorkSession.objects.create(
            date=day, hood=hood, technician=technician, pharmacist=actor
        )
        audit_record(
            event=events.SESSION_OPENED,
            actor=actor,
            workstation=workstation,
            target=session,
            after={"hood": hood.code, "technician": technician.username, "day": day.isoformat()},
        )
    return session


def preparation_assign(
    *, actor: Any, workstation: Any, preparation_ids: Sequence[int], session_id: int
) -> list[Preparation]:
    _require(actor, VALIDATE, "assegnare le preparazioni alle cappe")
    with transaction.atomic():
        session = WorkSession.objects.select_related("hood").filter(pk=session_id).first()
        if session is None or session.ended_at is not None:
            raise NotFound("Sessione inesistente o chiusa.", code="session_not_found")
        done = []
        for pk in preparation_ids:
            prep = _locked_prep(pk)
            fields = _fire(prep, PrepEvent.ASSIGN)
            prep.session, prep.hood, prep.technician = session, session.hood, session.technician
            _save(prep, actor, [*fields, "session", "hood", "technician"])
            audit_record(
                event=events.PREPARATION_ASSIGNED,
                actor=actor,
                workstation=workstation,
                target=prep,
                patient_id=prep.order.patient_id,
                after={"hood": session.hood.code, "technician": session.technician.username},
            )
            done.append(prep)
    return done


def leftovers_expire_stale(*, now: datetime | None = None) -> int:
    """Open leftovers past their stability become expired (run before every read)."""
    return Leftover.objects.filter(state=LeftoverState.OPEN, expires_at__lte=_now(now)).update(
        state=LeftoverState.EXPIRED, updated_at=_now(now)
    )


def usable_leftovers(*, now: datetime) -> list[Leftover]:
    leftovers_expire_stale(now=now)
    return list(
        Leftover.objects.filter(state=LeftoverState.OPEN, expires_at__gt=now, volume_ml__gt=0)
        .select_related("product__ingredient", "product__biosimilar_of")
        .order_by("expires_at")
    )


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


def _unit_price(product: MedicinalProduct) -> Decimal:
    prices = [
        Decimal(p.price_eur) / p.units_per_pack
        for p in Pack.objects.filter(product=product, price_eur__isnull=False)
        if p.units_per_pack and p.price_eur is not None
    ]
    return min(prices).quantize(Decimal("0.01")) if prices else Decimal(0)


def vials_plan(
    *,
    actor: Any,
    workstation: Any,
    day: date,
    session_id: int | None = None,
    now: datetime | None = None,
    time_limit_s: float = 2.0,
) -> PlanSummary:
    """Plan the vials of the day's preparations not yet started (domain ``plan_vials``),
    offering the open leftovers that are still within their stability — never one past it."""
    _require(actor, VALIDATE, "pianificare i flaconi")
    moment = _now(now)
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
                "product__ingredient", "product__biosimilar_of", "order_item__ingredient"
            ).order_by("pk")
        )
        sizes: dict[str, VialSize] = {}
        stability: dict[str, Decimal | None] = {}
        datas: dict[str, ProductData] = {}
        doses: list[DoseNeed] = []
        skipped: list[str] = []
        for prep in preps:
            assert prep.product is not None  # filtered above
            try:
                data = product_data(prep.product)
                family = [product_data(p) for p in family_products(prep.product)]
            except CorsiaError as exc:
                skipped.append(f"{prep.label_code}: {exc.message}")
                continue
            for member, model in zip(family, family_products(prep.product), strict=True):
                datas[member.code] = member
                sizes[member.code] = VialSize(
                    member.code, member.family, member.strength_mg, _unit_price(model)
                )
            opened = data.opened_stability
            stability[data.family] = opened.hours if opened is not None else None
            need = dose_in_vial_units(prep, prep.product)
            doses.append(DoseNeed(f"P{prep.pk}", data.family, need, moment))
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
                    _save(prep, actor, ["planned_vials"])
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


# ---------------------------------------------------------------- at the hood


def _drawn_mg(prep: Preparation) -> Decimal:
    return sum((v.mg_drawn for v in prep.vials.all()), Decimal(0))


def _start(prep: Preparation, actor: Any, workstation: Any, moment: datetime) -> list[str]:
    if prep.state == PrepState.IN_PROGRESS:
        return []
    fields = _fire(prep, PrepEvent.START)
    prep.started_at = moment
    prep.technician = actor
    _milestone(
        actor,
        workstation,
        prep.order_id,
        OrderMilestone.PREPARATION_STARTED,
        f"UFA, preparazione {prep.label_code}",
    )
    return [*fields, "started_at", "technician"]


def _scan_refused_state(prep: Preparation) -> None:
    if prep.state not in (PrepState.VALIDATED, PrepState.ASSIGNED, PrepState.IN_PROGRESS):
        raise ConflictError(
            f"Preparazione «{prep.state_label}»: non si possono più aggiungere flaconi.",
            code="preparation_not_open",
        )


def _resolve(scanned: Any) -> tuple[dict[str, ResolvedPack], dict[str, Pack]]:
    keys = [k for k in (scanned.aic, scanned.gtin) if k]
    packs = list(Pack.objects.filter(aic__in=keys).select_related("product__ingredient")) + list(
        Pack.objects.filter(gtin__in=keys).select_related("product__ingredient")
    )
    resolved: dict[str, ResolvedPack] = {}
    by_key: dict[str, Pack] = {}
    for pack in packs:
        product = pack.product
        value = ResolvedPack(
            product_code=product.code,
            ingredient_code=product.ingredient.code,
            ingredient_name=product.ingredient.name_it,
            strength_mg=Decimal(product.strength or 0),
            formulation=formulation_of(product.formulation),
            strength_unit=product.strength_unit,
        )
        for key in (pack.aic, pack.gtin):
            if key:
                resolved[key], by_key[key] = value, pack
    return resolved, by_key


def preparation_scan(
    *,
    actor: Any,
    workstation: Any,
    preparation_id: int,
    barcode: str = "",
    lot: str = "",
    expiry: date | None = None,
    leftover_id: int | None = None,
    now: datetime | None = None,
) -> PreparationVial:
    """A vial (scanned pack) or an open leftover goes into the preparation.

    The pack must be of the prescribed ingredient, of a strength and product of the
    preparation's family, with lot and expiry, not expired (domain ``match_scanned_pack``);
    a refusal records nothing. What the vial holds beyond the dose becomes a leftover
    (kept while stable, waste at once when its stability is not documented).
    """
    _require(actor, PREPARE, "allestire preparazioni")
    moment = _now(now)
    with transaction.atomic():
        prep = _locked_prep(preparation_id)
        _scan_refused_state(prep)
        if prep.product is None or prep.blocking_reason:
            raise ConflictError(
                "Preparazione da completare dal farmacista prima dell'allestimento.",
                code="preparation_pending",
            )
        data = product_data(prep.product)
        family = {p.code: p for p in family_products(prep.product)}
        remaining = dose_in_vial_units(prep, prep.product) - _drawn_mg(prep)
        if remaining < DOSE_TOLERANCE_MG:
            raise ValidationFailed(
                "La dose è già tutta prelevata: questo flacone non serve.",
                code="dose_already_drawn",
                field="barcode",
            )
        fields: list[str] = []
        if leftover_id is not None:
            leftover = (
                Leftover.objects.select_for_update(of=("self",))
                .select_related("product__ingredient", "product__biosimilar_of")
                .filter(pk=leftover_id, state=LeftoverState.OPEN)
                .first()
            )
            if leftover is None:
                raise NotFound(
                    "Residuo inesistente o non più disponibile.", code="leftover_not_found"
                )
            leftover_data = product_data(leftover.product)
            check_leftover_use(
                leftover=LeftoverValue(
                    id=str(leftover.pk),
                    product=leftover_data,
                    lot=leftover.lot,
                    volume_ml=leftover.volume_ml,
                    opened_at=leftover.opened_at,
                    storage=StorageTemperature(leftover.storage),
                    protected_from_light=leftover.protected_from_light,
                    lot_expiry=leftover.lot_expiry,
                ),
                product=data,
                now=moment,
            )
            if moment >= leftover.expires_at:
                raise ValidationFailed(
                    f"Residuo lotto {leftover.lot} fuori stabilità: va eliminato.",
                    code="leftover_expired",
                    field="leftover",
                )
            mg = min(remaining, leftover.mg_available).quantize(MG_STEP)
            ml = (mg / leftover.concentration_mg_ml).quantize(ML_STEP, ROUND_HALF_UP)
            leftover.volume_ml = max(Decimal(0), leftover.volume_ml - ml)
            if leftover.volume_ml == 0:
                leftover.state = LeftoverState.USED
            leftover.updated_at = moment
            leftover.save(update_fields=["volume_ml", "state", "updated_at"])
            vial = PreparationVial.objects.create(
                preparation=prep,
                product=leftover.product,
                lot=leftover.lot,
                lot_expiry=leftover.lot_expiry,
                mg_drawn=mg,
                ml_drawn=ml,
                source=VialSource.LEFTOVER,
                leftover=leftover,
                scanned_at=moment,
                scanned_by=actor,
            )
        else:
            scanned = parse_pack_barcode(barcode)
            resolved, by_key = _resolve(scanned)
            found = next((resolved[k] for k in (scanned.aic, scanned.gtin) if k in resolved), None)
            strength = (
                found.strength_mg
                if found is not None and found.product_code in family
                else data.strength_mg
            )
            accepted = match_scanned_pack(
                expected=ExpectedVial(
                    ingredient_code=data.ingredient_code,
                    ingredient_name=data.ingredient_name,
                    strength_mg=strength,
                    product_codes=frozenset(family),
                    formulation=formulation_of(prep.formulation),
                    strength_unit=data.strength_unit,
                ),
                scanned=scanned,
                packs=resolved,
                now=timezone.localtime(moment),
                lot=lot,
                expiry=expiry,
            )
            product = family[accepted.product_code]
            vial_data = product_data(product)
            mg = min(remaining, vial_data.strength_mg).quantize(MG_STEP)
            ml = (mg / vial_data.concentration_mg_ml).quantize(ML_STEP, ROUND_HALF_UP)
            pack = next(by_key[k] for k in (scanned.aic, scanned.gtin) if k in by_key)
            vial = PreparationVial.objects.create(
                preparation=prep,
                product=product,
                pack=pack,
                lot=accepted.lot,
                lot_expiry=accepted.expiry,
                mg_drawn=mg,
                ml_drawn=ml,
                source=VialSource.NEW,
                barcode=barcode.strip()[:120],
                scanned_at=moment,
                scanned_by=actor,
            )
            excess = vial_data.strength_mg - mg
            if excess > 0:
                _leftover_from(
                    prep=prep,
                    vial=vial,
                    data=vial_data,
                    excess_mg=excess,
                    actor=actor,
                    workstation=workstation,
                    moment=moment,
                )
        fields += _start(prep, actor, workstation, moment)
        if fields:
            _save(prep, actor, fields)
        audit_record(
            event=events.VIAL_SCANNED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            after={
                "product": vial.product.code,
                "lot": vial.lot,
                "expiry": vial.lot_expiry.isoformat(),
                "mg": str(vial.mg_drawn),
                "source": vial.source,
            },
        )
    return vial


def _leftover_from(
    *,
    prep: Preparation,
    vial: PreparationVial,
    data: ProductData,
    excess_mg: Decimal,
    actor: Any,
    workstation: Any,
    moment: datetime,
) -> Leftover:
    opened = data.opened_stability
    storage = opened.temperature if opened is not None else StorageTemperature.REFRIGERATED
    expires = leftover_expiry(
        product=data,
        opened_at=timezone.localtime(moment),
        storage=storage,
        protected_from_light=True,
        lot_expiry=vial.lot_expiry,
    )
    leftover = Leftover.objects.create(
        product=vial.product,
        lot=vial.lot,
        lot_expiry=vial.lot_expiry,
        concentration_mg_ml=data.concentration_mg_ml,
        volume_ml=(excess_mg / data.concentration_mg_ml).quantize(ML_STEP, ROUND_HALF_UP),
        opened_at=moment,
        expires_at=expires,
        storage=storage.value,
        protected_from_light=True,
        state=LeftoverState.OPEN if expires > moment else LeftoverState.WASTED,
        from_preparation=prep,
        hood=prep.hood,
    )
    audit_record(
        event=events.LEFTOVER_CREATED,
        actor=actor,
        workstation=workstation,
        target=leftover,
        after={
            "product": vial.product.code,
            "lot": vial.lot,
            "ml": str(leftover.volume_ml),
            "expires_at": expires.isoformat(),
            "state": leftover.state,
        },
    )
    return leftover


def _tolerance_percent() -> Decimal:
    return Decimal(str(settings.CORSIA_COMPOUNDING_GRAVIMETRIC_TOLERANCE_PERCENT))


def hood_scale(hood: Hood | None) -> Scale | None:
    """The balance configured on the hood station (URL and protocol); ``None`` if none."""
    if hood is None:
        return None
    return scale_from_settings(
        url=hood.scale_url,
        protocol=hood.scale_protocol,
        scale_id=hood.scale_id,
        baudrate=hood.scale_baudrate,
    )


@dataclass(frozen=True)
class WeightReading:
    """A weight and where it came from: read from a scale, or typed with a reason."""

    grams: Decimal
    source: WeightSource
    scale_id: str = ""
    reason: str = ""


def _reading(
    *,
    preparation_id: int,
    measured_g: Decimal | None,
    scale: Scale | None,
    read_scale: bool,
    typed_reason: str,
) -> WeightReading:
    """Read the balance (outside any transaction: no lock held across serial/network I/O)
    or take the typed weight, which needs a reason."""
    if read_scale and scale is None:
        scale = hood_scale(Hood.objects.filter(preparations__pk=preparation_id).first())
        if scale is None:
            raise ValidationFailed(
                "Nessuna bilancia configurata per la cappa di questa preparazione: "
                "digitare il peso indicando il motivo.",
                code="scale_not_configured",
                field="measured_g",
            )
    if scale is not None:
        return WeightReading(scale.read_grams(), WeightSource.SCALE, scale_id=scale.scale_id)
    if measured_g is None:
        raise ValidationFailed("Indicare il peso misurato.", field="measured_g")
    if not typed_reason.strip():
        raise ValidationFailed(
            "Peso digitato a mano: indicare il motivo (bilancia guasta, non collegata...).",
            code="typed_weight_reason_required",
            field="typed_reason",
        )
    return WeightReading(measured_g, WeightSource.TYPED, reason=typed_reason.strip())


def preparation_weigh_before(
    *,
    actor: Any,
    workstation: Any,
    preparation_id: int,
    measured_g: Decimal | None = None,
    scale: Scale | None = None,
    read_scale: bool = False,
    typed_reason: str = "",
    now: datetime | None = None,
) -> Preparation:
    """Weigh the bag before the drug is added (the reference of the drug-mass check)."""
    _require(actor, PREPARE, "allestire preparazioni")
    reading = _reading(
        preparation_id=preparation_id,
        measured_g=measured_g,
        scale=scale,
        read_scale=read_scale,
        typed_reason=typed_reason,
    )
    if reading.grams <= 0:
        raise GravimetricInputInvalid(
            "Il peso della sacca deve essere maggiore di zero.", field="measured_g"
        )
    moment = _now(now)
    with transaction.atomic():
        prep = _locked_prep(preparation_id)
        if prep.state not in (PrepState.VALIDATED, PrepState.ASSIGNED, PrepState.IN_PROGRESS):
            raise ConflictError(
                f"Preparazione «{prep.state_label}»: la sacca si pesa prima dell'aggiunta.",
                code="preparation_not_open",
            )
        prep.bag_before_g = reading.grams
        prep.bag_before_source = reading.source.value
        prep.bag_before_scale_id = reading.scale_id
        prep.bag_before_reason = reading.reason
        prep.bag_before_at = moment
        prep.bag_before_by = actor
        _save(
            prep,
            actor,
            [
                "bag_before_g",
                "bag_before_source",
                "bag_before_scale_id",
                "bag_before_reason",
                "bag_before_at",
                "bag_before_by",
            ],
        )
        audit_record(
            event=events.BAG_WEIGHED_BEFORE,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            reason=reading.reason,
            after={
                "grams": str(reading.grams),
                "source": reading.source.value,
                "scale": reading.scale_id,
                "typed": reading.source is WeightSource.TYPED,
            },
        )
    return prep


def preparation_weigh(
    *,
    actor: Any,
    workstation: Any,
    preparation_id: int,
    measured_g: Decimal | None = None,
    scale: Scale | None = None,
    read_scale: bool = False,
    typed_reason: str = "",
    now: datetime | None = None,
) -> Weighing:
    """Gravimetric check on the drug's own mass (domain ``drug_mass_check``): the bag
    after the addition minus the bag before it, against Σ volume drawn × density, within
    the hospital's tolerance (``CORSIA_COMPOUNDING_GRAVIMETRIC_TOLERANCE_PERCENT``).
    Recorded pass or fail; a fail keeps the preparation in progress, so it cannot be
    released. The weight is read from the hood's scale or typed with a reason (marked)."""
    _require(actor, PREPARE, "allestire preparazioni")
    reading = _reading(
        preparation_id=preparation_id,
        measured_g=measured_g,
        scale=scale,
        read_scale=read_scale,
        typed_reason=typed_reason,
    )
    moment = _now(now)
    tolerance = _tolerance_percent()
    with transaction.atomic():
        prep = _locked_prep(preparation_id)
        if prep.state != PrepState.IN_PROGRESS:
            raise ConflictError(
                f"Preparazione «{prep.state_label}»: si pesa quando è in allestimento.",
                code="preparation_not_in_progress",
            )
        vials = list(prep.vials.select_related("product", "leftover"))
        drawn = sum((v.mg_drawn for v in vials), Decimal(0))
        assert prep.product is not None  # in progress: completed with a product
        vial_unit = prep.product.strength_unit
        if dose_in_vial_units(prep, prep.product) - drawn >= DOSE_TOLERANCE_MG:
            missing = dose_in_vial_units(prep, prep.product) - drawn
            raise ValidationFailed(
                f"Mancano {missing.normalize():f} {vial_unit} da "
                "prelevare: leggere i flaconi prima della pesata.",
                code="dose_not_drawn",
                field="barcode",
            )
        if prep.bag_before_g is None:
            raise ValidationFailed(
                "Pesare la sacca prima dell'aggiunta del farmaco: senza quel peso il "
                "controllo sulla massa del farmaco è impossibile.",
                code="bag_not_weighed_before",
                field="before_g",
            )
        result = drug_mass_check(
            before_g=prep.bag_before_g,
            after_g=reading.grams,
            additions=[
                DrugAddition(v.product.name, v.ml_drawn, v.product.density_g_ml) for v in vials
            ],
            tolerance_percent=tolerance,
            assume_unit_density=settings.CORSIA_COMPOUNDING_ASSUME_UNIT_DENSITY,
        )
        typed_reasons = [r for r in (prep.bag_before_reason, reading.reason) if r]
        weighing = Weighing.objects.create(
            preparation=prep,
            tare_g=prep.bag_before_g,
            measured_g=reading.grams,
            source=reading.source.value,
            before_source=prep.bag_before_source or WeightSource.TYPED,
            scale_id=reading.scale_id or prep.bag_before_scale_id,
            typed_reason=" / ".join(typed_reasons),
            added_g=result.added_g,
            expected_added_g=result.expected_added_g,
            density_assumed=result.density_assumed,
            expected_g=(prep.bag_before_g + result.expected_added_g).quantize(ML_STEP),
            deviation_g=result.deviation_g,
            deviation_percent=result.deviation_percent,
            drug_deviation_percent=result.deviation_percent,
            tolerance_percent=tolerance,
            basis="drug",
            passed=result.passed,
            message=result.message[:300],
            recorded_by=actor,
            recorded_at=moment,
        )
        if result.passed:
            fields = _fire(prep, PrepEvent.WEIGHING_PASSED)
            prep.ended_at = moment
            opened = [v.leftover.opened_at for v in vials if v.leftover is not None]
            opened += [v.scanned_at for v in vials if v.source == VialSource.NEW]
            local = timezone.localtime(moment)
            lot_ends = [lot_end(v.lot_expiry, local.tzinfo) for v in vials]  # type: ignore[arg-type]  # localtime is aware
            _apply_completion(
                prep,
                prep.product,
                prepared_at=prep.started_at or moment,
                opened_at=min(opened, default=None),
                diluent=prep.diluent,
                bag_volume_ml=prep.bag_volume_ml,
                lot_expires_at=min(lot_ends, default=None),
            )
            _save(prep, actor, [*fields, "ended_at", *_COMPLETION_FIELDS])
            ExposureRecord.objects.create(
                operator=prep.technician or actor,
                ingredient=prep.order_item.ingredient,
                hood=prep.hood,
                preparation=prep,
                started_at=prep.started_at or moment,
                ended_at=moment,
            )
        audit_record(
            event=events.WEIGHING_RECORDED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            reason=weighing.typed_reason,
            after={
                "before_g": str(prep.bag_before_g),
                "after_g": str(reading.grams),
                "added_g": str(result.added_g),
                "expected_added_g": str(result.expected_added_g),
                "deviation_percent": str(result.deviation_percent),
                "density_assumed": result.density_assumed,
                "passed": result.passed,
                "source": weighing.source,
                "typed": weighing.typed,
                "scale": weighing.scale_id,
            },
        )
    return weighing


def _stock_unload_after_release(prep: Preparation, actor: Any, workstation: Any) -> None:
    """Unload every new vial the preparation used from the stock that holds its lot,
    charged to the cost centre of the order's ward.

    The release is a clinical act and is not blocked by the stock: when the lot is not in
    the stock (or not enough of it), the shortfall is recorded as an audit event for the
    pharmacist to rectify the stock, and the release goes on.
    """
    ward_id = prep.order.ward_id
    cost_center = (
        CostCenter.objects.filter(ward_id=ward_id).order_by("code").first() if ward_id else None
    )
    for vial in prep.vials.filter(source=VialSource.NEW).select_related("product"):
        held = (
            StockLot.objects.filter(product=vial.product, lot=vial.lot, quantity__gt=0)
            .select_related("location")
            .order_by("location__pick_order", "location__code")
            .first()
        )
        problem = ""
        if cost_center is None:
            problem = "reparto della prescrizione senza centro di costo"
        elif held is None:
            problem = f"lotto {vial.lot} di {vial.product.name} non presente in magazzino"
        else:
            try:
                with transaction.atomic():
                    stock_unload(
                        actor=actor,
                        workstation=workstation,
                        product=vial.product,
                        quantity=1,
                        location=held.location,
                        cost_center=cost_center,
                        reference=f"preparation:{prep.label_code}",
                        lot=vial.lot,
                        now=prep.released_at or timezone.now(),
                        patient=prep.order.patient,
                    )
            except CorsiaError as error:
                problem = error.message
        audit_record(
            event=events.STOCK_NOT_UNLOADED if problem else events.STOCK_UNLOADED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            after={"product": vial.product.code, "lot": vial.lot, "problem": problem},
        )


def _ensure_independent_releaser(prep: Preparation, actor: Any) -> None:
    preparers = {prep.technician_id, prep.bag_before_by_id}
    preparers |= set(prep.vials.values_list("scanned_by_id", flat=True))
    preparers |= set(prep.weighings.values_list("recorded_by_id", flat=True))
    if actor.pk in preparers:
        raise PermissionRefused(
            "Hai allestito o pesato questa preparazione: il rilascio spetta a un altro "
            "farmacista (doppio controllo indipendente).",
            code="release_by_preparer",
            details={"preparation": prep.label_code},
        )


def preparation_release(
    *, actor: Any, workstation: Any, preparation_id: int, now: datetime | None = None
) -> Preparation:
    """The pharmacist releases a weighed preparation (last weighing within tolerance).

    Independent check: whoever prepared it (scanned a vial, weighed the bag or the
    preparation, or is its technician) cannot release it (``release_by_preparer``)."""
    _require(actor, RELEASE, "rilasciare le preparazioni")
    moment = _now(now)
    with transaction.atomic():
        prep = _locked_prep(preparation_id)
        _ensure_independent_releaser(prep, actor)
        last = prep.weighings.order_by("-recorded_at", "-pk").first()
        if last is None or not last.passed:
            raise ConflictError(
                "Controllo gravimetrico assente o fuori tolleranza: la preparazione non può "
                "essere rilasciata.",
                code="gravimetric_not_passed",
            )
        fields = _fire(prep, PrepEvent.RELEASE)
        prep.released_by, prep.released_at = actor, moment
        _save(prep, actor, [*fields, "released_by", "released_at"])
        _stock_unload_after_release(prep, actor, workstation)
        audit_record(
            event=events.PREPARATION_RELEASED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            after={"label": prep.label_code},
        )
        open_left = (
            Preparation.objects.filter(order_id=prep.order_id, scheduled_date=prep.scheduled_date)
            .exclude(state__in=[PrepState.RELEASED, PrepState.CHECKED_OUT, PrepState.REJECTED])
            .exists()
        )
        if not open_left:
            _milestone(
                actor,
                workstation,
                prep.order_id,
                OrderMilestone.PREPARATION_COMPLETED,
                f"UFA, preparazioni del {prep.scheduled_date:%d/%m/%Y} rilasciate",
            )
    return prep


def preparation_reject(
    *, actor: Any, workstation: Any, preparation_id: int, reason: str
) -> Preparation:
    _require(actor, RELEASE, "scartare le preparazioni")
    if not reason.strip():
        raise ValidationFailed(
            "Indicare il motivo dello scarto.", code="reason_required", field="reason"
        )
    with transaction.atomic():
        prep = _locked_prep(preparation_id)
        fields = _fire(prep, PrepEvent.REJECT)
        prep.state_reason = reason.strip()
        _save(prep, actor, [*fields, "state_reason"])
        audit_record(
            event=events.PREPARATION_REJECTED,
            actor=actor,
            workstation=workstation,
            target=prep,
            patient_id=prep.order.patient_id,
            reason=reason.strip(),
        )
    return prep


# ---------------------------------------------------------------- check-out, transport


def checkout_record(
    *,
    actor: Any,
    workstation: Any,
    order_id: int,
    day: date,
    label_codes: Sequence[str],
    delivery_document: str,
    now: datetime | None = None,
) -> CheckOut:
    """Put the day's preparations of one order into the patient bag.

    Reconciled against the order: every active pharmacy drug of that day must have a
    released preparation whose label was scanned; a missing one, a label of another
    order or an unreleased preparation refuses the whole bag (nothing recorded).

    Intrathecal preparations travel in their own bag (NHS England intrathecal
    chemotherapy guidance; ISMP): a bag holds either only intrathecal preparations or none
    (``checkout_intrathecal_mixed``), and the scanned labels say which bag this is; the
    day's drugs of the other kind go in the other bag. A vinca alkaloid ordered by any
    route but intravenous never leaves the pharmacy (``checkout_vinca_not_iv``).
    """
    _require(actor, PREPARE, "fare il check-out delle preparazioni")
    moment = _now(now)
    if not delivery_document.strip():
        raise ValidationFailed(
            "Indicare il numero del documento di consegna.", field="delivery_document"
        )
    with transaction.atomic():
        order = TherapyOrder.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound("Prescrizione inesistente.", code="order_not_found")
        scanned_ids: set[int] = set()
        for code in label_codes:
            if not code.strip():
                continue
            pk = preparation_id_from_label(code)
            if pk is None:
                raise ValidationFailed(
                    f"«{code.strip()}» non è un'etichetta di preparazione.",
                    code="label_unreadable",
                    field="labels",
                )
            scanned_ids.add(pk)
        day_items = [i for i in pharmacy_items(order) if i.scheduled_date == day]
        day_preps = {
            p.order_item_id: p
            for p in Preparation.objects.select_for_update(of=("self",))
            .filter(order_id=order.pk, scheduled_date=day)
            .exclude(state=PrepState.REJECTED)
            .select_related("order_item__ingredient")
        }
        intrathecal = _bag_route(day_preps.values(), scanned_ids)
        expected_items = [i for i in day_items if is_intrathecal(i.route) == intrathecal]
        preps = {
            item_id: p
            for item_id, p in day_preps.items()
            if is_intrathecal(p.route or p.order_item.route) == intrathecal
        }
        foreign = scanned_ids - {p.pk for p in day_preps.values()}
        if foreign:
            raise ValidationFailed(
                "Etichetta di un'altra prescrizione o di un altro giorno: "
                f"{', '.join(preparation_label_code(i) for i in sorted(foreign))}. "
                "Toglierla dal sacchetto.",
                code="checkout_foreign_label",
                field="labels",
            )
        missing: list[str] = []
        for item in expected_items:
            prep = preps.get(item.pk)
            name = item.ingredient.name_it
            if prep is None:
                missing.append(f"{name} (preparazione non creata)")
            elif prep.state != PrepState.RELEASED:
                missing.append(f"{name} {prep.label_code} ({prep.state_label.lower()})")
            elif prep.pk not in scanned_ids:
                missing.append(f"{name} {prep.label_code} (non letta)")
        if not expected_items:
            raise ValidationFailed(
                "Nessuna preparazione prevista per questo giorno.", code="checkout_nothing"
            )
        if missing:
            raise ValidationFailed(
                "Sacchetto incompleto: mancano " + "; ".join(missing) + ".",
                code="checkout_incomplete",
                field="labels",
                details={"missing": missing},
            )
        _vinca_only_iv(preps.values())
        if CheckOut.objects.filter(order=order, day=day, intrathecal=intrathecal).exists():
            raise ConflictError(
                f"Il sacchetto {'intratecale ' if intrathecal else ''}di questo giorno è già "
                "stato registrato.",
                code="checkout_already_recorded",
            )
        checkout = CheckOut.objects.create(
            order=order,
            day=day,
            delivery_document=delivery_document.strip(),
            checked_out_by=actor,
            checked_out_at=moment,
            intrathecal=intrathecal,
        )
        for prep in preps.values():
            fields = _fire(prep, PrepEvent.CHECK_OUT)
            prep.checkout = checkout
            _save(prep, actor, [*fields, "checkout"])
        if all(p.checkout_id is not None for p in day_preps.values()):  # both bags are out
            _milestone(
                actor,
                workstation,
                order.pk,
                OrderMilestone.DELIVERED,
                f"check-out, documento di consegna {checkout.delivery_document}",
            )
        audit_record(
            event=events.CHECKED_OUT,
            actor=actor,
            workstation=workstation,
            target=checkout,
            patient_id=order.patient_id,
            after={
                "document": checkout.delivery_document,
                "preparations": sorted(p.label_code or "" for p in preps.values()),
                "intrathecal": intrathecal,
            },
        )
    return checkout


def _bag_route(day_preps: Iterable[Preparation], scanned_ids: set[int]) -> bool:
    """True when the scanned labels make an intrathecal bag; refuses a mix."""
    scanned = [p for p in day_preps if p.pk in scanned_ids]
    kinds = {is_intrathecal(p.route or p.order_item.route) for p in scanned}
    if len(kinds) > 1:
        names = ", ".join(
            f"{p.order_item.ingredient.name_it} {p.label_code}"
            for p in scanned
            if is_intrathecal(p.route or p.order_item.route)
        )
        raise ValidationFailed(
            f"Le preparazioni INTRATECALI ({names}) viaggiano in un sacchetto separato: "
            "toglierle da questo sacchetto e fare un check-out a parte.",
            code="checkout_intrathecal_mixed",
            field="labels",
        )
    return kinds == {True}


def _vinca_only_iv(preps: Iterable[Preparation]) -> None:
    for prep in preps:
        ingredient = prep.order_item.ingredient
        route = prep.route or prep.order_item.route
        atc = [ingredient.atc_code, *(ingredient.other_atc_codes or [])]
        if is_vinca_alkaloid(atc) and route != INTRAVENOUS_ROUTE:
            raise ValidationFailed(
                f"{ingredient.name_it} {prep.label_code}: alcaloide della vinca per via "
                f"«{route}». Solo per uso endovenoso, fatale per altre vie: non consegnare, "
                "avvisare il medico.",
                code="checkout_vinca_not_iv",
                field="labels",
            )


def transport_import(
    *, actor: Any, workstation: Any, checkout_id: int, file_name: str, content: str
) -> TransportLog:
    """Import the data logger's CSV for a patient bag and judge it against the storage
    its preparations need (refrigerated if any of them is)."""
    _require(actor, PREPARE, "registrare il trasporto")
    with transaction.atomic():
        checkout = CheckOut.objects.select_for_update().filter(pk=checkout_id).first()
        if checkout is None:
            raise NotFound("Check-out inesistente.", code="checkout_not_found")
        storages = set(checkout.preparations.values_list("storage", flat=True))
        storage = (
            StorageTemperature.REFRIGERATED
            if StorageTemperature.REFRIGERATED.value in storages
            else StorageTemperature.ROOM
        )
        readings = parse_transport_csv(content)
        summary = summarise_transport(readings, storage)
        log = TransportLog.objects.create(
            checkout=checkout,
            file_name=file_name[:200],
            storage=storage.value,
            readings=[[r.at.isoformat(), str(r.celsius)] for r in readings],
            minimum_c=summary.minimum,
            maximum_c=summary.maximum,
            excursions=len(summary.excursions),
            imported_by=actor,
        )
        audit_record(
            event=events.TRANSPORT_IMPORTED,
            actor=actor,
            workstation=workstation,
            target=log,
            patient_id=checkout.order.patient_id,
            after={
                "readings": len(readings),
                "min": str(summary.minimum),
                "max": str(summary.maximum),
                "excursions": len(summary.excursions),
            },
        )
    return log


def transport_record(
    *,
    actor: Any,
    workstation: Any,
    checkout_id: int,
    minimum_c: Decimal,
    maximum_c: Decimal,
) -> TransportLog:
    """Record the minimum and maximum a min/max thermometer read over the transport of a
    patient bag (no data logger). Judged like a logger's readings: against the storage of
    the bag's preparations; outside range the bedside blocks until a pharmacist releases."""
    _require(actor, PREPARE, "registrare il trasporto")
    minimum, maximum = min_max_readings(minimum=minimum_c, maximum=maximum_c)
    with transaction.atomic():
        checkout = CheckOut.objects.select_for_update().filter(pk=checkout_id).first()
        if checkout is None:
            raise NotFound("Check-out inesistente.", code="checkout_not_found")
        storages = set(checkout.preparations.values_list("storage", flat=True))
        storage = (
            StorageTemperature.REFRIGERATED
            if StorageTemperature.REFRIGERATED.value in storages
            else StorageTemperature.ROOM
        )
        excursion = outside_range(storage, minimum, maximum)
        log = TransportLog.objects.create(
            checkout=checkout,
            file_name="",
            storage=storage.value,
            readings=[],
            minimum_c=minimum,
            maximum_c=maximum,
            excursions=1 if excursion else 0,
            imported_by=actor,
        )
        audit_record(
            event=events.TRANSPORT_IMPORTED,
            actor=actor,
            workstation=workstation,
            target=log,
            patient_id=checkout.order.patient_id,
            after={"min": str(minimum), "max": str(maximum), "excursion": excursion},
        )
    return log


def transport_excursion_release(
    *, actor: Any, workstation: Any, transport_id: int, reason: str
) -> TransportLog:
    """The pharmacist releases a patient bag after a transport temperature excursion (the
    drugs' stability data allow it), with the reason: the only way the bedside accepts
    those preparations again. Audited; a record in range needs no release."""
    _require(actor, RELEASE, "rilasciare dopo un'escursione di temperatura")
    if not reason.strip():
        raise ValidationFailed(
            "Indicare il motivo del rilascio (dati di stabilità consultati).",
            code="reason_required",
            field="reason",
        )
    with transaction.atomic():
        log = (
            TransportLog.objects.select_for_update()
            .select_related("checkout__order")
            .filter(pk=transport_id)
            .first()
        )
        if log is None:
            raise NotFound("Registrazione del trasporto inesistente.", code="transport_not_found")
        if log.excursions == 0:
            raise ConflictError(
                "Temperatura di trasporto nell'intervallo: non c'è nulla da rilasciare.",
                code="transport_in_range",
            )
        if log.released_at is not None:
            raise ConflictError(
                "Escursione già rilasciata dal farmacista.", code="transport_already_released"
            )
        log.released_by = actor
        log.released_at = timezone.now()
        log.release_reason = reason.strip()
        log.save(update_fields=["released_by", "released_at", "release_reason"])
        audit_record(
            event=events.TRANSPORT_EXCURSION_RELEASED,
            actor=actor,
            workstation=workstation,
            target=log,
            patient_id=log.checkout.order.patient_id,
            before={"released": False},
            after={"released": True, "min": str(log.minimum_c), "max": str(log.maximum_c)},
            reason=log.release_reason,
        )
    return log
