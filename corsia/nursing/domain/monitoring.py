"""The monitoring a nurse records beside the vital signs (the vital signs themselves are
the medical record's: ``corsia.records``, never copied here): fluid balance, elimination,
blood glucose by finger-stick. Each parameter has its unit and the hard limits of a value
that can be true (newborn to adult); a value outside them, not a number, or with more
decimals than the unit allows is refused with an Italian message."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from corsia.core.domain.errors import ValidationFailed


@dataclass(frozen=True)
class Parameter:
    code: str
    label: str
    unit: str
    low: Decimal
    high: Decimal
    decimals: int = 0


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "intake_ml", "Liquidi assunti (per bocca e infusi)", "mL", Decimal(0), Decimal(20000)
    ),
    Parameter("diuresis_ml", "Diuresi", "mL", Decimal(0), Decimal(20000)),
    Parameter("drainage_ml", "Drenaggi", "mL", Decimal(0), Decimal(10000)),
    Parameter("vomiting_count", "Episodi di vomito", "n.", Decimal(0), Decimal(50)),
    Parameter("stools_count", "Scariche di feci", "n.", Decimal(0), Decimal(50)),
    Parameter("glycaemia_mg_dl", "Glicemia capillare", "mg/dL", Decimal(10), Decimal(1500)),
    Parameter("weight_kg", "Peso", "kg", Decimal("0.3"), Decimal(400), decimals=1),
)


def parameter(code: str) -> Parameter | None:
    return next((p for p in PARAMETERS if p.code == code), None)


def ensure_value(code: str, raw: object) -> tuple[Parameter, Decimal]:
    """The parameter and its value, or refused: unknown parameter, not a number (1e308,
    NaN, text), outside the hard limits, too many decimals."""
    spec = parameter(str(code))
    if spec is None:
        raise ValidationFailed(
            "Scegli il parametro dall'elenco.", code="parameter_unknown", field="parameter"
        )
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationFailed(
            f"Indica il valore di «{spec.label}».", code="required", field="value"
        )
    text = str(raw).strip().replace(",", ".")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            f"«{spec.label}»: scrivi un numero.", code="value_invalid", field="value"
        ) from None
    if not value.is_finite() or "e" in text.lower():
        raise ValidationFailed(
            f"«{spec.label}»: scrivi un numero.", code="value_invalid", field="value"
        )
    if not spec.low <= value <= spec.high:
        raise ValidationFailed(
            f"«{spec.label}»: il valore deve essere tra {spec.low} e {spec.high} {spec.unit}.",
            code="value_out_of_range",
            field="value",
        )
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > spec.decimals and value != value.to_integral():
        raise ValidationFailed(
            f"«{spec.label}»: al massimo {spec.decimals} decimali.",
            code="value_too_precise",
            field="value",
        )
    return spec, value.quantize(Decimal(1).scaleb(-spec.decimals))
