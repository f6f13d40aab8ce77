"""The haemovigilance notification of a transfusion reaction: the data set the transfusion
service (SIMT) enters in SISTRA, the national haemovigilance system (Centro Nazionale
Sangue; DM 2 novembre 2015, Allegato VIII, and the national notification form of adverse
reactions in recipients). Pure: the rows of the form and their CSV/JSON.

SISTRA has no public API: Corsia does not send the notification, it prepares it (a
printable page and a CSV/JSON export) for the SIMT to enter. Patient data are the form's
minimum: initials, sex, date of birth; the MRN is there for the SIMT's own lookup and is
not to be typed into SISTRA. The outcome (esito) is the SIMT's, filled in SISTRA itself.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date, datetime

FORM = "Scheda di notifica di reazione indesiderata nel ricevente (SISTRA)"


@dataclass(frozen=True)
class UnitLine:
    din: str
    product_code: str
    component: str  # Italian label
    group: str
    released_in_emergency: bool
    started_at: datetime | None
    ended_at: datetime | None
    volume_ml: int | None


@dataclass(frozen=True)
class Notification:
    reaction_id: int
    patient_initials: str
    patient_sex: str
    patient_birth_date: date
    patient_mrn: str
    indication: str
    category: str  # stable code
    category_label: str
    severity: str  # 1-4
    severity_label: str
    imputability: str
    imputability_label: str
    onset_at: datetime
    description: str
    report_at_once: bool
    recorded_by: str
    recorded_at: datetime
    units: tuple[UnitLine, ...]


def initials(given_names: str, surname: str) -> str:
    """The initials as the form asks: first letter of the given name, then the surname."""
    first = given_names.strip()[:1].upper()
    last = surname.strip()[:1].upper()
    return f"{first}{last}"


def _text(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else value


def as_json(notification: Notification) -> dict[str, object]:
    data = asdict(notification)
    out: dict[str, object] = {k: _text(v) for k, v in data.items() if k != "units"}
    out["form"] = FORM
    out["units"] = [{k: _text(v) for k, v in unit.items()} for unit in data["units"]]
    return out


CSV_COLUMNS = (
    "reaction_id",
    "patient_initials",
    "patient_sex",
    "patient_birth_date",
    "patient_mrn",
    "category",
    "severity",
    "imputability",
    "onset_at",
    "din",
    "product_code",
    "component",
    "group",
    "released_in_emergency",
    "started_at",
    "ended_at",
    "volume_ml",
    "indication",
    "description",
)


def as_csv(notification: Notification) -> str:
    """One row per unit involved, the reaction's fields repeated (what SISTRA asks per
    component); spreadsheet formula characters at the start of a text are neutralised."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    data = as_json(notification)
    units = [{k: _text(v) for k, v in asdict(u).items()} for u in notification.units]
    for unit in units or [{}]:
        row = {**data, **unit}
        writer.writerow({k: _safe(row.get(k, "")) for k in CSV_COLUMNS})
    return out.getvalue()


def _safe(value: object) -> object:
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return value
