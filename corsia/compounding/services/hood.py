"""At the hood: every vial that goes into a preparation is read first — a scanned pack
(of the prescribed ingredient, of a product of the preparation's family, with lot and
expiry, not expired: domain ``match_scanned_pack``) or an open leftover. The first vial
starts the preparation (and the order's "preparation started" milestone)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, ParamSpec

from django.db import transaction
from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.compounding import audit_events as events
from corsia.compounding.domain.product import ProductData
from corsia.compounding.domain.scan import ExpectedVial, ResolvedPack, match_scanned_pack
from corsia.compounding.domain.vial_code import read_vial_code
from corsia.compounding.domain.workflow import PrepEvent, PrepState
from corsia.compounding.models import (
    Leftover,
    LeftoverState,
    Preparation,
    PreparationVial,
    VialSource,
)
from corsia.compounding.products import family_products, product_data
from corsia.compounding.services.completion import dose_in_vial_units
from corsia.compounding.services.leftovers import leftover_draw, leftover_from_vial
from corsia.compounding.services.pgx_hold import ensure_preparation_not_held
from corsia.compounding.services.steps import (
    DOSE_TOLERANCE_MG,
    MG_STEP,
    ML_STEP,
    PREPARE,
    clock,
    fire,
    locked_preparation,
    milestone_record,
    save_preparation,
)
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.drugs import selectors as drugs
from corsia.drugs.domain.barcodes import ScannedPack
from corsia.drugs.domain.formulation import formulation_of
from corsia.drugs.services_pack_market import pack_scan_check
from corsia.prescribing.domain.states import OrderMilestone

if TYPE_CHECKING:
    from corsia.drugs.models import MedicinalProduct, Pack

P = ParamSpec("P")


def _drawn_mg(prep: Preparation) -> Decimal:
    return sum((v.mg_drawn for v in prep.vials.all()), Decimal(0))


def _start(prep: Preparation, actor: User, workstation: Workstation, moment: datetime) -> list[str]:
    if prep.state == PrepState.IN_PROGRESS:
        return []
    fields = fire(prep, PrepEvent.START)
    prep.started_at = moment
    prep.technician = actor
    milestone_record(
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


def _resolve(scanned: ScannedPack) -> tuple[dict[str, ResolvedPack], dict[str, Pack]]:
    resolved: dict[str, ResolvedPack] = {}
    by_key: dict[str, Pack] = {}
    for pack in drugs.packs_by_aic_or_gtin([scanned.aic, scanned.gtin]):
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


@dataclass(frozen=True)
class _AcceptedPack:
    """A scanned pack the worksheet accepts (domain ``match_scanned_pack``)."""

    product: MedicinalProduct
    pack: Pack
    lot: str
    expiry: date
    serial: str


def _accept_pack(
    *, prep: Preparation, data: ProductData, barcode: str, lot: str, expiry: date | None,
    moment: datetime,
) -> _AcceptedPack:  # fmt: skip
    """Read the code (``read_vial_code``) and check the pack against the preparation."""
    assert prep.product is not None  # checked by the caller
    family = {p.code: p for p in family_products(prep.product)}
    scanned = read_vial_code(barcode)
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
    return _AcceptedPack(
        product=family[accepted.product_code],
        pack=next(by_key[k] for k in (scanned.aic, scanned.gtin) if k in by_key),
        lot=accepted.lot,
        expiry=accepted.expiry,
        serial=scanned.serial[:40],
    )


def _opened_before(accepted: _AcceptedPack) -> Leftover | None:
    """The same vial (product, lot, GS1 serial) opened before: its open leftover, or a
    refusal when it has none left (used up, expired or thrown away)."""
    if not accepted.serial:
        return None
    leftover = (
        Leftover.objects.filter(product=accepted.product, lot=accepted.lot, serial=accepted.serial)
        .order_by("-opened_at")
        .first()
    )
    if leftover is not None and leftover.state == LeftoverState.OPEN:
        return leftover
    opened = PreparationVial.objects.filter(
        product=accepted.product, lot=accepted.lot, serial=accepted.serial, source=VialSource.NEW
    ).exists()
    if opened or leftover is not None:
        raise ValidationFailed(
            f"Flacone lotto {accepted.lot} seriale {accepted.serial} già aperto e senza "
            "residuo utilizzabile (esaurito, fuori stabilità o eliminato): prendere un "
            "altro flacone.",
            code="vial_already_opened",
            field="barcode",
            details={"lot": accepted.lot, "serial": accepted.serial},
        )
    return None


def _new_vial(
    *,
    prep: Preparation,
    accepted: _AcceptedPack,
    barcode: str,
    remaining_mg: Decimal,
    actor: User,
    workstation: Workstation,
    moment: datetime,
) -> PreparationVial:
    """A scanned pack of the preparation's family; what it holds beyond the dose becomes
    a leftover."""
    vial_data = product_data(accepted.product)
    mg = min(remaining_mg, vial_data.strength_mg).quantize(MG_STEP)
    ml = (mg / vial_data.concentration_mg_ml).quantize(ML_STEP, ROUND_HALF_UP)
    vial = PreparationVial.objects.create(
        preparation=prep,
        product=accepted.product,
        pack=accepted.pack,
        lot=accepted.lot,
        lot_expiry=accepted.expiry,
        serial=accepted.serial,
        mg_drawn=mg,
        ml_drawn=ml,
        source=VialSource.NEW,
        barcode=barcode.strip()[:120],
        scanned_at=moment,
        scanned_by=actor,
    )
    excess = vial_data.strength_mg - mg
    if excess > 0:
        leftover_from_vial(
            prep=prep,
            vial=vial,
            data=vial_data,
            excess_mg=excess,
            actor=actor,
            workstation=workstation,
            moment=moment,
        )
    return vial


@dataclass(frozen=True)
class VialScanned:
    """What a scan changed, for its answer: the vial recorded, what the dose still needs
    after it (in the vial's unit) and the shortage warning of its pack ("" when none)."""

    vial: PreparationVial
    remaining_mg: Decimal
    market_warning: str


def preparation_scan_answer(
    *,
    actor: User,
    workstation: Workstation,
    preparation_id: int,
    barcode: str = "",
    lot: str = "",
    expiry: date | None = None,
    leftover_id: int | None = None,
    now: datetime | None = None,
    withdrawn_override_reason: str = "",
) -> VialScanned:
    """A vial (scanned pack) or an open leftover goes into the preparation; returns what
    changed (the scan's answer, with nothing read again).

    A pack withdrawn from the market (``Pack.withdrawn_on`` on or before today) is refused
    (``pack_withdrawn``) unless a pharmacist gives ``withdrawn_override_reason`` (audited
    ``drugs.pack_withdrawn_overridden``); a shortage is only shown (``pack_market``).

    The pack must be of the prescribed ingredient, of a strength and product of the
    preparation's family, with lot and expiry, not expired (domain ``match_scanned_pack``);
    a refusal records nothing. What the vial holds beyond the dose becomes a leftover
    (kept while stable, waste at once when its stability is not documented).
    """
    require_permission(actor, PREPARE, "Non hai il permesso di allestire preparazioni.")
    moment = clock(now)
    with transaction.atomic():
        prep = locked_preparation(preparation_id)
        _scan_refused_state(prep)
        ensure_preparation_not_held(prep)
        if prep.product is None or prep.blocking_reason:
            raise ConflictError(
                "Preparazione da completare dal farmacista prima dell'allestimento.",
                code="preparation_pending",
            )
        data = product_data(prep.product)
        remaining = dose_in_vial_units(prep, prep.product) - _drawn_mg(prep)
        warning = ""
        if remaining < DOSE_TOLERANCE_MG:
            raise ValidationFailed(
                "La dose è già tutta prelevata: questo flacone non serve.",
                code="dose_already_drawn",
                field="barcode",
            )
        if leftover_id is not None:
            vial = leftover_draw(
                prep=prep,
                leftover_id=leftover_id,
                product=data,
                remaining_mg=remaining,
                actor=actor,
                moment=moment,
            )
        else:
            accepted = _accept_pack(
                prep=prep, data=data, barcode=barcode, lot=lot, expiry=expiry, moment=moment
            )
            verdict = pack_scan_check(
                actor=actor,
                workstation=workstation,
                pack=accepted.pack,
                where=f"allestimento {prep.label_code}",
                override_reason=withdrawn_override_reason,
                patient_id=prep.order.patient_id,
                today=timezone.localdate(moment),
            )
            reopened = _opened_before(accepted)
            if reopened is not None:  # the same vial again: draw from what it has left
                vial = leftover_draw(
                    prep=prep,
                    leftover_id=reopened.pk,
                    product=data,
                    remaining_mg=remaining,
                    actor=actor,
                    moment=moment,
                )
            else:
                vial = _new_vial(
                    prep=prep,
                    accepted=accepted,
                    barcode=barcode,
                    remaining_mg=remaining,
                    actor=actor,
                    workstation=workstation,
                    moment=moment,
                )
                warning = verdict.warning  # a pack opened now (a leftover has no pack)
        fields = _start(prep, actor, workstation, moment)
        if fields:
            save_preparation(prep, actor, fields)
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
    return VialScanned(
        vial=vial, remaining_mg=max(Decimal(0), remaining - vial.mg_drawn), market_warning=warning
    )


def _vial_only(scan: Callable[P, VialScanned]) -> Callable[P, PreparationVial]:
    """``scan`` for a caller that wants only the vial it recorded, with the same keywords."""

    def vial_only(*args: P.args, **kwargs: P.kwargs) -> PreparationVial:
        return scan(*args, **kwargs).vial

    return vial_only


preparation_scan = _vial_only(preparation_scan_answer)
"""A vial (scanned pack) or an open leftover goes into the preparation
(:func:`preparation_scan_answer`, the vial it recorded)."""
