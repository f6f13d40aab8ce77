"""The patient's allergies against the drugs of an order, when the physician creates or
signs it: a hard stop needs an override with its reason, a warning an acknowledgement;
both are kept on the order and audited (``domain/allergy_check.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation
from corsia.patients.domain.allergies import AllergyMatch, DrugFacts, allergy_matches
from corsia.patients.selectors import allergy_summary
from corsia.prescribing import audit_events as events
from corsia.prescribing.domain.allergy_check import (
    AllergyOverride,
    ensure_allergies_cleared,
    overrides_for,
    pending_matches,
)
from corsia.prescribing.models import ItemStatus, OrderItem, TherapyOrder


def order_drug_facts(items: Iterable[OrderItem]) -> list[DrugFacts]:
    """Each active line's drug as the allergy check reads it (ATC codes, names, synonyms)."""
    drugs: dict[int, DrugFacts] = {}
    for item in items:
        if item.status != ItemStatus.ACTIVE or item.ingredient_id in drugs:
            continue
        ingredient = item.ingredient
        drugs[ingredient.pk] = DrugFacts(
            ingredient_id=ingredient.pk,
            name=ingredient.name_it,
            atc_codes=tuple(c for c in (ingredient.atc_code, *ingredient.other_atc_codes) if c),
            names=tuple(
                n for n in (ingredient.name_en, ingredient.code, *ingredient.synonyms) if n
            ),
        )
    return list(drugs.values())


def order_allergy_matches(order: TherapyOrder, items: Iterable[OrderItem]) -> list[AllergyMatch]:
    """Every match of the patient's active allergies with the order's active drugs."""
    return allergy_matches(
        allergy_summary(patient_id=order.patient_id).active, order_drug_facts(items)
    )


def order_allergy_overrides(order: TherapyOrder) -> list[AllergyOverride]:
    return [AllergyOverride.from_json(o) for o in order.allergy_overrides]


def order_allergy_check(
    *,
    order: TherapyOrder,
    items: Iterable[OrderItem],
    actor: User,
    workstation: Workstation,
    override_reason: str,
    acknowledged: bool,
) -> list[AllergyMatch]:
    """Refuse the order (``allergy_contraindicated`` / ``allergy_warning_unacknowledged``,
    with the matched allergies) unless the physician went past each new match; then keep
    the overrides on the order and audit them. Returns the matches the order now carries.
    Inside the caller's transaction, the order saved and locked."""
    matches = order_allergy_matches(order, items)
    pending = pending_matches(matches, order_allergy_overrides(order))
    ensure_allergies_cleared(pending, override_reason=override_reason, acknowledged=acknowledged)
    if not pending:
        return matches
    granted = overrides_for(
        pending,
        reason=override_reason,
        by_id=actor.pk,
        by=actor.get_full_name() or actor.get_username(),
        at=timezone.now().isoformat(),
    )
    order.allergy_overrides = [*order.allergy_overrides, *(g.as_json() for g in granted)]
    order.save(update_fields=["allergy_overrides"])
    overridden = [g for g in granted if g.reason]
    audit_record(
        event=events.ORDER_ALLERGY_OVERRIDDEN if overridden else events.ORDER_ALLERGY_ACKNOWLEDGED,
        actor=actor,
        workstation=workstation,
        target=order,
        patient_id=order.patient_id,
        after={"matches": [m.as_json() for m in pending]},
        reason=override_reason.strip(),
    )
    return matches


@dataclass(frozen=True)
class AllergyMatchRow:
    """One match as a header shows it: the message and the override that lifted it."""

    message: str
    hard_stop: bool
    override: AllergyOverride | None


def order_allergy_rows(
    order: TherapyOrder, items: Iterable[OrderItem] | None = None
) -> list[AllergyMatchRow]:
    """The order's active drugs (or only ``items``: the bag scanned at the bedside) that
    match the patient's active allergies, each with its override or acknowledgement
    (``None``: not yet gone past, e.g. an allergy recorded after the order was created).
    A read for the order's pages and the bedside check; nothing written."""
    overrides = order_allergy_overrides(order)
    rows = []
    lines = order.items.select_related("ingredient") if items is None else items
    for match in order_allergy_matches(order, lines):
        covering = next((o for o in overrides if o.covers(match)), None)
        rows.append(
            AllergyMatchRow(message=match.message, hard_stop=match.hard_stop, override=covering)
        )
    return rows
