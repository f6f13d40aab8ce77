"""Record a dispensing at the desk from the packs scanned: every check first, then the
stock unloaded (``inventory.services.stock_unload``, to the patient and the cost centre),
all in one transaction: a refusal leaves the stock as it was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, workstation_label
from corsia.core.domain.errors import ConflictError, CorsiaError, NotFound, ValidationFailed
from corsia.dispensing import audit_events as events
from corsia.dispensing.domain.coverage import days_covered, next_due_date
from corsia.dispensing.domain.delegation import delegation_valid_on
from corsia.dispensing.domain.plans import PlanTerms, require_plan_covers
from corsia.dispensing.models import (
    Collector,
    Delegation,
    Dispensing,
    DispensingKind,
    DispensingLine,
    PlanClosure,
    TherapyPlan,
)
from corsia.dispensing.services.common import (
    clean_text,
    daily_units_of,
    discharge_max_days,
    lock_patient,
    patient_identified,
    prescriber_get,
    require_dispense,
)
from corsia.dispensing.services.interactions import desk_interactions
from corsia.dispensing.services.orders import require_order_covers
from corsia.drugs.selectors import pack_find_by_barcode, product_get
from corsia.drugs.services_pack_market import pack_market, pack_scan_check
from corsia.inventory import selectors as stock
from corsia.inventory import services as inventory
from corsia.inventory.domain.file_f import DIRECT_DISTRIBUTION_REFERENCE

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct, Pack

MAX_SCANS = 60


@dataclass(frozen=True)
class DispensingInput:
    patient_code: str  # codice fiscale (or STP/ENI) read from the health card or typed
    kind: str  # DispensingKind
    prescriber_id: int
    scans: Sequence[str]  # one pack barcode per pack handed over
    location_code: str
    cost_center_code: str
    product_code: str = ""  # a plan's dispensing takes the plan's
    plan_id: int | None = None
    daily_units: Decimal | None = None  # a plan's dispensing takes the plan's
    collected_by: str = Collector.PATIENT
    delegation_id: int | None = None
    registry_record: str = ""
    order_id: int | None = None  # an oral chemotherapy order (kind prescription)
    # H59: a contraindicated interaction with the patient's other therapies needs a reason,
    # a major one an acknowledgement (``prescribing.interactions_check``)
    interaction_override_reason: str = ""
    interaction_acknowledged: bool = False
    # H62: a pharmacist's reason to hand over a pack withdrawn from the market
    withdrawn_override_reason: str = ""


@dataclass(frozen=True)
class _Scan:
    pack: Pack
    lot: str
    expiry: date | None
    serial: str


@dataclass
class _Group:
    pack: Pack
    lot: str
    units: int = 0
    scans: list[int] = field(default_factory=list)


def dispensing_reference(pk: int) -> str:
    """The stock movements' reference: the direct distribution's File F selects them by it."""
    return f"{DIRECT_DISTRIBUTION_REFERENCE}{pk}"


def _scans(raw: Sequence[str], today: date) -> list[_Scan]:
    if not raw:
        raise ValidationFailed(
            "Leggi il codice di almeno una confezione.", code="scans_required", field="scans"
        )
    if len(raw) > MAX_SCANS:
        raise ValidationFailed(
            f"Al massimo {MAX_SCANS} confezioni per dispensazione.",
            code="too_many_scans",
            field="scans",
        )
    result = []
    serials: set[tuple[int, str]] = set()
    for index, text in enumerate(raw):
        code = clean_text(text, f"scans.{index}", max_length=200, required="Codice vuoto.")
        pack, scan = pack_find_by_barcode(raw=code)
        expiry = date.fromisoformat(str(scan["expiry"])) if scan["expiry"] else None
        if expiry is not None and expiry < today:
            raise ConflictError(
                f"La confezione letta (lotto {scan['lot'] or '—'}) è scaduta il "
                f"{expiry:%d/%m/%Y}: non si dispensa.",
                code="lot_expired",
                field=f"scans.{index}",
                details={"lot": scan["lot"], "expiry": expiry.isoformat()},
            )
        serial = str(scan["serial"])
        if serial and (pack.pk, serial) in serials:
            raise ValidationFailed(
                "La stessa confezione (stesso numero seriale) è stata letta due volte.",
                code="pack_scanned_twice",
                field=f"scans.{index}",
            )
        serials.add((pack.pk, serial))
        result.append(_Scan(pack=pack, lot=str(scan["lot"]), expiry=expiry, serial=serial))
    return result


def scan_market_warnings(raw: Sequence[str]) -> list[str]:
    """The shortage warnings (AIFA) of the packs read, once each, for the desk to show: a
    pack in shortage is handed over, never refused. Unreadable codes are left out (the
    dispensing refuses them)."""
    warnings: list[str] = []
    for text in raw[:MAX_SCANS]:
        try:
            pack, _ = pack_find_by_barcode(raw=text.strip())
        except CorsiaError:
            continue
        warning = pack_market(pack).shortage_warning()
        if warning and warning not in warnings:
            warnings.append(warning)
    return warnings


def _kind(value: str) -> DispensingKind:
    try:
        return DispensingKind(value)
    except ValueError:
        raise ValidationFailed(
            "Tipo di dispensazione sconosciuto (dimissione, piano terapeutico o prescrizione).",
            code="kind_unknown",
            field="kind",
        ) from None


def _plan(plan_id: int | None, patient_id: int) -> TherapyPlan:
    if plan_id is None:
        raise ValidationFailed(
            "Indica il piano terapeutico.", code="plan_required", field="plan_id"
        )
    plan = TherapyPlan.objects.select_related("product__ingredient").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("Piano terapeutico non trovato.", code="plan_not_found")
    if plan.patient_id != patient_id:
        raise ValidationFailed(
            "Il piano terapeutico è di un altro paziente.",
            code="plan_other_patient",
            field="plan_id",
        )
    closure = PlanClosure.objects.filter(plan=plan).first()
    if closure is not None:
        raise ConflictError(
            f"Il piano terapeutico è stato chiuso il {closure.closed_on:%d/%m/%Y} "
            f"({closure.reason}): serve un piano nuovo.",
            code="plan_closed",
            field="plan_id",
        )
    return plan


def _check_product(scans: list[_Scan], product: MedicinalProduct) -> None:
    for index, scan in enumerate(scans):
        if scan.pack.product_id != product.pk:
            raise ValidationFailed(
                f"La confezione letta è {scan.pack.product.name}, non {product.name}: "
                f"non si dispensa.",
                code="wrong_drug",
                field=f"scans.{index}",
                details={"scanned": scan.pack.product.code, "expected": product.code},
            )


def _delegation(data: DispensingInput, patient_id: int, day: date) -> Delegation | None:
    if data.collected_by not in Collector.values:
        raise ValidationFailed(
            "Indica chi ritira: il paziente o un delegato.",
            code="collector_unknown",
            field="collected_by",
        )
    if data.collected_by == Collector.PATIENT:
        if data.delegation_id is not None:
            raise ValidationFailed(
                "Una delega è indicata ma ritira il paziente.",
                code="delegation_unexpected",
                field="delegation_id",
            )
        return None
    if data.delegation_id is None:
        raise ValidationFailed(
            "Il delegato può ritirare solo con una delega del paziente.",
            code="delegation_required",
            field="delegation_id",
        )
    delegation = (
        Delegation.objects.filter(pk=data.delegation_id, patient_id=patient_id)
        .select_related("revocation")
        .first()
    )
    revocation = getattr(delegation, "revocation", None) if delegation else None
    if delegation is None or not delegation_valid_on(
        valid_from=delegation.valid_from, valid_to=delegation.valid_to, day=day,
        revoked_on=revocation.revoked_on if revocation else None,
    ):  # fmt: skip
        raise ValidationFailed(
            "La delega non è valida oggi per questo paziente: il delegato non può ritirare.",
            code="delegation_invalid",
            field="delegation_id",
        )
    return delegation


def _groups(scans: list[_Scan]) -> list[_Group]:
    groups: dict[tuple[int, str], _Group] = {}
    for index, scan in enumerate(scans):
        group = groups.setdefault((scan.pack.pk, scan.lot), _Group(pack=scan.pack, lot=scan.lot))
        group.units += scan.pack.units_per_pack
        group.scans.append(index)
    return list(groups.values())


def dispensing_record(
    *, actor: User, workstation: Workstation, patient_id: int, data: DispensingInput, now: datetime
) -> Dispensing:
    """Dispense the scanned packs. Refusals (nothing written, stock unchanged):
    ``patient_mismatch``, ``kind_unknown``, ``plan_required``, ``plan_other_patient``,
    ``plan_expired``, ``plan_not_valid``, ``plan_exceeded``, ``wrong_drug``, ``lot_expired``,
    ``pack_not_found``, ``barcode_unreadable``, ``pack_scanned_twice``,
    ``registry_record_required``, ``delegation_required``, ``delegation_invalid``,
    ``daily_units_invalid``, ``first_cycle_too_long``, ``location_unknown``,
    ``cost_center_unknown``, ``stock_insufficient``, ``lot_not_found``, ``prescriber_unknown``,
    ``invalid_characters``, ``pack_withdrawn`` (a pack withdrawn from the market, unless a
    pharmacist gives ``withdrawn_override_reason``: audited); for an oral chemotherapy order (``order_id``): ``order_unexpected``,
    ``order_other_patient``, ``order_not_validated``, ``order_product_unexpected``,
    ``order_supply_exceeded``, ``order_not_found``."""
    require_dispense(actor)
    day = timezone.localdate(now)
    kind = _kind(data.kind)
    scans = _scans(data.scans, day)
    registry = clean_text(data.registry_record, "registry_record", max_length=60)
    with transaction.atomic():
        lock_patient(patient_id)
        patient = patient_identified(
            actor=actor, patient_id=patient_id, patient_code=data.patient_code
        )
        prescriber = prescriber_get(data.prescriber_id)
        for pack in {scan.pack.pk: scan.pack for scan in scans}.values():
            pack_scan_check(
                actor=actor,
                workstation=workstation,
                pack=pack,
                where="dispensazione diretta",
                override_reason=data.withdrawn_override_reason,
                patient_id=patient.pk,
                today=day,
            )
        plan = None
        if kind == DispensingKind.PLAN:
            plan = _plan(data.plan_id, patient.pk)
            product = plan.product
            daily = plan.daily_units
        else:
            if data.plan_id is not None:
                raise ValidationFailed(
                    "Un piano terapeutico è indicato: scegli il tipo «piano terapeutico».",
                    code="plan_unexpected",
                    field="plan_id",
                )
            code = clean_text(
                data.product_code, "product_code", max_length=120, required="Indica il farmaco."
            )
            product = product_get(code=code)
            daily = daily_units_of(data.daily_units)
        _check_product(scans, product)
        units = sum(scan.pack.units_per_pack for scan in scans)
        if plan is not None:
            dispensed = (
                Dispensing.objects.filter(plan=plan).aggregate(total=Sum("units"))["total"] or 0
            )
            require_plan_covers(
                PlanTerms(plan.daily_units, plan.valid_from, plan.valid_to, plan.max_units),
                day=day,
                dispensed_units=dispensed,
                units=units,
            )
        needs_registry = product.ingredient.aifa_registry or (
            plan is not None and plan.aifa_registry
        )
        if needs_registry and not registry:
            raise ValidationFailed(
                "Il farmaco è soggetto a registro di monitoraggio AIFA: indica il numero della "
                "scheda di dispensazione del registro.",
                code="registry_record_required",
                field="registry_record",
            )
        order_id = None
        if data.order_id is not None:
            if kind != DispensingKind.PRESCRIPTION:
                raise ValidationFailed(
                    "Una prescrizione di chemioterapia si dispensa con il tipo «prescrizione».",
                    code="order_unexpected",
                    field="order_id",
                )
            order_id = require_order_covers(
                actor=actor, workstation=workstation, order_id=data.order_id,
                patient_id=patient.pk, product=product, units=units,
            )  # fmt: skip
        delegation = _delegation(data, patient.pk, day)
        days = days_covered(units, daily)
        interactions = desk_interactions(
            actor=actor, workstation=workstation, patient_id=patient.pk, product=product,
            day=day, days=days, override_reason=data.interaction_override_reason,
            acknowledged=data.interaction_acknowledged,
        )  # fmt: skip
        if kind == DispensingKind.DISCHARGE and days > discharge_max_days():
            raise ValidationFailed(
                f"Il primo ciclo alla dimissione copre al massimo {discharge_max_days()} giorni "
                f"(qui {days}).",
                code="first_cycle_too_long",
                field="scans",
                details={"days": days, "max_days": discharge_max_days()},
            )
        location = stock.location_options().filter(code=data.location_code).first()
        if location is None:
            raise ValidationFailed(
                "Ubicazione di magazzino sconosciuta.", code="location_unknown", field="location"
            )
        cost_center = stock.cost_center_options().filter(code=data.cost_center_code).first()
        if cost_center is None:
            raise ValidationFailed(
                "Centro di costo sconosciuto.", code="cost_center_unknown", field="cost_center"
            )
        dispensing = Dispensing.objects.create(
            patient_id=patient.pk,
            prescriber=prescriber,
            kind=kind,
            plan=plan,
            product=product,
            units=units,
            daily_units=daily,
            days_covered=days,
            next_due_date=next_due_date(day, days),
            collected_by=data.collected_by,
            delegation=delegation,
            registry_record=registry,
            therapy_order_id=order_id,
            location=location,
            cost_center=cost_center,
            dispensed_by=actor,
            dispensed_at=now,
            workstation=workstation_label(workstation),
        )
        lines = []
        for group in _groups(scans):
            movements = inventory.stock_unload(
                actor=actor,
                workstation=workstation,
                product=product,
                quantity=group.units,
                location=location,
                cost_center=cost_center,
                reference=dispensing_reference(dispensing.pk),
                lot=group.lot or None,
                now=now,
                patient=patient,
            )
            for movement in movements:
                lines.append(
                    DispensingLine.objects.create(
                        dispensing=dispensing,
                        product=product,
                        pack=group.pack,
                        aic=group.pack.aic,
                        lot=movement.lot,
                        expiry=movement.expiry,
                        units=movement.quantity,
                        cost_center=cost_center,
                        movement=movement,
                    )
                )
        audit_record(
            event=events.DISPENSING_RECORDED,
            actor=actor,
            workstation=workstation,
            target=dispensing,
            patient_id=patient.pk,
            after={
                "kind": kind.value,
                "product": product.code,
                "units": units,
                "days_covered": days,
                "next_due_date": dispensing.next_due_date.isoformat(),
                "plan_id": plan.pk if plan else None,
                "collected_by": data.collected_by,
                "delegation_id": delegation.pk if delegation else None,
                "registry_record": registry,
                "therapy_order_id": order_id,
                "interactions": [f.as_json() for f in interactions],
                "lines": [
                    {"aic": line.aic, "lot": line.lot, "expiry": line.expiry.isoformat(),
                     "units": line.units}
                    for line in lines
                ],
            },
        )  # fmt: skip
    return dispensing
