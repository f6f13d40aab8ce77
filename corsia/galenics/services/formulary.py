"""The formulary, kept by the pharmacist: a formula is written as a draft, published
(then read-only), and changed by opening a new version (a draft copy) that replaces the
published one when published in turn."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from corsia.audit.services import audit_record
from corsia.core.actors import User, Workstation, require_permission
from corsia.core.domain.errors import ConflictError, ValidationFailed
from corsia.drugs.selectors import products_by_code
from corsia.galenics import audit_events as events
from corsia.galenics.domain.batch import CONTROL_CODES
from corsia.galenics.domain.units import checked_amount, convert, unit_of
from corsia.galenics.models import Formula, FormulaIngredient, FormulaKind, FormulaState
from corsia.galenics.permissions import FORMULARY
from corsia.galenics.services.common import (
    MAX_TEXT,
    clean_text,
    clock,
    formula_for_update,
    formula_snapshot,
)

REFUSED = "Non hai il permesso di gestire il formulario galenico."
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")


@dataclass(frozen=True)
class IngredientInput:
    """An ingredient per batch unit; ``quantum_satis``: a vehicle q.b. to the batch's
    final quantity (its ``quantity`` ignored, ``None`` allowed; an excipient)."""

    product_code: str
    quantity: Decimal | None
    unit: str
    stock_amount: Decimal = Decimal(1)
    stock_unit: str = ""  # empty: the ingredient's unit
    excipient: bool = False
    quantum_satis: bool = False


@dataclass(frozen=True)
class FormulaInput:
    code: str
    name: str
    kind: str
    pharmaceutical_form: str
    batch_unit: str
    method: str
    stability_days: int
    storage: str
    quality_controls: Sequence[str] = ()
    ingredients: Sequence[IngredientInput] = field(default_factory=tuple)


def _checked(data: FormulaInput) -> tuple[dict[str, object], list[FormulaIngredient]]:
    code = clean_text(data.code, "code", limit=60, required="Indica il codice della formula.")
    if not _CODE.match(code):
        raise ValidationFailed(
            "Codice della formula: lettere minuscole, cifre e trattini.",
            code="code_invalid",
            field="code",
        )
    if data.kind not in FormulaKind.values:
        raise ValidationFailed(
            "Tipo di preparazione: magistrale o officinale.", code="kind_unknown", field="kind"
        )
    days = data.stability_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
        raise ValidationFailed(
            "La stabilità va da 1 a 3650 giorni.", code="stability_invalid", field="stability_days"
        )
    controls = list(dict.fromkeys(data.quality_controls))
    for control in controls:
        if control not in CONTROL_CODES:
            raise ValidationFailed(
                f"Controllo di qualità sconosciuto: «{str(control)[:30]}».",
                code="quality_control_unknown",
                field="quality_controls",
            )
    if not data.ingredients:
        raise ValidationFailed(
            "La formula deve avere almeno un componente.",
            code="ingredients_required",
            field="ingredients",
        )
    if len(data.ingredients) > 30:
        raise ValidationFailed(
            "Al massimo 30 componenti.", code="too_many_ingredients", field="ingredients"
        )
    if sum(1 for i in data.ingredients if i.quantum_satis) > 1:
        raise ValidationFailed(
            "Un solo componente può essere quanto basta (q.b.) al volume o peso finale.",
            code="quantum_satis_twice",
            field="ingredients",
        )
    products = products_by_code(clean_text(i.product_code, "product") for i in data.ingredients)
    rows = []
    for position, item in enumerate(data.ingredients, start=1):
        product = products.get(item.product_code.strip())
        if product is None:
            raise ValidationFailed(
                f"Materia prima non trovata nell'archivio: «{item.product_code[:40]}».",
                code="product_unknown",
                field="ingredients",
            )
        unit = unit_of(item.unit)
        stock_unit = unit_of(item.stock_unit) if item.stock_unit else unit
        convert(Decimal(1), unit, stock_unit)  # same dimension, else unit_incompatible
        qs = bool(item.quantum_satis)
        rows.append(
            FormulaIngredient(
                position=position,
                product=product,
                excipient=bool(item.excipient) or qs,
                quantity=None if qs else checked_amount(item.quantity),
                quantum_satis=qs,
                unit=unit.value,
                stock_amount=checked_amount(item.stock_amount, "stock_amount"),
                stock_unit=stock_unit.value,
            )
        )
    fields: dict[str, object] = {
        "code": code,
        "name": clean_text(data.name, "name", required="Indica il nome della formula."),
        "kind": data.kind,
        "pharmaceutical_form": clean_text(
            data.pharmaceutical_form,
            "pharmaceutical_form",
            limit=120,
            required="Indica la forma farmaceutica.",
        ),
        "batch_unit": clean_text(
            data.batch_unit, "batch_unit", limit=20, required="Indica l'unità di lotto."
        ),
        "method": clean_text(
            data.method, "method", limit=MAX_TEXT, required="Descrivi il metodo di preparazione."
        ),
        "quality_controls": controls,
        "stability_days": days,
        "storage": clean_text(
            data.storage, "storage", required="Indica le condizioni di conservazione."
        ),
    }
    return fields, rows


def _save_ingredients(formula: Formula, rows: list[FormulaIngredient]) -> None:
    for row in rows:
        row.formula = formula
    FormulaIngredient.objects.bulk_create(rows)


def formula_create(
    *, actor: User, workstation: Workstation, data: FormulaInput, now: datetime | None = None
) -> Formula:
    """A new formula (version 1, draft). Refusals: ``code_invalid``, ``code_taken``,
    ``kind_unknown``, ``stability_invalid``, ``quality_control_unknown``,
    ``ingredients_required``, ``product_unknown``, ``unit_unknown``, ``unit_incompatible``,
    ``quantity_invalid``, ``quantity_too_large``, ``quantum_satis_twice``,
    ``invalid_characters``."""
    require_permission(actor, FORMULARY, REFUSED)
    fields, rows = _checked(data)
    with transaction.atomic():
        if Formula.objects.filter(code=fields["code"]).exists():
            raise ConflictError(
                "Esiste già una formula con questo codice.", code="code_taken", field="code"
            )
        formula = Formula.objects.create(**fields, created_by=actor, updated_by=actor)
        _save_ingredients(formula, rows)
        audit_record(
            event=events.FORMULA_CREATED,
            actor=actor,
            workstation=workstation,
            target=formula,
            after=formula_snapshot(formula),
        )
    return formula


def formula_update(
    *,
    actor: User,
    workstation: Workstation,
    formula_id: int,
    expected_version: int,
    data: FormulaInput,
) -> Formula:
    """A draft rewritten (its ingredients replaced); a published version is read-only
    (``formula_not_draft``: open a new version)."""
    require_permission(actor, FORMULARY, REFUSED)
    fields, rows = _checked(data)
    with transaction.atomic():
        formula = formula_for_update(formula_id)
        if formula.state != FormulaState.DRAFT:
            raise ConflictError(
                "Una formula pubblicata non si modifica: apri una nuova versione.",
                code="formula_not_draft",
            )
        formula.check_version(expected_version)
        before = formula_snapshot(formula)
        fields["code"] = formula.code
        for name, value in fields.items():
            setattr(formula, name, value)
        formula.bump(by=actor)
        formula.save()
        formula.ingredients.all().delete()
        _save_ingredients(formula, rows)
        audit_record(
            event=events.FORMULA_UPDATED,
            actor=actor,
            workstation=workstation,
            target=formula,
            before=before,
            after=formula_snapshot(formula),
        )
    return formula


def formula_publish(
    *,
    actor: User,
    workstation: Workstation,
    formula_id: int,
    expected_version: int,
    now: datetime | None = None,
) -> Formula:
    """The draft published (the version in force until now is superseded)."""
    require_permission(actor, FORMULARY, REFUSED)
    moment = clock(now)
    with transaction.atomic():
        formula = formula_for_update(formula_id)
        if formula.state != FormulaState.DRAFT:
            raise ConflictError("La formula è già pubblicata.", code="formula_not_draft")
        formula.check_version(expected_version)
        for old in Formula.objects.select_for_update().filter(
            code=formula.code, state=FormulaState.PUBLISHED
        ):
            old.state = FormulaState.SUPERSEDED
            old.save(update_fields=["state", *old.bump(by=actor)])
        formula.state = FormulaState.PUBLISHED
        formula.published_by, formula.published_at = actor, moment
        formula.save(
            update_fields=["state", "published_by", "published_at", *formula.bump(by=actor)]
        )
        audit_record(
            event=events.FORMULA_PUBLISHED,
            actor=actor,
            workstation=workstation,
            target=formula,
            after=formula_snapshot(formula),
        )
    return formula


def formula_new_version(*, actor: User, workstation: Workstation, formula_id: int) -> Formula:
    """A draft copy of a published formula, numbered next (``draft_exists`` when a draft
    of the formula is already open)."""
    require_permission(actor, FORMULARY, REFUSED)
    with transaction.atomic():
        source = formula_for_update(formula_id)
        if source.state == FormulaState.DRAFT:
            raise ConflictError("Questa versione è ancora una bozza.", code="formula_is_draft")
        versions = Formula.objects.select_for_update().filter(code=source.code)
        if versions.filter(state=FormulaState.DRAFT).exists():
            raise ConflictError(
                "Una nuova versione di questa formula è già aperta.", code="draft_exists"
            )
        number = max(v.number for v in versions) + 1
        ingredients = list(source.ingredients.all())
        draft = Formula.objects.create(
            code=source.code,
            number=number,
            name=source.name,
            kind=source.kind,
            pharmaceutical_form=source.pharmaceutical_form,
            batch_unit=source.batch_unit,
            method=source.method,
            quality_controls=list(source.quality_controls),
            stability_days=source.stability_days,
            storage=source.storage,
            created_by=actor,
            updated_by=actor,
        )
        for item in ingredients:
            item.pk = None
            item.formula = draft
        FormulaIngredient.objects.bulk_create(ingredients)
        audit_record(
            event=events.FORMULA_VERSION_OPENED,
            actor=actor,
            workstation=workstation,
            target=draft,
            after={"from_version": source.number, **formula_snapshot(draft)},
        )
    return draft
