"""Structured staging of a diagnosis and prognostic score assessments: the stage and the
score computed by the domain and stored with their inputs and reference; refusals (a TNM
combination the table does not hold, a missing input, a NUL byte, a stale form) leave
nothing saved; pages and API with the chart's permissions; the chart header.

Expected stages and scores are the published tables' and the hand calculations written out
in the domain tests (test_staging_tnm.py, test_prognosis_*.py), not this code's output."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.concurrency import StaleVersion
from corsia.core.domain.errors import NotFound, PermissionRefused, ValidationFailed
from corsia.patients import services as patient_services
from corsia.patients.models import Patient
from corsia.records import selectors, services
from corsia.records.models import Diagnosis, DiagnosisStaging, Icd9Code, PrognosticAssessment
from corsia.testing.accounts import MakeUser
from corsia.testing.patients import allergy_input
from corsia.testing.records import signed_in

pytestmark = pytest.mark.django_db
DIAGNOSED = date(2025, 11, 3)
JSON = "application/json"


@pytest.fixture
def sites(db: None) -> None:
    """The few ICD-9-CM codes these tests name (the whole catalogue is not needed)."""
    for code, label in (
        ("162.3", "Tumori maligni del lobo superiore, bronco o polmone"),
        ("174.9", "Tumori maligni della mammella (donna), non specificata"),
        ("203.00", "Mieloma multiplo, senza menzione di remissione"),
    ):
        Icd9Code.objects.create(code=code, kind="D", description_it=label)


def _diagnosis(physician: User, patient: Patient, code: str = "162.3") -> Diagnosis:
    return services.diagnosis_record(
        actor=physician,
        workstation=None,
        patient_id=patient.pk,
        data=services.DiagnosisInput(
            primary_site_code=code, diagnosed_on=DIAGNOSED, histotype="Adenocarcinoma"
        ),
    )


def _lung(t: str = "T2a", n: str = "N1", m: str = "M0", **changes: Any) -> services.StagingInput:
    values: dict[str, Any] = {
        "system": "tnm8_lung",
        "criterion": "clinical",
        "inputs": {"t": t, "n": n, "m": m},
    }
    return services.StagingInput(**(values | changes))


def _iss(b2m: str) -> services.StagingInput:
    return services.StagingInput(
        "iss", "clinical", {"beta2_microglobulin_mg_l": b2m, "albumin_g_dl": "4,1"}
    )


def _sign(
    physician: User, d: Diagnosis, data: services.StagingInput, version: int = 0
) -> DiagnosisStaging:
    return services.staging_sign(
        actor=physician, workstation=None, patient_id=d.patient_id, diagnosis_id=d.pk,
        data=data, expected_version=version,
    )  # fmt: skip


def test_staging_computed_stored_versioned_and_shown_in_the_header(
    sites: None, physician: User, patient: Patient
) -> None:
    diagnosis = _diagnosis(physician, patient)
    # when the physician stages cT2a N1 M0
    first = _sign(physician, diagnosis, _lung())
    # then the IASLC/AJCC 8 lung table gives IIB (Goldstraw 2016, Table 3: T2a N1 M0 = IIB)
    assert (first.number, first.stage, first.stage_label) == (1, "IIB", "Stadio IIB")
    assert (first.categories, first.criterion) == ("cT2a N1 M0", "clinical")
    assert first.inputs == {"t": "T2a", "n": "N1", "m": "M0"}
    assert first.reference == "TNM 8 (Goldstraw 2016)"
    assert (first.staged_on, first.author) == (timezone.localdate(), physician)
    after = AuditEvent.objects.get(event_type="records.staging_signed").after
    assert after is not None and (after["stage"], after["inputs"]["t"]) == ("IIB", "T2a")
    header = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None).header
    assert header.stage == "IIB"
    assert header.stage_detail == (
        "cT2a N1 M0 · TNM 8ª ed. – Polmone (carcinoma non a piccole cellule) · "
        f"clinico (c), {timezone.localdate():%d/%m/%Y}"
    )
    # and after surgery, the pathological stage pT1a N0 M0 (IA1) is version 2
    second = _sign(physician, diagnosis, _lung("T1a", "N0", criterion="pathological"), version=1)
    assert (second.number, second.stage, second.categories) == (2, "IA1", "pT1a N0 M0")
    # a form built from version 1 is now stale: refused, nothing saved
    with pytest.raises(StaleVersion):
        _sign(physician, diagnosis, _lung("T4"), version=1)
    stages = DiagnosisStaging.objects.order_by("number").values_list("stage", flat=True)
    assert list(stages) == ["IIB", "IA1"]
    header = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None).header
    assert header.stage == "IA1"
    # and a signed staging is read-only at the database
    with pytest.raises(DatabaseError), transaction.atomic():
        DiagnosisStaging.objects.filter(pk=first.pk).update(stage="IV")


def test_bad_stagings_refused_in_italian_nothing_saved(
    sites: None, physician: User, patient: Patient, make_user: MakeUser
) -> None:
    lung = _diagnosis(physician, patient)
    breast = _diagnosis(physician, patient, "174.9")
    myeloma = _diagnosis(physician, patient, "203.00")
    tomorrow = timezone.localdate() + timedelta(days=1)
    cases: list[tuple[Diagnosis, services.StagingInput, str]] = [
        # Tis N1: no row of the lung table holds it
        (lung, _lung("Tis", "N1"), "tnm_combination_undefined"),
        (lung, _lung("T9"), "tnm_category_invalid"),
        (lung, _lung(m=""), "clinical_input_missing"),
        (lung, _lung("T2a\x00"), "invalid_characters"),
        (lung, _lung(system="tnm9_lung"), "staging_system_unknown"),
        (lung, _lung(criterion="yp"), "staging_criterion_invalid"),
        (lung, _lung(staged_on=tomorrow), "in_future"),
        (lung, _lung(inputs={"t": "T1a", "n": "N0", "m": "M0", "g": "G2"}), "clinical_input_unknown"),
        # a pT written on a clinical staging
        (lung, _lung("pT2a"), "clinical_inputs_inconsistent"),
        # the lung's TNM on a breast cancer
        (breast, _lung(), "staging_site_mismatch"),
        # the ISS of myeloma on a lung cancer
        (lung, _iss("1.2"), "staging_site_mismatch"),
        # β2-microglobulin 1e308 mg/L
        (myeloma, _iss("1e308"), "clinical_input_out_of_range"),
    ]  # fmt: skip
    for diagnosis, data, code in cases:
        with pytest.raises(ValidationFailed) as refused:
            _sign(physician, diagnosis, data)
        assert refused.value.code == code, data
    with pytest.raises(ValidationFailed) as refused:
        _sign(physician, lung, _lung(m=""))
    assert refused.value.message == "Dato mancante: categoria M."
    with pytest.raises(ValidationFailed) as impossible:
        _sign(physician, lung, _lung("Tis", "N1"))
    assert impossible.value.message == (
        "La combinazione cTis N1 M0 non ha uno stadio nella tabella TNM 8ª edizione per la "
        "sede «Polmone (carcinoma non a piccole cellule)»."
    )
    # another patient's diagnosis through this patient's chart: not found
    other = patient_services.patient_create(
        actor=make_user(Role.COORDINATOR), workstation=None,
        data=patient_services.PatientInput(
            surname="Verdi", given_names="Luca", sex="M", date_of_birth=date(1950, 1, 1),
            stp_eni_code="STP0000000000002",
        ),
    )  # fmt: skip
    with pytest.raises(NotFound):
        services.staging_sign(
            actor=physician, workstation=None, patient_id=other.pk, diagnosis_id=lung.pk,
            data=_lung(), expected_version=0,
        )  # fmt: skip
    for user in (make_user(Role.NURSE), make_user(Role.PHARMACIST)):
        with pytest.raises(PermissionRefused):
            _sign(user, lung, _lung())
    assert DiagnosisStaging.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type="records.staging_signed").exists()


# One published or hand-calculated example per score, through the API; the arithmetic is
# written out in the domain tests named beside each.
SCORE_EXAMPLES: list[tuple[str, dict[str, Any], str, str, str]] = [
    # test_ipi_counts_one_point_per_adverse_factor: 1 + 1 + 0 + 1 + 1 = 4
    ("ipi", {"age_years": 65, "ldh": 300, "ldh_uln": 250, "ecog_ps": 1, "ann_arbor": 3,
             "extranodal_sites": 2}, "4", "high", "Shipp 1993"),
    # LDH 300 > 250, ECOG 2, stage III: 3 of 3 factors, high (Shipp 1993, age-adjusted)
    ("aaipi", {"ldh": "300", "ldh_uln": "250", "ecog_ps": "2", "ann_arbor": "3"}, "3", "high",
     "Shipp 1993"),
    # the same four IPI factors regrouped: ≥ 3 poor (Sehn 2007)
    ("r_ipi", {"age_years": 65, "ldh": 300, "ldh_uln": 250, "ecog_ps": 1, "ann_arbor": 3,
               "extranodal_sites": 2}, "4", "poor", "Sehn 2007"),
    # test_flipi_worked_example: age 62, stage IV, Hb 11.5 < 12, 5 areas > 4: 4, high
    ("flipi", {"age_years": 62, "ann_arbor": 4, "haemoglobin_g_dl": "11,5", "nodal_areas": 5,
               "ldh": 200, "ldh_uln": 250}, "4", "high", "Solal-Céligny 2004"),
    # test_mipi_low_risk_hand_calculation: 1.7675 + 0 + 0 + 3.7572 = 5.5247 < 5.7
    ("mipi", {"age_years": 50, "ecog_ps": 1, "ldh": 200, "ldh_uln": 200, "wbc_10e9_l": 10},
     "5.5247", "low", "Hoster 2008"),
    # test_sokal_high_risk_hand_calculation: exp(0.270551) = 1.3107 > 1.2
    ("sokal", {"age_years": 53, "spleen_cm": 10, "platelets_10e9_l": 700,
               "blood_blasts_pct": 2}, "1.3107", "high", "Sokal 1984"),
    # test_elts_intermediate_risk_hand_calculation: 2.119498 ≤ 2.2185
    ("elts", {"age_years": 60, "spleen_cm": 10, "platelets_10e9_l": 400,
              "blood_blasts_pct": 3}, "2.1195", "intermediate", "Pfirrmann 2016"),
    # test_ipss_worked_example: 1.5 + 0.5 + 0.5 = 2.5
    ("ipss", {"marrow_blasts_pct": 12, "karyotype": "intermediate", "haemoglobin_g_dl": 9,
              "anc_10e9_l": 1.5, "platelets_10e9_l": 150}, "2.5", "high", "Greenberg 1997"),
    # test_ipss_r_worked_example: 1 + 1 + 1 + 0.5 + 0 = 3.5
    ("ipss_r", {"marrow_blasts_pct": 3, "karyotype": "good", "haemoglobin_g_dl": 9,
                "platelets_10e9_l": 80, "anc_10e9_l": 1}, "3.5", "intermediate",
     "Greenberg 2012"),
    # test_ipss_ra_moves_an_older_patient_up_a_group: 3 + 10 × 0.035 = 3.35
    ("ipss_ra", {"marrow_blasts_pct": 3, "karyotype": "intermediate", "haemoglobin_g_dl": 12,
                 "platelets_10e9_l": 200, "anc_10e9_l": 2, "age_years": 80}, "3.35",
     "intermediate", "Greenberg 2012"),
    # test_wpss_2007_with_transfusion_dependency: RAEB-1 2 + poor 2 + transfusions 1 = 5
    ("wpss", {"who_category": "raeb_1", "karyotype": "poor", "transfusion_dependent": True},
     "5", "very_high", "Malcovati 2007"),
    # test_pap_worst_case_example: 1.0 + 1.5 + 2.5 + 6.0 + 1.5 + 2.5 = 15.0
    ("pap", {"dyspnoea": True, "anorexia": True, "karnofsky": 20,
             "clinical_prediction_weeks": 4, "wbc_per_mm3": 12000, "lymphocytes_pct": 10},
     "15", "c", "Pirovano 1999"),
    # test_ppi_worst_case_example: 4.0 + 2.5 + 1.0 + 3.5 + 4.0 = 15.0
    ("ppi", {"palliative_performance_scale": 20, "oral_intake": "severely_reduced",
             "oedema": True, "dyspnoea_at_rest": True, "delirium": True}, "15",
     "under_3_weeks", "Morita 1999"),
]  # fmt: skip


def test_every_score_computed_through_the_api_matches_its_published_example(
    physician: User, patient: Patient
) -> None:
    client = signed_in(physician)
    url = f"/api/v1/patients/{patient.pk}/prognostic-scores"
    for score, inputs, value, group, reference in SCORE_EXAMPLES:
        answer = client.post(url, {"score": score, "inputs": inputs}, content_type=JSON)
        assert answer.status_code == 201, (score, answer.json())
        body = answer.json()
        assert (Decimal(body["value"]), body["risk_group"]) == (Decimal(value), group), score
        assert body["reference"] == reference, score
        assert body["citation"] and body["recorded_by"] == "dr_verdi"
    assert PrognosticAssessment.objects.count() == len(SCORE_EXAMPLES)
    stored = PrognosticAssessment.objects.get(score="flipi")
    assert stored.inputs["haemoglobin_g_dl"] == "11.5"  # the comma read, kept as written
    assert [p["points"] for p in stored.points] == ["1", "1", "1", "1", "0"]
    listed = client.get(url).json()
    assert {s["score"] for s in listed} == {e[0] for e in SCORE_EXAMPLES}
    assert AccessLogEntry.objects.filter(
        patient_id=patient.pk, what="punteggi prognostici", channel="api"
    ).exists()


def test_bad_score_requests_refused_nothing_saved(
    sites: None, physician: User, patient: Patient, make_user: MakeUser
) -> None:
    client = signed_in(physician)
    url = f"/api/v1/patients/{patient.pk}/prognostic-scores"
    ipi = dict(SCORE_EXAMPLES[0][1])
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"score": "ipi", "inputs": {**ipi, "ecog_ps": None}}, 422, "clinical_input_missing"),
        ({"score": "ipi", "inputs": {"age_years": 65}}, 422, "clinical_input_missing"),
        ({"score": "ipi", "inputs": {**ipi, "ldh": 1e308}}, 422, "clinical_input_out_of_range"),
        ({"score": "ipi", "inputs": {**ipi, "ecog_ps": 7}}, 422, "clinical_input_out_of_range"),
        ({"score": "ipi", "inputs": {**ipi, "age_years": "sessanta"}}, 422,
         "clinical_input_out_of_range"),
        ({"score": "ipi", "inputs": {**ipi, "stage": 3}}, 422, "clinical_input_unknown"),
        # a NUL byte is refused at the door (core middleware), before any endpoint
        ({"score": "ipi", "inputs": {**ipi, "ann_arbor": "III\u0000"}}, 400, "invalid_characters"),
        ({"score": "ipi_2", "inputs": ipi}, 422, "prognostic_score_unknown"),
        ({"score": "wpss", "inputs": {"who_category": "raeb_1", "karyotype": "poor",
                                      "transfusion_dependent": True, "sex": "male"}}, 422,
         "clinical_inputs_inconsistent"),
        ({"score": "ipi", "inputs": ipi, "diagnosis_id": 999999}, 404, "diagnosis_not_found"),
    ]  # fmt: skip
    for body, status, code in cases:
        answer = client.post(url, body, content_type=JSON)
        assert (answer.status_code, answer.json()["code"]) == (status, code), body
    missing = client.post(url, {"score": "ipi", "inputs": {"age_years": 65}}, content_type=JSON)
    assert missing.json()["detail"] == "Dato mancante: LDH."
    for role in (Role.NURSE, Role.PHARMACIST):
        refused = signed_in(make_user(role)).post(url, {"score": "ipi", "inputs": ipi},
                                                  content_type=JSON)  # fmt: skip
        assert refused.status_code == 403
    assert signed_in(make_user(Role.IT_STAFF)).get(url).status_code == 403
    assert PrognosticAssessment.objects.count() == 0


def test_staging_api(sites: None, physician: User, patient: Patient, make_user: MakeUser) -> None:
    diagnosis = _diagnosis(physician, patient)
    client = signed_in(physician)
    url = f"/api/v1/patients/{patient.pk}/stagings"
    body: dict[str, Any] = {"diagnosis_id": diagnosis.pk, "system": "tnm8_lung",
                            "criterion": "clinical", "inputs": {"t": "T2a", "n": "N1", "m": "M0"},
                            "version": 0}  # fmt: skip
    refusals: list[tuple[dict[str, Any], int, str]] = [
        ({"inputs": {"t": "Tis", "n": "N1", "m": "M0"}}, 422, "tnm_combination_undefined"),
        ({"inputs": {"t": "T2a", "n": "N1"}}, 422, "clinical_input_missing"),
        ({"inputs": {"t": "T2a\u0000", "n": "N1", "m": "M0"}}, 400, "invalid_characters"),
        ({"version": 3}, 409, "stale_version"),
        ({"system": "tnm8_breast"}, 422, "staging_site_mismatch"),
    ]
    for change, status, code in refusals:
        answer = client.post(url, body | change, content_type=JSON)
        assert (answer.status_code, answer.json()["code"]) == (status, code), change
    assert DiagnosisStaging.objects.count() == 0
    created = client.post(url, body, content_type=JSON)
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("version", "stage", "categories", "criterion")} == {
        "version": 1, "stage": "IIB", "categories": "cT2a N1 M0", "criterion": "clinical"
    }  # fmt: skip
    # the same request again was built from version 0: stale
    again = client.post(url, body, content_type=JSON)
    assert (again.status_code, again.json()["code"]) == (409, "stale_version")
    pharmacist = signed_in(make_user(Role.PHARMACIST))
    assert [s["stage"] for s in pharmacist.get(url).json()] == ["IIB"]
    assert pharmacist.post(url, body | {"version": 1}, content_type=JSON).status_code == 403
    assert signed_in(make_user(Role.IT_STAFF)).get(url).status_code == 403
    assert AccessLogEntry.objects.filter(patient_id=patient.pk, what="stadiazione").count() == 1
    chart = client.get(f"/api/v1/patients/{patient.pk}/chart").json()["header"]
    assert (chart["stage"], chart["allergy_state"]) == ("IIB", "not_asked")
    systems = client.get("/api/v1/records/staging-systems").json()
    lung = next(s for s in systems if s["code"] == "tnm8_lung")
    assert [i["name"] for i in lung["inputs"]] == ["t", "n", "m"]
    assert "T1mi" in [c["code"] for c in lung["inputs"][0]["choices"]]
    scores = client.get("/api/v1/records/prognostic-scores").json()
    assert len(scores) == 13 and scores[0]["code"] == "ipi"
    assert DiagnosisStaging.objects.count() == 1


def test_staging_page_refuses_an_impossible_tnm_and_signs_a_valid_one(
    sites: None, physician: User, patient: Patient, make_user: MakeUser
) -> None:
    diagnosis = _diagnosis(physician, patient)
    client = signed_in(physician)
    url = f"/records/patients/{patient.pk}/staging/"
    form = client.get(f"{url}?diagnosis={diagnosis.pk}&system=tnm8_lung").content.decode()
    assert 'data-testid="staging-form"' in form and '<option value="T1mi">T1mi</option>' in form
    data = {"system": "tnm8_lung", "diagnosis": str(diagnosis.pk), "version": "0",
            "criterion": "clinical", "staged_on": "", "t": "Tis", "n": "N1", "m": "M0"}  # fmt: skip
    impossible = client.post(url, data)
    assert impossible.status_code == 422
    assert "non ha uno stadio nella tabella TNM 8ª edizione" in impossible.content.decode()
    missing = client.post(url, data | {"t": "T2a", "m": ""})
    assert missing.status_code == 422 and "Dato mancante: categoria M." in missing.content.decode()
    nul = client.post(url, data | {"t": "T2a\x00"})
    assert nul.status_code in (400, 422)
    assert DiagnosisStaging.objects.count() == 0
    signed = client.post(url, data | {"t": "T2a"}, follow=True)
    assert signed.status_code == 200
    assert "Stadiazione firmata: Stadio IIB." in signed.content.decode()
    stale = client.post(url, data | {"t": "T3"})
    assert stale.status_code == 409 and "ricarica la pagina" in stale.content.decode()
    chart = client.get(f"/records/patients/{patient.pk}/").content.decode()
    assert "<strong>IIB</strong>" in chart and "cT2a N1 M0" in chart
    assert (
        signed_in(make_user(Role.PHARMACIST)).post(url, data | {"version": "1"}).status_code == 403
    )
    assert signed_in(make_user(Role.PHARMACIST)).get(url).status_code == 200
    assert DiagnosisStaging.objects.count() == 1


def test_score_page_computes_the_ipi_example(physician: User, patient: Patient) -> None:
    client = signed_in(physician)
    url = f"/records/patients/{patient.pk}/scores/"
    assert 'data-testid="score-form"' in client.get(f"{url}?score=ipi").content.decode()
    data = {"score": "ipi", "age_years": "65", "ldh": "300", "ldh_uln": "250", "ecog_ps": "1",
            "ann_arbor": "3", "extranodal_sites": "2", "assessed_on": "", "diagnosis": ""}  # fmt: skip
    missing = client.post(url, data | {"ecog_ps": ""})
    assert missing.status_code == 422
    assert "Dato mancante: Performance status ECOG." in missing.content.decode()
    assert PrognosticAssessment.objects.count() == 0
    saved = client.post(url, data, follow=True).content.decode()
    # Shipp 1993: 1 + 1 + 0 + 1 + 1 = 4, high
    assert "IPI: 4 – rischio Alto." in saved
    assert 'data-testid="score-value">4</strong>' in saved and "Shipp 1993" in saved


def test_chart_header_allergies_and_each_performance_scale(
    physician: User, patient: Patient
) -> None:
    patient_services.allergy_record(
        actor=physician, workstation=None, patient_id=patient.pk,
        data=allergy_input(substance_kind="other", substance_text="lattice"),
    )  # fmt: skip
    for scale, value in (("ecog", 1), ("karnofsky", 80), ("ecog", 2)):
        services.performance_status_record(
            actor=physician, workstation=None, patient_id=patient.pk, scale=scale, value=value
        )
    header = selectors.chart_view(user=physician, patient_id=patient.pk, workstation=None).header
    today = f"{timezone.localdate():%d/%m/%Y}"
    assert header.performance_statuses == [f"ECOG 2 ({today})", f"Karnofsky 80 ({today})"]
    assert header.allergies.has_hard_stop and header.allergies.text.startswith("lattice (")
    html = signed_in(physician).get(f"/records/patients/{patient.pk}/").content.decode()
    assert 'class="text-danger fw-bold">lattice (' in html
    assert f"ECOG 2 ({today}) · Karnofsky 80 ({today})" in html
