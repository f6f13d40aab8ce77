"""The gateway's dictionaries, as Corsia ships them, loaded once per process.

One CSV per code system under ``data/terminology/<OID>.csv`` (columns ``version, code,
description, release_date``: the format of ``ministero-salute/it-fse-catalogs``), plus the
two catalogues the project already ships elsewhere and reuses here rather than copying:
ICD-9-CM 2007 (``corsia/records/data/icd9cm_it_2007.csv``). The LOINC file is a curated
subset (see ``data/NOTICE.md``): a LOINC code outside it is an error, so a new code Corsia
emits must be added to the table first. AIC, SNOMED CT, MedDRA have no dictionary here:
their codes are reported as a warning naming the missing dictionary.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path

from corsia.fse.domain.terminology import WHITELIST, Dictionaries, Dictionary

TERMINOLOGY = Path(__file__).resolve().parent / "data" / "terminology"
LOINC = "2.16.840.1.113883.6.1"
ICD9CM = "2.16.840.1.113883.6.103"
ATC = "2.16.840.1.113883.6.73"
AIC = "2.16.840.1.113883.2.9.6.1.5"

NAMES: dict[str, str] = {
    LOINC: "LOINC",
    ICD9CM: "ICD-9-CM",
    ATC: "ATC",
    AIC: "AIC (codici delle confezioni AIFA)",
    "2.16.840.1.113883.6.96": "SNOMED CT",
    "2.16.840.1.113883.6.163": "MedDRA",
    "2.16.840.1.113883.2.9.6.1.51": "GE (gruppi di equivalenza AIFA)",
    "2.16.840.1.113883.1.11.12839": "UCUM",
    "2.16.840.1.113883.5.1": "HL7 AdministrativeGender",
    "2.16.840.1.113883.5.25": "HL7 Confidentiality",
    "2.16.840.1.113883.5.112": "HL7 RouteOfAdministration",
    "2.16.840.1.113883.5.4": "HL7 ActCode",
    "2.16.840.1.113883.5.1063": "HL7 ObservationValue (criticità)",
}


def _dictionary(
    system: str, rows: list[tuple[str, str, str]], *, subset: bool = False
) -> Dictionary:
    """``rows`` of (version, code, release_date)."""
    versions: dict[str, set[str]] = {}
    released: dict[str, str] = {}
    whitelisted = False
    for version, code, release in rows:
        if code == WHITELIST:
            whitelisted = True
        versions.setdefault(version, set()).add(code)
        released[version] = max(released.get(version, ""), release)
    newest = max(released, key=lambda v: released[v]) if released else ""
    return Dictionary(
        system=system,
        name=NAMES.get(system, ""),
        versions={v: frozenset(c) for v, c in versions.items()},
        newest=newest,
        whitelisted=whitelisted,
        subset=subset,
    )


def _gateway_file(path: Path) -> Dictionary:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            (r["version"].strip(), r["code"].strip(), (r.get("release_date") or "").strip())
            for r in csv.DictReader(handle)
        ]
    return _dictionary(path.stem, rows, subset=path.stem == LOINC)


def _icd9cm() -> Dictionary:
    source = resources.files("corsia.records").joinpath("data", "icd9cm_it_2007.csv")
    with source.open("r", encoding="utf-8") as handle:
        rows = [("", r["code"].strip(), "") for r in csv.DictReader(handle)]
    return _dictionary(ICD9CM, rows)


@cache
def gateway_dictionaries() -> Dictionaries:
    found = {p.stem: _gateway_file(p) for p in sorted(TERMINOLOGY.glob("*.csv"))}
    found[ICD9CM] = _icd9cm()
    return Dictionaries(by_system=found, names=NAMES)
