"""Lifetime cumulative dose of a patient (rule R5, hazard H06): what the check counts,
where it reads it from, and the prior doses given elsewhere.

The arithmetic is pure (``domain/cumulative.py``); this module gathers its inputs:

* administered — through ``corsia.prescribing.given.doses_given``, the reader the
  administration module registers (partial administrations counted by volume given);
* committed — lines of this patient's other orders confirmed or later and not yet given;
* elsewhere — :class:`~corsia.prescribing.models.PriorDose` (append-only, corrected by
  a new record);
* this order — every active line of every day of the cycle.

It is called when an order's lines change (``order_cumulative_refresh``: blocks or
releases the lines), and again when the order is confirmed, validated by the pharmacist
and taken in charge (``order_cumulative_ensure``), under a lock on the patient so two
drafts cannot both pass.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from corsia.audit.services import access_log_record, audit_record
from corsia.core.actors import User, Workstation, require_permission, workstation_label
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.drugs.selectors import ingredient_get_by_id, ingredients_by_code
from corsia.patients.scope import ensure_patient_in_scope
from corsia.patients.selectors import patient_and_merged_ids, patient_record
from corsia.prescribing import audit_events as events
from corsia.prescribing.domain.cumulative import (
    CumulativeClass,
    DoseEvent,
    Limit,
    Source,
    Tally,
    UnitConversion,
    basis_for_limit_unit,
    ensure_within,
    parse_classes,
    parse_unit_conversions,
    tally,
)
from corsia.prescribing.domain.errors import CumulativeDoseExceeded
from corsia.prescribing.domain.states import OrderState
from corsia.prescribing.given import GivenDoseRecord, doses_given
from corsia.prescribing.models import ItemStatus, OrderItem, PriorDose, PriorDoseUnit, TherapyOrder

DATA = Path(__file__).resolve().parent / "data"
PRESCRIBE = "prescribing.prescribe"
VIEW = "prescribing.view_order"
BLOCK_CODE = CumulativeDoseExceeded.code
NEAR_CODE = "cumulative_near_limit"

# Orders whose lines count as committed (given or about to be).
COMMITTED_STATES = frozenset(
    s.value
    for s in (
        OrderState.CONFIRMED,
        OrderState.SENT_TO_PHARMACY,
        OrderState.VALIDATED,
        OrderState.TAKEN_IN_CHARGE,
        OrderState.IN_PREPARATION,
        OrderState.PREPARED,
        OrderState.DELIVERED,
        OrderState.ADMINISTERED,
    )
)


# ---------------------------------------------------------------- the data tables


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def equivalence_classes() -> dict[str, CumulativeClass]:
    """``data/cumulative_classes.csv`` (sources in ``data/SOURCES.md``)."""
    return parse_classes(_rows("cumulative_classes.csv"))


@cache
def unit_conversions() -> tuple[UnitConversion, ...]:
    """``data/cumulative_units.csv`` (bleomycin USP units to UI)."""
    return tuple(parse_unit_conversions(_rows("cumulative_units.csv")))


def _class_of(code: str) -> CumulativeClass | None:
    return next((c for c in equivalence_classes().values() if code in c.members), None)


def limit_codes(codes: Iterable[str]) -> set[str]:
    """The archive entries :func:`limits_for` reads for these drugs: theirs and their
    classes' reference drugs'."""
    wanted = set(codes)
    return wanted | {c.reference for code in wanted if (c := _class_of(code)) is not None}


def limits_for(codes: Iterable[str], *, archive: Mapping[str, Any] | None = None) -> list[Limit]:
    """Every lifetime limit touching these drugs: each drug's own archive limit, and the
    limit of its class (the class reference drug's archive limit, in its equivalents).
    ``archive``: the ingredients of :func:`limit_codes` by code, when the caller read them
    (else one query)."""
    wanted = set(codes)
    classes = {c.code: c for code in wanted if (c := _class_of(code)) is not None}
    if archive is None:
        archive = ingredients_by_code(limit_codes(wanted))
    limits: list[Limit] = []
    for cls in classes.values():
        ref = archive.get(cls.reference)
        basis = basis_for_limit_unit(ref.cumulative_limit_unit) if ref else None
        if ref is not None and ref.cumulative_limit is not None and basis is not None:
            limits.append(
                Limit(
                    key=cls.code,
                    label=cls.name_it,
                    limit=ref.cumulative_limit,
                    basis=basis,
                    cls=cls,
                )
            )
    for code in sorted(wanted):
        ingredient = archive.get(code)
        if ingredient is None or ingredient.cumulative_limit is None:
            continue
        member_of = _class_of(code)
        if (
            member_of is not None
            and member_of.reference == code
            and any(lim.cls is member_of for lim in limits)
        ):
            continue  # the class limit counts the reference drug with factor 1
        basis = basis_for_limit_unit(ingredient.cumulative_limit_unit)
        if basis is None:
            continue  # a limit in a unit that cannot be summed (shown in the archive)
        limits.append(
            Limit(
                key=code,
                label=ingredient.name_it or ingredient.name_en,
                limit=ingredient.cumulative_limit,
                basis=basis,
            )
        )
    return limits


def counted_codes(limits: Iterable[Limit]) -> set[str]:
    codes: set[str] = set()
    for lim in limits:
        codes |= set(lim.cls.members) if lim.cls else {lim.key}
    return codes


# ---------------------------------------------------------------- the events


def _line_label(order: TherapyOrder, item: OrderItem) -> str:
    return f"ciclo {order.cycle_number} giorno {item.day_of_cycle} ({item.scheduled_date:%d/%m/%Y})"


def _line_event(order: TherapyOrder, item: OrderItem, amount: Decimal, source: Source) -> DoseEvent:
    """``amount`` of the order line ``item`` as a dose towards its drug's cumulative."""
    return DoseEvent(
        ingredient=item.ingredient.code,
        amount=amount,
        unit=item.amount_unit,
        source=source,
        bsa_m2=order.bsa_m2,
        label=_line_label(order, item),
    )


def given_lines(order_item_ids: Iterable[int]) -> QuerySet[OrderItem, tuple[Any, ...]]:
    """Of each line given: its order's BSA and cycle, its day (the event's label)."""
    return OrderItem.objects.filter(pk__in=sorted(set(order_item_ids))).values_list(
        "pk", "order__bsa_m2", "order__cycle_number", "scheduled_date"
    )


@dataclass(frozen=True)
class Exposures:
    """The patient's exposures to the drugs counted, as read: the doses given (with their
    lines' order BSA, cycle and day), the active lines of the committed orders (their order
    and drug read with them, by day), the current records of doses given elsewhere."""

    given: tuple[GivenDoseRecord, ...]
    given_lines: Mapping[int, tuple[Any, ...]]
    committed: tuple[OrderItem, ...]
    prior: tuple[PriorDose, ...]


def exposure_events(
    exposures: Exposures,
) -> tuple[list[DoseEvent], Callable[[OrderItem, Decimal], Decimal]]:
    """The dose events of the exposures, and what of a line is still to be given."""
    given_by_item: dict[int, Decimal] = {}
    finished: set[int] = set()
    for g in exposures.given:
        given_by_item[g.order_item_id] = (
            given_by_item.get(g.order_item_id, Decimal(0)) + g.amount_given
        )
        if g.finished:
            finished.add(g.order_item_id)
    result: list[DoseEvent] = []
    for g in exposures.given:
        bsa, cycle, day = exposures.given_lines.get(g.order_item_id, (None, None, None))
        result.append(
            DoseEvent(
                ingredient=g.ingredient_code,
                amount=g.amount_given,
                unit=g.dose_unit,
                source=Source.ADMINISTERED,
                bsa_m2=bsa,
                label=f"somministrato ciclo {cycle} ({day:%d/%m/%Y})" if day else "somministrato",
            )
        )

    def remainder(item: OrderItem, final: Decimal) -> Decimal:
        if item.pk in finished:
            return Decimal(0)
        return max(final - given_by_item.get(item.pk, Decimal(0)), Decimal(0))

    for item in exposures.committed:
        amount = remainder(item, item.final_dose * item.administrations_per_day)
        if amount:
            result.append(_line_event(item.order, item, amount, Source.COMMITTED))
    for prior in exposures.prior:
        if prior.amount:
            result.append(
                DoseEvent(
                    ingredient=prior.ingredient.code,
                    amount=prior.amount,
                    unit=prior.unit,
                    source=Source.ELSEWHERE,
                    bsa_m2=prior.bsa_m2,
                    label=f"{prior.hospital} ({prior.given_from:%d/%m/%Y})",
                )
            )
    return result, remainder


def patient_dose_events(
    *,
    patient_id: int,
    codes: Iterable[str],
    order: TherapyOrder | None = None,
    proposed: Mapping[int, Decimal] | None = None,
) -> list[DoseEvent]:
    """Every exposure of the patient to these drugs, by source. ``order`` is the order
    being checked (its lines count as THIS_ORDER whatever its state); ``proposed`` maps
    an item id of that order to a final dose being typed (not saved yet)."""
    codes = set(codes)
    proposed = proposed or {}
    given = doses_given(patient_id=patient_id, ingredient_codes=codes)
    item_info = given_lines(g.order_item_id for g in given)
    committed = (
        OrderItem.objects.filter(
            order__patient_id__in=patient_and_merged_ids(patient_id=patient_id),
            order__state__in=COMMITTED_STATES,
            ingredient__code__in=codes,
            status=ItemStatus.ACTIVE,
        )
        .select_related("order", "ingredient")
        .order_by("scheduled_date", "id")
    )
    if order is not None:
        committed = committed.exclude(order_id=order.pk)
    prior = current_prior_doses(patient_id=patient_id).filter(ingredient__code__in=codes)
    result, remainder = exposure_events(
        Exposures(
            given=tuple(given),
            given_lines={row[0]: row[1:] for row in item_info},
            committed=tuple(committed),
            prior=tuple(prior),
        )
    )
    if order is not None:
        for item in order.items.filter(
            status=ItemStatus.ACTIVE, ingredient__code__in=codes
        ).select_related("ingredient"):
            per_day = item.administrations_per_day
            amount = remainder(item, proposed.get(item.pk, item.final_dose) * per_day)
            if amount:
                result.append(_line_event(order, item, amount, Source.THIS_ORDER))
    return result


def order_cumulative(
    order: TherapyOrder, *, proposed: Mapping[int, Decimal] | None = None
) -> list[Tally]:
    """Every lifetime limit the order's drugs touch, with the cycle's whole sum and the
    history. ``proposed`` (item id -> final dose) lets a typed dose be checked first."""
    codes = set(
        order.items.filter(status=ItemStatus.ACTIVE).values_list("ingredient__code", flat=True)
    )
    limits = limits_for(codes)
    if not limits:
        return []
    events = patient_dose_events(
        patient_id=order.patient_id, codes=counted_codes(limits), order=order, proposed=proposed
    )
    return [tally(lim, events, unit_conversions()) for lim in limits]


def patient_cumulative(*, patient_id: int) -> list[Tally]:
    """The patient's lifetime totals so far (no order being checked), for the patient page."""
    codes: set[str] = set(
        PriorDose.objects.filter(
            patient_id__in=patient_and_merged_ids(patient_id=patient_id)
        ).values_list("ingredient__code", flat=True)
    )
    codes |= set(
        OrderItem.objects.filter(
            order__patient_id__in=patient_and_merged_ids(patient_id=patient_id),
            order__state__in=COMMITTED_STATES,
        ).values_list("ingredient__code", flat=True)
    )
    codes |= {g.ingredient_code for g in doses_given(patient_id=patient_id)}
    limits = limits_for(codes)
    if not limits:
        return []
    events = patient_dose_events(patient_id=patient_id, codes=counted_codes(limits))
    return [tally(lim, events, unit_conversions()) for lim in limits]


# ---------------------------------------------------------------- blocking the order


def order_cumulative_refresh(order: TherapyOrder) -> list[Tally]:
    """Recompute the limits and mark the order's lines: a line of a drug whose limit the
    cycle exceeds is blocked (``cumulative_dose_exceeded``) until a physician overrides it
    with a reason (``order_item_adjust``); a line no longer over the limit is released.

    Each block warning keeps the limit and the total it was raised for; an override
    covers that total only: if the total grows, the override is withdrawn and asked again.
    """
    tallies = order_cumulative(order)
    exceeded = [t for t in tallies if t.exceeded]
    near = [t for t in tallies if t.near_limit]
    for item in order.items.select_related("ingredient"):
        code = item.ingredient.code
        over = [t for t in exceeded if t.limit.counts(code)]
        close = [t for t in near if t.limit.counts(code)]
        kept = [w for w in item.warnings if w.get("code") not in (BLOCK_CODE, NEAR_CODE)]
        fields = {"warnings"}
        blocks: list[dict[str, str]] = []
        if over and item.status == ItemStatus.ACTIVE:
            for result in over:
                total = result.total
                covered = _overridden_total(item, result.limit.key)
                if item.block_code == BLOCK_CODE and item.override_reason:
                    if covered is not None and total <= covered:
                        total = covered  # the override still covers it: keep what it covered
                    else:
                        item.override_reason = ""  # the total grew: a new override is needed
                        fields.add("override_reason")
                blocks.append(
                    {
                        "code": BLOCK_CODE,
                        "message": f"Dose cumulativa oltre il limite. {result.describe()}.",
                        "limit": result.limit.key,
                        "total": str(total),
                    }
                )
            if item.block_code == "" and item.override_reason:
                item.override_reason = ""  # a new block (e.g. after a recalculation): ask again
                fields.add("override_reason")
            if item.block_code in ("", BLOCK_CODE):
                item.block_code = BLOCK_CODE
                item.block_message = " ".join(b["message"] for b in blocks)
                fields |= {"block_code", "block_message"}
        elif item.block_code == BLOCK_CODE:
            item.block_code = item.block_message = ""
            fields |= {"block_code", "block_message"}
        near_warnings = [
            {
                "code": NEAR_CODE,
                "message": f"Dose cumulativa al {t.pct_of_limit:.0f} % del limite. {t.describe()}.",
            }
            for t in close
        ]
        item.warnings = kept + blocks + near_warnings
        item.save(update_fields=sorted(fields))
    return tallies


def _overridden_total(item: OrderItem, key: str) -> Decimal | None:
    for w in item.warnings:
        if w.get("code") == BLOCK_CODE and w.get("limit") == key and w.get("total"):
            return Decimal(w["total"])
    return None


def order_cumulative_ensure(*, order_id: int) -> list[Tally]:
    """Re-check the order against the patient's history NOW (confirmation, pharmacist
    validation, taking in charge). Raises ``CumulativeDoseExceeded`` when a limit is
    exceeded and the order's lines of that drug do not all carry a physician override
    given for a total at least as large. Locks the patient for the rest of the
    transaction, so a second draft checked at the same time waits and sees the first."""
    order = TherapyOrder.objects.filter(pk=order_id).first()
    if order is None:
        raise NotFound("Prescrizione inesistente.", code="order_not_found")
    # the patient's row locked: two drafts confirmed at once are checked one after the other
    patient_record(patient_id=order.patient_id, lock=True)
    tallies = order_cumulative(order)
    items = list(order.items.filter(status=ItemStatus.ACTIVE).select_related("ingredient"))
    for result in tallies:
        if not result.exceeded:
            continue
        mine = [i for i in items if result.limit.counts(i.ingredient.code)]
        covered = [
            i
            for i in mine
            if i.block_code == BLOCK_CODE
            and i.override_reason
            and (_overridden_total(i, result.limit.key) or Decimal(0)) >= result.total
        ]
        if mine and len(covered) == len(mine):
            continue  # the physician exceeded it knowingly, for this total
        ensure_within(result)
    return tallies


# ---------------------------------------------------------------- doses given elsewhere


def current_prior_doses(*, patient_id: int) -> QuerySet[PriorDose]:
    """The records that count: those no later record corrects (a merged duplicate's too)."""
    return (
        PriorDose.objects.filter(
            patient_id__in=patient_and_merged_ids(patient_id=patient_id),
            corrected_by__isnull=True,
        )
        .select_related("ingredient", "recorded_by")
        .order_by("given_from", "id")
    )


def prior_dose_record(
    *,
    actor: User,
    workstation: Workstation,
    patient_id: int,
    ingredient_id: int,
    amount: Decimal,
    unit: str,
    hospital: str,
    given_from: date,
    document_ref: str,
    reason: str,
    given_to: date | None = None,
    bsa_m2: Decimal | None = None,
    corrects_id: int | None = None,
) -> PriorDose:
    """Record a dose given elsewhere (or correct an earlier record: amount 0 withdraws it)."""
    require_permission(
        actor, PRESCRIBE, "Solo il medico registra le dosi ricevute in altre strutture."
    )
    try:
        measure = PriorDoseUnit(unit)
    except ValueError:
        raise ValidationFailed(
            f"Unità «{unit}» non ammessa: mg, mg/m², UI o U.", code="prior_dose_unit", field="unit"
        ) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and corrects_id is None):
        raise ValidationFailed(
            "La dose deve essere maggiore di zero (zero solo per annullare una registrazione).",
            code="prior_dose_amount",
            field="amount",
        )
    if bsa_m2 is not None and not (bsa_m2.is_finite() and Decimal("0.1") <= bsa_m2 <= Decimal(4)):
        raise ValidationFailed(
            "Superficie corporea non plausibile (0,1–4 m²).", code="prior_dose_bsa", field="bsa_m2"
        )
    for value, name, label in (
        (hospital, "hospital", "la struttura"),
        (document_ref, "document_ref", "il documento di riferimento"),
        (reason, "reason", "il motivo"),
    ):
        if not value.strip():
            raise ValidationFailed(
                f"Indicare {label}.", code="prior_dose_field_required", field=name
            )
    today = timezone.localdate()
    if given_from > today or (given_to is not None and (given_to < given_from or given_to > today)):
        raise ValidationFailed(
            "Periodo non valido: le date non possono essere future e la fine segue l'inizio.",
            code="prior_dose_period",
            field="given_from",
        )
    with transaction.atomic():
        patient = patient_record(patient_id=patient_id, lock=True)
        ingredient = ingredient_get_by_id(ingredient_id=ingredient_id)
        if ingredient.code == "bleomycin" and measure in (PriorDoseUnit.MG, PriorDoseUnit.MG_M2):
            raise ValidationFailed(
                "La bleomicina si registra in unità (UI o U), mai in mg.",
                code="prior_dose_unit",
                field="unit",
            )
        corrected = None
        if corrects_id is not None:
            corrected = PriorDose.objects.select_for_update().filter(pk=corrects_id).first()
            if corrected is None or corrected.patient_id != patient.pk:
                raise NotFound(
                    "Registrazione da correggere inesistente.", code="prior_dose_not_found"
                )
            if PriorDose.objects.filter(corrects=corrected).exists():
                raise ValidationFailed(
                    "Questa registrazione è già stata corretta: correggere l'ultima.",
                    code="prior_dose_already_corrected",
                    field="corrects_id",
                )
        row = PriorDose.objects.create(
            patient=patient,
            ingredient=ingredient,
            amount=amount,
            unit=measure.value,
            bsa_m2=bsa_m2,
            hospital=hospital.strip(),
            given_from=given_from,
            given_to=given_to,
            document_ref=document_ref.strip(),
            reason=reason.strip(),
            corrects=corrected,
            recorded_by=actor,
            workstation=workstation_label(workstation),
        )
        audit_record(
            event=events.PRIOR_DOSE_RECORDED,
            actor=actor,
            workstation=workstation,
            target=row,
            patient_id=patient.pk,
            before=(
                {"id": corrected.pk, "amount": str(corrected.amount), "unit": corrected.unit}
                if corrected
                else None
            ),
            after={
                "ingredient": ingredient.code,
                "amount": str(amount),
                "unit": measure.value,
                "hospital": row.hospital,
                "given_from": given_from.isoformat(),
                "given_to": given_to.isoformat() if given_to else None,
                "document_ref": row.document_ref,
            },
            reason=row.reason,
        )
    return row


# ---------------------------------------------------------------- reading it


@dataclass(frozen=True)
class PatientCumulativeView:
    tallies: list[Tally]
    prior_doses: list[PriorDose]  # every record, corrections included, oldest first


def patient_cumulative_view(
    *, user: User, patient_id: int, workstation: Workstation, channel: str = "web"
) -> PatientCumulativeView:
    """The patient's lifetime totals and doses given elsewhere (a logged clinical read)."""
    require_permission(user, VIEW, "Non hai accesso alle prescrizioni.")
    ensure_patient_in_scope(user, patient_id)  # a trial monitor's patients only
    patient_record(patient_id=patient_id)  # NotFound when there is none
    access_log_record(
        user=user,
        patient_id=patient_id,
        what="dosi cumulative",
        workstation=workstation,
        channel=channel,
    )
    return PatientCumulativeView(
        tallies=patient_cumulative(patient_id=patient_id),
        prior_doses=list(
            PriorDose.objects.filter(patient_id=patient_id)
            .select_related("ingredient", "recorded_by", "corrects")
            .order_by("given_from", "id")
        ),
    )
