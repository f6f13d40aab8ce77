"""Coded entries shared by the LDO and the RSA (pure): diagnoses, allergies, drugs,
laboratory results and reports, complications, procedures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from corsia.fse.domain.cda.model import HomeMedication, xml_text
from corsia.fse.domain.cda.xml import (
    AIC,
    ATC,
    ICD9CM,
    LOINC,
    MEDDRA,
    coded,
    day,
    el,
    entry,
    interval,
    loinc,
    new_observation,
    reference,
    table,
    ts,
)

ROUTES = "2.16.840.1.113883.5.112"
ACT_CODE = "2.16.840.1.113883.5.4"
CRITICALITY = "2.16.840.1.113883.5.1063"
# the printed route (regimens' labels) -> HL7 RouteOfAdministration
ROUTE_CODES: dict[str, tuple[str, str]] = {
    "endovenosa": ("IV", "Infusion, intravenous"),
    "orale": ("PO", "Swallow, oral"),
    "sottocutanea": ("SQ", "Injection, subcutaneous"),
    "intramuscolare": ("IM", "Injection, intramuscular"),
    "intratecale": ("IT", "Infusion, intrathecal"),
}
# the allergy's printed severity (patients' labels) -> criticality L / M / H
CRITICALITIES: dict[str, tuple[str, str]] = {
    "lieve": ("L", "Low"),
    "moderata": ("M", "Moderate"),
    "grave": ("H", "High"),
    "pericolo di vita": ("H", "High"),
}
CHEMOTHERAPY = ("99.25", "Iniezione o infusione di sostanze chemioterapiche per tumore")
UNIT_TO_UCUM = {"10^9/L": "10*9/L", "10^12/L": "10*12/L", "10^3/µL": "10*3/uL", "µmol/L": "umol/L"}


class Ids:
    """Document-wide unique narrative IDs (``xs:ID``)."""

    def __init__(self) -> None:
        self.count = 0

    def next(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}-{self.count}"


def items(section: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    return list(section["items"]) if section else []


def chart_table(
    text: etree._Element, section: Mapping[str, Any] | None, ids: list[str] | None = None
) -> bool:
    """The chart section printed as the letter prints it (a table); False when empty."""
    rows = items(section)
    if section is None or not rows:
        return False
    if section.get("truncated"):
        el(text, "paragraph", f"{section['truncated']} voci meno recenti non riportate.")
    table(text, section["columns"], [r["cells"] for r in rows], ids, caption=section["title"])
    return True


def diagnosis_entries(
    node: etree._Element, diagnoses: Sequence[Mapping[str, Any]], question: str, display: str
) -> None:
    """One observation per ICD-9-CM diagnosis (``value`` CD)."""
    for item in diagnoses:
        values = item["values"]
        code = str(values.get("icd9cm", "")).strip()
        if not code:
            continue
        observation = new_observation(node)
        loinc(observation, question, display)
        el(observation, "statusCode", code="completed")
        coded(
            observation, "value", code, ICD9CM, str(values.get("icd9cm_label", "")), xsi_type="CD"
        )


def allergy_entries(
    node: etree._Element, section: Mapping[str, Any] | None, ids: list[str]
) -> None:
    """One allergy act per allergy listed (none for "no known allergies" or "not asked":
    the narrative says so). Substance and reaction are the chart's words, not coded."""
    for item, ref in zip(items(section), ids, strict=False):
        values = item["values"]
        if "substance" not in values:
            continue
        act = el(entry(node), "act", classCode="ACT", moodCode="EVN")
        el(act, "code", nullFlavor="NA")
        el(act, "statusCode", code="active")
        interval(act, "")
        observation = new_observation(act, "SUBJ")
        loinc(observation, "52473-6", "Allergia o causa della reazione")
        reference(el(observation, "text"), ref)
        el(observation, "statusCode", code="completed")
        interval(observation, "")
        value = el(observation, "value", xsi_type="CD")
        reference(el(value, "originalText"), ref)
        agent = el(
            el(el(observation, "participant", typeCode="CSM"), "participantRole", classCode="MANU"),
            "playingEntity",
            classCode="MMAT",
        )
        el(agent, "code", nullFlavor="UNK")
        el(agent, "name", str(values.get("substance", "")) or "—")
        if values.get("reaction"):
            reaction = new_observation(observation, "MFST")
            loinc(reaction, "75321-0", "Obiettività Clinica")
            el(reaction, "statusCode", code="completed")
            interval(reaction, "")
            value = el(reaction, "value", xsi_type="CD")
            reference(el(value, "originalText"), ref)
        criticality = CRITICALITIES.get(str(values.get("severity", "")).strip().lower())
        if criticality:
            severity = new_observation(observation, "SUBJ")
            coded(severity, "code", "SEV", ACT_CODE, "Criticality")
            el(severity, "statusCode", code="completed")
            coded(severity, "value", criticality[0], CRITICALITY, criticality[1], xsi_type="CD")
        status = new_observation(observation, "REFR")
        loinc(status, "33999-4", "Stato")
        el(status, "statusCode", code="completed")
        coded(status, "value", "LA16666-2", LOINC, "Active", xsi_type="CD")


def _material(
    administration: etree._Element, atc: str, name: str, aic: str = "", aic_name: str = ""
) -> None:
    material = el(
        el(el(administration, "consumable"), "manufacturedProduct", classCode="MANU"),
        "manufacturedMaterial",
    )
    if aic:
        code = coded(material, "code", aic, AIC, aic_name)
        coded(code, "translation", atc, ATC, name)
    else:
        coded(material, "code", atc, ATC, name)


