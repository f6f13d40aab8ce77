"""The content of a bag's label: who and what for, the full composition (each component
with its prescribed amount and its volume, then the totals), the infusion rate in mL/h and
the expiry — compounding time plus the stability the pharmacy states for its bags
(``CORSIA_NUTRITION_STABILITY_HOURS``; its own stability data, per formulation, replace it
when available)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from corsia.nutrition.domain.sheet import Step

_ONE = Decimal("0.1")

# How the pharmacy's bags are kept until the infusion starts (SINPE and ASPEN practice:
# refrigerated, the lipid emulsion and the vitamins away from light).
BAG_STORAGE = (
    "Conservare in frigorifero (2-8 °C), al riparo dalla luce; "
    "a temperatura ambiente prima dell'infusione"
)


def osmolarity_text(osmolarity_mosm_l: str | None) -> str:
    """The osmolarity computed at signature (``results``), to the unit half up."""
    if not osmolarity_mosm_l:
        return "non calcolata"
    value = Decimal(osmolarity_mosm_l).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{value} mOsm/L"


@dataclass(frozen=True)
class LabelLine:
    name: str
    prescribed: str  # "15 mmol"
    volume_ml: Decimal


@dataclass(frozen=True)
class Label:
    bag_id: str
    patient: str
    route: str
    volume_ml: Decimal
    rate_ml_h: Decimal
    infusion_hours: Decimal
    lines: tuple[LabelLine, ...]
    expires_at: datetime | None  # None: not compounded yet
    patient_mrn: str = ""
    prepared_at: datetime | None = None


def bag_expiry(prepared_at: datetime, stability_hours: int) -> datetime:
    """The label's expiry: compounding time plus the pharmacy's stability."""
    return prepared_at + timedelta(hours=stability_hours)


def _one(value: Decimal) -> Decimal:
    return value.quantize(_ONE, rounding=ROUND_HALF_UP)


def label_rate(steps: Sequence[Step], infusion_hours: Decimal) -> Decimal:
    """The label's rate: the total volume over the infusion hours, to 0.1 mL/h half up."""
    return _one(sum((s.part.volume_ml for s in steps), Decimal(0)) / infusion_hours)


def bag_label(
    *,
    bag_id: str,
    patient: str,
    route: str,
    steps: Sequence[Step],
    infusion_hours: Decimal,
    prepared_at: datetime | None,
    stability_hours: int,
    patient_mrn: str = "",
) -> Label:
    """The label of a bag, its lines in compounding order; the rate is the total volume
    over the infusion hours, rounded to 0.1 mL/h."""
    volume = sum((s.part.volume_ml for s in steps), Decimal(0))
    return Label(
        bag_id=bag_id,
        patient=patient,
        route=route,
        volume_ml=_one(volume),
        rate_ml_h=label_rate(steps, infusion_hours),
        infusion_hours=infusion_hours,
        lines=tuple(
            LabelLine(
                s.part.component.name,
                f"{s.part.amount.normalize():f} {s.part.unit.value}",
                _one(s.part.volume_ml),
            )
            for s in steps
        ),
        expires_at=(bag_expiry(prepared_at, stability_hours) if prepared_at is not None else None),
        patient_mrn=patient_mrn,
        prepared_at=prepared_at,
    )


# --- the thermal label (ZPL II) -----------------------------------------------------------

ZPL_WIDTH = 812  # 4 inches at 203 dpi
ZPL_LENGTH = 1218  # 6 inches: a bag's full composition needs the long stock
ZPL_MAX_LINES = 18  # composition lines that fit between the header and the barcode
_LINE_STEP = 34


def _zpl_text(value: str) -> str:
    """ZPL field data: ``^`` and ``~`` would start commands; control characters never
    reach a printer; replaced by blanks."""
    return "".join(" " if c in "^~" or ord(c) < 32 else c for c in value)


def _when(moment: datetime | None) -> str:
    return f"{moment:%d/%m/%Y %H:%M}" if moment is not None else "-"


def _number(value: Decimal) -> str:
    """Italian decimal comma, as on the PDF."""
    return f"{value:f}".replace(".", ",")


def label_zpl(label: Label) -> str:
    """A ZPL II label 4 x 6 inches at 203 dpi (812 x 1218 dots) for the pharmacy's thermal
    printer: the patient, the route, the volume, the hours and the rate, every component
    in compounding order with its prescribed amount and volume, the compounding time and
    the expiry, then the Code 128 of the bag (``^BC``, its payload printed under it). A
    composition longer than the label refuses rather than printing half a bag."""
    if len(label.lines) > ZPL_MAX_LINES:
        raise ValueError("composition longer than the thermal label")
    mrn = f" - MRN {_zpl_text(label.patient_mrn)}" if label.patient_mrn else ""
    fields = [
        "^XA",
        "^CI28",
        f"^PW{ZPL_WIDTH}",
        f"^LL{ZPL_LENGTH}",
        f"^FO30,25^A0N,30,30^FDNUTRIZIONE PARENTERALE {_zpl_text(label.bag_id)}^FS",
        f"^FO30,65^A0N,34,34^FD{_zpl_text(label.patient)}{mrn}^FS",
        f"^FO30,110^A0N,30,30^FDVia {_zpl_text(label.route.lower())}^FS",
        f"^FO30,150^A0N,34,34^FDVolume {_number(label.volume_ml)} mL in "
        f"{_number(label.infusion_hours.normalize())} h - VELOCITA' {_number(label.rate_ml_h)} mL/h^FS",
    ]
    y = 205
    for line in label.lines:
        fields.append(
            f"^FO30,{y}^A0N,26,26^FD{_zpl_text(line.name)}: {_zpl_text(line.prescribed)} "
            f"({_number(line.volume_ml)} mL)^FS"
        )
        y += _LINE_STEP
    fields += [
        f"^FO30,{y + 10}^A0N,28,28^FDAllestita il {_when(label.prepared_at)}^FS",
        f"^FO30,{y + 50}^A0N,34,34^FDSCADENZA {_when(label.expires_at)}^FS",
        f"^FO30,{y + 100}^BY3^BCN,110,Y,N,N^FD{_zpl_text(label.bag_id)}^FS",
        "^XZ",
    ]
    return "\n".join(fields) + "\n"
