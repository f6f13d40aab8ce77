"""What the galenic laboratory's acts share: clean text, the locked rows, the clock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from corsia.core.domain.errors import NotFound
from corsia.core.domain.text import clean_text as core_clean_text
from corsia.galenics.models import Batch, Formula

MAX_TEXT = 8000


def clean_text(value: str, field: str, *, limit: int = 200, required: str = "") -> str:
    """Text without NUL or control characters, trimmed, within ``limit``; ``required``:
    the message when empty."""
    return core_clean_text(value, field, limit=limit, required=required)


def clock(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def tolerance_percent() -> Decimal:
    """The weighing tolerance (± %, inclusive): ``CORSIA_GALENICS_TOLERANCE_PERCENT``."""
    return Decimal(str(getattr(settings, "CORSIA_GALENICS_TOLERANCE_PERCENT", "5")))


def formula_for_update(formula_id: int) -> Formula:
    formula = Formula.objects.select_for_update().filter(pk=formula_id).first()
    if formula is None:
        raise NotFound("Formula non trovata.", code="formula_not_found")
    return formula


def batch_for_update(batch_id: int) -> Batch:
    batch = Batch.objects.select_for_update(of=("self",)).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("Lotto galenico non trovato.", code="batch_not_found")
    return batch


def formula_snapshot(formula: Formula) -> dict[str, Any]:
    return {
        "code": formula.code,
        "number": formula.number,
        "state": formula.state,
        "name": formula.name,
        "kind": formula.kind,
        "form": formula.pharmaceutical_form,
        "batch_unit": formula.batch_unit,
        "quality_controls": list(formula.quality_controls),
        "stability_days": formula.stability_days,
        "storage": formula.storage,
        "ingredients": [
            {
                "product": i.product_id,
                "quantity": "q.b." if i.quantum_satis else f"{i.quantity}",
                "unit": i.unit,
                "excipient": i.excipient,
            }
            for i in formula.ingredients.all()
        ],
    }
