"""The pure mapping and search parameters, against hand-written reference values; every
resource validated against the R4 model."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from corsia.fhir.domain import resources as fhir
from corsia.fhir.domain.bundle import searchset
from corsia.fhir.domain.capability import capability_statement
from corsia.fhir.domain.outcome import InvalidSearch
from corsia.fhir.domain.search import (
    Page,
    checked_params,
    date_bounds,
    interval_of,
    page_of,
    reference_id,
    token_of,
)
from corsia.testing.fhir import r4

ROME = ZoneInfo("Europe/Rome")
AT = datetime(2026, 11, 30, 9, 15, tzinfo=ROME)


def test_patient_carries_the_codice_fiscale_as_the_hl7_italia_profile_names_it() -> None:
    facts = fhir.PatientFacts(
        id=7, mrn="2026000123", codice_fiscale="RSSMRA85T10A562S", surname="Rossi",
        given_names="Mario Luigi", sex="M", birth_date=date(1985, 12, 10), active=True,
    )  # fmt: skip
    resource = fhir.patient_resource(facts, mrn_system="urn:oid:2.16.840.1.113883.2.9.4.3.99")
    r4(resource)
    assert resource["identifier"] == [
        {
            "use": "official",
            "system": "http://hl7.it/sid/codiceFiscale",
            "value": "RSSMRA85T10A562S",
        },
        {"use": "usual", "system": "urn:oid:2.16.840.1.113883.2.9.4.3.99", "value": "2026000123"},
    ]
    assert resource["name"][0]["family"] == "Rossi"
    assert resource["name"][0]["given"] == ["Mario", "Luigi"]
    assert resource["gender"] == "male"
    assert resource["birthDate"] == "1985-12-10"


def _vitals(**values: object) -> fhir.VitalsFacts:
    fields: dict[str, object] = {
        "systolic_bp": None, "diastolic_bp": None, "heart_rate": None, "temperature_c": None,
        "respiratory_rate": None, "spo2": None, "pain_nrs": None,
    }  # fmt: skip
    fields.update(values)
    return fhir.VitalsFacts(id=3, patient_id=7, measured_at=AT, **fields)  # type: ignore[arg-type]


def test_blood_pressure_120_80_is_the_loinc_panel_with_its_two_components() -> None:
    [panel] = fhir.vitals_resources(_vitals(systolic_bp=120, diastolic_bp=80))
    r4(panel)
    assert panel["code"]["coding"][0]["code"] == "85354-9"
    assert panel["category"][0]["coding"][0]["code"] == "vital-signs"
    assert [
        (c["code"]["coding"][0]["code"], c["valueQuantity"]["value"], c["valueQuantity"]["code"])
        for c in panel["component"]
    ] == [("8480-6", 120, "mm[Hg]"), ("8462-4", 80, "mm[Hg]")]
    assert "valueQuantity" not in panel  # the values are the components
    assert panel["effectiveDateTime"] == "2026-11-30T09:15:00+01:00"


def test_each_other_sign_is_its_loinc_code_with_its_ucum_unit() -> None:
    found = fhir.vitals_resources(
        _vitals(
            heart_rate=72, temperature_c=Decimal("37.8"), respiratory_rate=16, spo2=97, pain_nrs=3
        )
    )
    for resource in found:
        r4(resource)
    assert [
        (r["code"]["coding"][0]["code"], r["valueQuantity"]["value"], r["valueQuantity"]["code"])
        for r in found
    ] == [
        ("8867-4", 72, "/min"),
        ("8310-5", 37.8, "Cel"),
        ("9279-1", 16, "/min"),
        ("59408-5", 97, "%"),
        ("72514-3", 3, "{score}"),
    ]
    assert len({r["id"] for r in found}) == 5


def test_a_lab_result_has_its_range_and_the_high_flag() -> None:
    resource = fhir.lab_resource(
        fhir.LabFacts(
            id=11, patient_id=7, analyte="Creatinina", value=Decimal("1.4000"), unit="mg/dL",
            reference_low=Decimal("0.7"), reference_high=Decimal("1.2"), flag="H", collected_at=AT,
        )
    )  # fmt: skip
    r4(resource)
    assert resource["valueQuantity"] == {"value": 1.4, "unit": "mg/dL"}
    assert resource["referenceRange"] == [
        {"low": {"value": 0.7, "unit": "mg/dL"}, "high": {"value": 1.2, "unit": "mg/dL"}}
    ]
    assert resource["interpretation"][0]["coding"][0]["code"] == "H"
    assert resource["category"][0]["coding"][0]["code"] == "laboratory"


def test_no_known_allergies_is_the_snomed_situation_716186003() -> None:
    resource = fhir.no_known_allergies_resource(
        fhir.NoKnownAllergiesFacts(id=2, patient_id=7, stated_on=date(2026, 11, 2), ended=False)
    )
    r4(resource)
    assert resource["code"]["coding"][0] == {
        "system": "http://snomed.info/sct", "code": "716186003", "display": "No known allergy",
    }  # fmt: skip
    assert resource["clinicalStatus"]["coding"][0]["code"] == "active"
    assert resource["verificationStatus"]["coding"][0]["code"] == "confirmed"


def test_a_refuted_allergy_is_inactive_and_refuted() -> None:
    resource = fhir.allergy_resource(
        fhir.AllergyEntry(
            id=4, patient_id=7, substance_kind="ingredient", substance="Carboplatino",
            reaction="anaphylaxis", reaction_text="", severity="life_threatening",
            certainty="confirmed", status="refuted", onset_date=None, recorded_at=AT,
        )
    )  # fmt: skip
    r4(resource)
    assert resource["clinicalStatus"]["coding"][0]["code"] == "inactive"
    assert resource["verificationStatus"]["coding"][0]["code"] == "refuted"
    assert resource["reaction"][0]["manifestation"][0]["coding"][0]["code"] == "39579001"
    assert resource["criticality"] == "high"


def test_a_diagnosis_is_an_icd9cm_condition_with_its_stage() -> None:
    resource = fhir.condition_resource(
        fhir.ConditionFacts(
            id=5, patient_id=7, icd9_code="153.3", icd9_display="Tumori maligni del sigma",
            histotype="adenocarcinoma", stage="IIIB", staging_system="TNM 8",
            diagnosed_on=date(2026, 9, 1),
        )
    )  # fmt: skip
    r4(resource)
    assert resource["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-9-cm"
    assert resource["code"]["coding"][0]["code"] == "153.3"
    assert resource["stage"] == [{"summary": {"text": "IIIB"}, "type": {"text": "TNM 8"}}]


def _line(**values: object) -> fhir.OrderLineFacts:
    fields: dict[str, object] = {
        "id": 40, "patient_id": 7, "order_id": 9, "order_state": "validated",
        "line_status": "active", "cycle_number": 1, "regimen_name": "FOLFOX-4",
        "ingredient_code": "oxaliplatin", "ingredient_name": "oxaliplatino", "route": "iv",
        "sequence": 3, "day_of_cycle": 1, "scheduled_date": date(2026, 12, 1),
        "dose": Decimal("85"), "dose_unit": "mg/m2", "final_dose": Decimal("170"),
        "amount_unit": "mg", "duration_minutes": 120, "bsa_m2": Decimal("2.0000"),
        "bsa_formula": "mosteller", "dosing_weight_kg": Decimal("80"), "prescriber_name": "Dr X",
        "authored_at": AT,
    }  # fmt: skip
    fields.update(values)
    return fhir.OrderLineFacts(**fields)  # type: ignore[arg-type]


def test_an_order_line_is_a_medication_request_with_its_bsa_basis_and_its_order() -> None:
    # FOLFOX-4 oxaliplatin 85 mg/m² for a 2.00 m² patient: 85 × 2.00 = 170 mg over 120 min
    resource = fhir.medication_request_resource(_line())
    r4(resource)
    assert resource["status"] == "active"
    assert resource["intent"] == "order"
    assert resource["groupIdentifier"] == {"system": "urn:corsia:therapy-order", "value": "9"}
    dosage = resource["dosageInstruction"][0]
    assert dosage["text"] == "85 mg/m2 × BSA 2.00 m² (mosteller) = 170 mg"
    assert dosage["doseAndRate"][0]["doseQuantity"] == {
        "value": 170, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg",
    }  # fmt: skip
    assert dosage["route"]["coding"][0]["code"] == "47625008"
    assert dosage["timing"] == {
        "event": ["2026-12-01"],
        "repeat": {"duration": 120, "durationUnit": "min"},
    }
    assert "FOLFOX-4 ciclo 1, giorno 1" in resource["note"][0]["text"]


@pytest.mark.parametrize(
    ("order_state", "line_status", "expected"),
    [
        ("draft", "active", "draft"),
        ("validated", "active", "active"),
        ("administered", "active", "completed"),
        ("cancelled", "active", "cancelled"),
        ("suspended", "active", "on-hold"),
        ("validated", "suspended", "on-hold"),
        ("validated", "skipped", "cancelled"),
    ],
)
def test_order_line_status(order_state: str, line_status: str, expected: str) -> None:
    assert fhir.order_line_status(order_state, line_status) == expected


def test_a_per_kilo_dose_shows_the_dosing_weight() -> None:
    line = _line(
        dose=Decimal("5"),
        dose_unit="mg/kg",
        final_dose=Decimal("350"),
        dosing_weight_kg=Decimal("70"),
    )
    assert fhir.dose_basis(line) == "5 mg/kg × 70 kg = 350 mg"


def test_an_interrupted_administration_is_stopped_with_the_amount_given() -> None:
    # 150 of 250 mL of a 60 mg bag: 36 mg given (corsia.administration.given)
    resource = fhir.medication_administration_resource(
        fhir.AdministrationFacts(
            id=21, patient_id=7, order_item_id=40, ingredient_code="oxaliplatin",
            ingredient_name="oxaliplatino", amount_given=Decimal("36"), dose_unit="mg",
            route="iv", state="interrupted", started_at=AT,
            ended_at=datetime(2026, 11, 30, 10, 0, tzinfo=ROME), nurse_name="Bianca Neri",
            reason="reazione infusionale",
        )
    )  # fmt: skip
    r4(resource)
    assert resource["status"] == "stopped"
    assert resource["dosage"]["dose"]["value"] == 36
    assert resource["performer"] == [{"actor": {"display": "Bianca Neri"}}]
    assert resource["effectivePeriod"] == {
        "start": "2026-11-30T09:15:00+01:00", "end": "2026-11-30T10:00:00+01:00",
    }  # fmt: skip
    assert resource["request"] == {"reference": "MedicationRequest/40"}
    assert resource["statusReason"] == [{"text": "reazione infusionale"}]


# --- search parameters ---------------------------------------------------------------------------


def test_unknown_parameters_and_modifiers_are_refused() -> None:
    with pytest.raises(InvalidSearch, match="name"):
        checked_params([("name", ["Rossi"])], {"family"})
    with pytest.raises(InvalidSearch, match="modifiers"):
        checked_params([("family:exact", ["Rossi"])], {"family"})
    with pytest.raises(InvalidSearch, match="only once"):
        checked_params([("family", ["Rossi", "Bianchi"])], {"family"})
    with pytest.raises(InvalidSearch, match="JSON"):
        checked_params([("_format", ["xml"])], {"family"})
    assert checked_params([("date", ["ge2026-01-01", "le2026-02"])], {"date"}) == {
        "date": ["ge2026-01-01", "le2026-02"]
    }


@pytest.mark.parametrize(
    ("raw", "count"),
    [(None, 50), ("10", 10), ("0", 0), ("200", 200), ("201", 200), ("9" * 40, 200)],
)
def test_count_defaults_to_50_and_is_served_at_most_200(raw: str | None, count: int) -> None:
    params = {} if raw is None else {"_count": [raw]}
    assert page_of(params).count == count


@pytest.mark.parametrize("raw", ["-1", "1e3", "abc", "١٢"])
def test_count_that_is_not_a_whole_number_is_refused(raw: str) -> None:
    with pytest.raises(InvalidSearch):
        page_of({"_count": [raw]})


def test_dates_name_their_whole_interval_in_the_hospital_zone() -> None:
    # ge2026-03 and le2026-03-15: from 1 March 00:00 to the end of 15 March, Rome time
    found = interval_of(["ge2026-03", "le2026-03-15"], ROME)
    assert found.start == datetime(2026, 3, 1, tzinfo=ROME)
    assert found.end == datetime(2026, 3, 16, tzinfo=ROME)
    exact = interval_of(["2026-03-01T10:00:00Z"], ROME)
    assert exact.start == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert interval_of(["gt2026"], ROME).start == datetime(2027, 1, 1, tzinfo=ROME)
    assert interval_of(["lt2026-12"], ROME).end == datetime(2026, 12, 1, tzinfo=ROME)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-02-30",
        "2026-13",
        "ge",
        "xx2026",
        "2026-03-01T10:00",
        "0000",
        "9999-12-31",
        "2026-03-01T25:00:00Z",
    ],
)
def test_malformed_dates_are_refused(raw: str) -> None:
    with pytest.raises(InvalidSearch):
        interval_of([raw], ROME)


def test_a_birthdate_searches_whole_days() -> None:
    assert date_bounds(interval_of(["1985-12-10"], ROME), ROME) == (
        date(1985, 12, 10),
        date(1985, 12, 11),
    )
    assert date_bounds(interval_of(["le1985"], ROME), ROME) == (None, date(1986, 1, 1))


def test_tokens_and_references() -> None:
    assert (
        token_of("http://hl7.it/sid/codiceFiscale|RSSMRA85T10A562S").system
        == "http://hl7.it/sid/codiceFiscale"
    )
    assert token_of("|X").system == ""
    assert token_of("vital-signs").system is None
    assert reference_id("Patient/12", "Patient") == 12
    assert reference_id("12", "Patient") == 12
    assert reference_id("abc", "Patient") is None
    with pytest.raises(InvalidSearch):
        reference_id("Encounter/12", "Patient")


def test_the_bundle_links_the_next_page_until_the_last() -> None:
    patient = fhir.patient_resource(
        fhir.PatientFacts(7, "1", "", "Rossi", "Mario", "M", date(1985, 12, 10), True),
        mrn_system="urn:x",
    )
    first = searchset(
        base="http://h/fhir/Patient", resource_base="http://h/fhir",
        params={"family": ["Ros"], "_count": ["1"]}, page=Page(count=1, offset=0), total=2,
        resources=[patient],
    )  # fmt: skip
    r4(first)
    assert first["total"] == 2
    assert first["link"] == [
        {"relation": "self", "url": "http://h/fhir/Patient?family=Ros&_count=1&_offset=0"},
        {"relation": "next", "url": "http://h/fhir/Patient?family=Ros&_count=1&_offset=1"},
    ]
    assert first["entry"][0]["fullUrl"] == "http://h/fhir/Patient/7"
    last = searchset(
        base="http://h/fhir/Patient", resource_base="http://h/fhir", params={},
        page=Page(count=1, offset=1), total=2, resources=[patient],
    )  # fmt: skip
    assert [link["relation"] for link in last["link"]] == ["self", "previous"]


def test_the_capability_statement_is_valid_r4() -> None:
    statement = capability_statement(base="http://h/fhir", published="2026-12-03")
    r4(statement)
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(resources) == {
        "Patient", "Encounter", "AllergyIntolerance", "Condition", "Observation",
        "MedicationRequest", "MedicationAdministration", "RequestGroup", "DocumentReference",
        "Binary", "Practitioner", "Medication", "PlanDefinition", "AuditEvent",
    }  # fmt: skip
    interactions = {t: {i["code"] for i in r["interaction"]} for t, r in resources.items()}
    assert interactions["Binary"] == {"read"}
    assert interactions["AuditEvent"] == {"search-type"}
    assert interactions["Observation"] == {"read", "search-type"}
    assert {p["name"] for p in resources["Patient"]["searchParam"]} == {
        "_id", "identifier", "family", "birthdate", "_lastUpdated", "_count",
    }  # fmt: skip
    assert statement["fhirVersion"] == "4.0.1"
