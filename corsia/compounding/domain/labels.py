"""What the preparation label carries (safety rule 10) and its ZPL (pure).

Patient (two identifiers), drug and dose, volume, diluent, route, preparation time,
expiry, storage, light protection and the unique Code 128 barcode of the preparation
(``PRP`` + 9 digits, ``workflow.preparation_label_code``).

Route warnings (ISMP; NHS England, *Safer practice with vinca alkaloids* and the national
guidance on intrathecal chemotherapy, HSC 2008/001): a preparation for intrathecal use
carries its own label style (its own colour on the PDF, an inverted black band on the
monochrome thermal label) and the warning «SOLO PER USO INTRATECALE»; a vinca alkaloid
(ATC L01CA) carries «PER USO ENDOVENOSO - FATALE SE SOMMINISTRATO PER ALTRE VIE», the
Italian form of the ISMP/WHO wording "For intravenous use only - fatal if given by other
routes". The dose is printed in the unit of the order line (mg, UI, U…), never in mg by
default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

INTRATHECAL_ROUTE = "it"  # regimens.domain.spec.Route.IT
INTRAVENOUS_ROUTE = "iv"  # regimens.domain.spec.Route.IV
VINCA_ATC_PREFIX = "L01CA"  # vinblastine, vincristine, vindesine, vinorelbine, vinflunine

INTRATHECAL_WARNING = "SOLO PER USO INTRATECALE"
VINCA_WARNING = "PER USO ENDOVENOSO - FATALE SE SOMMINISTRATO PER ALTRE VIE"

# Units as they are printed: the order line's codes (prescribing's amount_unit).
DOSE_UNIT_LABELS = {"mg": "mg", "UI": "UI", "U": "U", "mL": "mL"}


class LabelStyle(StrEnum):
    """The label stock/colour the preparation gets (the PDF prints the colour band)."""

    STANDARD = "standard"
    INTRATHECAL = "intrathecal"  # yellow band, black text: never with the IV bags
    VINCA = "vinca"  # red band, white text: IV only, fatal by any other route


# PDF colours (background, text) of the warning band of each style.
STYLE_COLOURS: dict[LabelStyle, tuple[str, str]] = {
    LabelStyle.STANDARD: ("#ffffff", "#000000"),
    LabelStyle.INTRATHECAL: ("#ffd100", "#000000"),
    LabelStyle.VINCA: ("#c00000", "#ffffff"),
}


def is_intrathecal(route: str) -> bool:
    return route.strip().lower() == INTRATHECAL_ROUTE


def is_vinca_alkaloid(atc_codes: tuple[str, ...] | list[str]) -> bool:
    """Any of the ingredient's ATC codes in L01CA (the vinca alkaloids and analogues)."""
    return any(code.strip().upper().startswith(VINCA_ATC_PREFIX) for code in atc_codes)


def label_style(*, route: str, atc_codes: tuple[str, ...] | list[str]) -> LabelStyle:
    """A vinca alkaloid always carries the IV-only warning (even if, wrongly, ordered by
    another route: the bedside and the check-out refuse that); an intrathecal
    preparation of any other drug carries the intrathecal style."""
    if is_vinca_alkaloid(atc_codes):
        return LabelStyle.VINCA
    if is_intrathecal(route):
        return LabelStyle.INTRATHECAL
    return LabelStyle.STANDARD


def route_warning(style: LabelStyle) -> str:
    return {
        LabelStyle.STANDARD: "",
        LabelStyle.INTRATHECAL: INTRATHECAL_WARNING,
        LabelStyle.VINCA: VINCA_WARNING,
    }[style]


def dose_text(amount: Decimal, unit: str, number: str) -> str:
    """``number`` is the amount already formatted (Italian decimal comma); the unit is the
    order line's own, never mg by default (an unknown unit is printed as it is)."""
    if not unit.strip():
        raise ValueError("a dose without its unit is never printed")
    return f"{number} {DOSE_UNIT_LABELS.get(unit, unit)}"


@dataclass(frozen=True)
class PreparationLabel:
    code: str
    patient_name: str
    patient_born: date
    patient_mrn: str
    ward: str
    drug: str
    dose: str
    final_volume: str
    diluent: str
    route: str
    prepared_at: datetime | None
    expiry: datetime | None
    storage: str
    protect_from_light: bool
    style: LabelStyle = LabelStyle.STANDARD

    @property
    def warning(self) -> str:
        return route_warning(self.style)

    @property
    def band_colour(self) -> str:
        return STYLE_COLOURS[self.style][0]

    @property
    def band_text_colour(self) -> str:
        return STYLE_COLOURS[self.style][1]


def _zpl_text(value: str) -> str:
    """ZPL field data: ``^`` and ``~`` would start commands; replaced by blanks."""
    return value.replace("^", " ").replace("~", " ")


def _when(moment: datetime | None) -> str:
    return f"{moment:%d/%m/%Y %H:%M}" if moment is not None else "-"


def _warning_band(label: PreparationLabel) -> list[str]:
    """A full-width black band with the warning in white (``^FR`` reverses the field):
    thermal printers are monochrome, so the style is the inverted band, printed first
    and last on the label so that it is seen whichever way the bag hangs."""
    if label.style is LabelStyle.STANDARD:
        return []
    text = _zpl_text(label.warning)
    size = 34 if label.style is LabelStyle.INTRATHECAL else 24
    return [
        "^FO0,0^GB812,60,60^FS",
        f"^FO20,14^FR^A0N,{size},{size}^FD{text}^FS",
        "^FO0,549^GB812,60,60^FS",
        f"^FO20,563^FR^A0N,{size},{size}^FD{text}^FS",
    ]


def preparation_label_zpl(label: PreparationLabel) -> str:
    """A ZPL II label 4 x 3 inches at 203 dpi (812 x 609 dots) for a thermal printer."""
    shift = 60 if label.style is not LabelStyle.STANDARD else 0

    def at(y: int) -> int:
        return y + shift

    lines = [
        "^XA",
        "^CI28",
        "^PW812",
        "^LL609",
        *_warning_band(label),
        f"^FO30,{at(25)}^A0N,38,38^FD{_zpl_text(label.patient_name)}^FS",
        f"^FO30,{at(70)}^A0N,26,26^FDNato/a il {label.patient_born:%d/%m/%Y} - MRN "
        f"{_zpl_text(label.patient_mrn)} - {_zpl_text(label.ward)}^FS",
        f"^FO30,{at(120)}^A0N,44,44^FD{_zpl_text(label.drug)} {_zpl_text(label.dose)}^FS",
        f"^FO30,{at(172)}^A0N,28,28^FDin {_zpl_text(label.diluent)} - volume finale "
        f"{_zpl_text(label.final_volume)} - via {_zpl_text(label.route)}^FS",
        f"^FO30,{at(214)}^A0N,26,26^FDPreparata il {_when(label.prepared_at)}^FS",
        f"^FO30,{at(250)}^A0N,32,32^FDSCADENZA {_when(label.expiry)}^FS",
        f"^FO30,{at(292)}^A0N,26,26^FD{_zpl_text(label.storage)}"
        f"{' - PROTEGGERE DALLA LUCE' if label.protect_from_light else ''}^FS",
        f"^FO30,{at(350) - (40 if shift else 0)}^BY3^BCN,{120 - (40 if shift else 0)},Y,N,N"
        f"^FD{label.code}^FS",
        "^XZ",
    ]
    return "\n".join(lines) + "\n"