def _decimal(raw: object) -> Decimal | None:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def given_therapy_entries(
    node: etree._Element,
    section: Mapping[str, Any] | None,
    atc: Mapping[str, str],
    ucum: frozenset[str],
) -> None:
    """Each antineoplastic line given at the bedside (completed, that day), coded by the
    ingredient's ATC; lines not given, or whose ingredient has no ATC, stay in the table."""
    for item in items(section):
        values = item["values"]
        code = atc.get(str(values.get("ingredient_code", "")), "")
        if not code or not values.get("given") or not values.get("scheduled_on"):
            continue
        administration = el(
            entry(node), "substanceAdministration", classCode="SBADM", moodCode="EVN"
        )
        el(administration, "statusCode", code="completed")
        on = day(str(values["scheduled_on"]))
        interval(administration, on, on, xsi_type="IVL_TS")
        route = ROUTE_CODES.get(str(values.get("route", "")).strip().lower())
        if route:
            coded(administration, "routeCode", route[0], ROUTES, route[1])
        amount, unit = _decimal(values.get("given")), str(values.get("unit", ""))
        if amount is not None and unit in ucum:
            el(administration, "doseQuantity", value=format(amount.normalize(), "f"), unit=unit)
        _material(administration, code, str(values.get("ingredient", "")))


def home_therapy_entries(
    node: etree._Element, medications: Sequence[HomeMedication], mood: str
) -> None:
    """Home therapy in progress (active, no end), coded by ATC (and AIC when known)."""
    for medication in medications:
        administration = el(
            entry(node), "substanceAdministration", classCode="SBADM", moodCode=mood
        )
        el(administration, "text", medication.text)
        el(administration, "statusCode", code="active")
        interval(administration, day(medication.started_on), xsi_type="IVL_TS")
        _material(
            administration, medication.atc, medication.atc_name, medication.aic, medication.aic_name
        )


def chemotherapy_procedures(node: etree._Element, section: Mapping[str, Any] | None) -> int:
    """One ICD-9-CM 99.25 procedure per order with doses given: first to last day given."""
    days: dict[str, list[str]] = {}
    for item in items(section):
        values = item["values"]
        if values.get("given") and values.get("scheduled_on"):
            days.setdefault(str(values.get("order_id", "")), []).append(str(values["scheduled_on"]))
    for given in days.values():
        procedure = el(entry(node), "procedure", classCode="PROC", moodCode="EVN")
        coded(procedure, "code", CHEMOTHERAPY[0], ICD9CM, CHEMOTHERAPY[1])
        el(procedure, "statusCode", code="completed")
        interval(procedure, day(min(given)), day(max(given)))
    return len(days)


def _pq_or_text(
    observation: etree._Element, values: Mapping[str, Any], ucum: frozenset[str]
) -> None:
    amount = _decimal(values.get("value"))
    unit = UNIT_TO_UCUM.get(str(values.get("unit", "")), str(values.get("unit", "")))
    if amount is not None and unit in ucum:
        el(observation, "value", xsi_type="PQ", value=format(amount.normalize(), "f"), unit=unit)
    else:
        el(
            observation,
            "value",
            f"{values.get('value', '')} {values.get('unit', '')}".strip(),
            xsi_type="ST",
        )


def lab_entries(
    node: etree._Element,
    section: Mapping[str, Any] | None,
    lab_loinc: Mapping[str, str],
    ucum: frozenset[str],
) -> None:
    """Results whose analyte the hospital maps to LOINC; the others only in the table."""
    for item in items(section):
        values = item["values"]
        code = lab_loinc.get(str(values.get("analyte", "")))
        if not code or not values.get("collected_at"):
            continue
        observation = new_observation(node)
        loinc(observation, code, str(values.get("analyte", "")))
        el(observation, "statusCode", code="completed")
        el(observation, "effectiveTime", value=ts(str(values["collected_at"])))
        _pq_or_text(observation, values, ucum)
        flag = str(values.get("flag", ""))
        if flag in ("H", "L"):
            coded(
                observation,
                "interpretationCode",
                flag,
                "2.16.840.1.113883.5.83",
                "High" if flag == "H" else "Low",
            )


def report_entries(node: etree._Element, section: Mapping[str, Any] | None) -> None:
    """Each pathology, imaging or consultation report: its LOINC type and conclusion."""
    for item in items(section):
        values = item["values"]
        if not values.get("loinc") or not values.get("performed_on"):
            continue
        observation = new_observation(node)
        loinc(observation, str(values["loinc"]), str(values.get("title", "")))
        el(observation, "statusCode", code="completed")
        el(observation, "effectiveTime", value=day(str(values["performed_on"])))
        el(observation, "value", xml_text(values.get("conclusion", "")), xsi_type="ST")


def complication_entries(node: etree._Element, section: Mapping[str, Any] | None) -> None:
    """Each toxicity as a problem coded in MedDRA (the CTCAE v5 term), onset to resolution."""
    for item in items(section):
        values = item["values"]
        if not values.get("meddra_code") or not values.get("onset"):
            continue
        observation = new_observation(node)
        loinc(observation, "75326-9", "Problem")
        el(observation, "statusCode", code="completed")
        resolved = str(values.get("resolution", ""))
        interval(observation, day(str(values["onset"])), day(resolved) if resolved else "")
        coded(
            observation,
            "value",
            str(values["meddra_code"]),
            MEDDRA,
            f"{values.get('term', '')} (CTCAE v5, grado {values.get('grade', '')})",
            xsi_type="CD",
        )


def table_of_home_therapy(text: etree._Element, medications: Sequence[HomeMedication]) -> None:
    table(
        text,
        ["Farmaco", "ATC", "AIC", "Dal"],
        [
            [m.text, f"{m.atc} {m.atc_name}", m.aic or "—", m.started_on.strftime("%d/%m/%Y")]
            for m in medications
        ],
        caption="Terapia domiciliare in corso",
    )
