"""What the preparation label carries (safety rule 10) and its ZPL (pure).

Patient (two identifiers), drug and dose, volume, diluent, route, preparation time,
expiry, storage, light protection and the unique Code 128 barcode of the preparation
(``PRP`` + 9 digits, ``workflow.preparation_label_code``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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


def _zpl_text(value: str) -> str:
    """ZPL field data: ``^`` and ``~`` would start commands; replaced by blanks."""
    return value.replace("^", " ").replace("~", " ")


def _when(moment: datetime | None) -> str:
    return f"{moment:%d/%m/%Y %H:%M}" if moment is not None else "-"


def preparation_label_zpl(label: PreparationLabel) -> str:
    """A ZPL II label 4 x 3 inches at 203 dpi (812 x 609 dots) for a thermal printer."""
    lines = [
        "^XA",
        "^CI28",
        "^PW812",
        "^LL609",
        f"^FO30,25^A0N,38,38^FD{_zpl_text(label.patient_name)}^FS",
        f"^FO30,70^A0N,26,26^FDNato/a il {label.patient_born:%d/%m/%Y} - MRN "
        f"{_zpl_text(label.patient_mrn)} - {_zpl_text(label.ward)}^FS",
        f"^FO30,120^A0N,44,44^FD{_zpl_text(label.drug)} {_zpl_text(label.dose)}^FS",
        f"^FO30,172^A0N,28,28^FDin {_zpl_text(label.diluent)} - volume finale "
        f"{_zpl_text(label.final_volume)} - via {_zpl_text(label.route)}^FS",
        f"^FO30,214^A0N,26,26^FDPreparata il {_when(label.prepared_at)}^FS",
        f"^FO30,250^A0N,32,32^FDSCADENZA {_when(label.expiry)}^FS",
        f"^FO30,292^A0N,26,26^FD{_zpl_text(label.storage)}"
        f"{' - PROTEGGERE DALLA LUCE' if label.protect_from_light else ''}^FS",
        f"^FO30,350^BY3^BCN,120,Y,N,N^FD{label.code}^FS",
        "^XZ",
    ]
    return "\n".join(lines) + "\n"
