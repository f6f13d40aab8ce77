"""The follow-up's pages and API: the same acts with the same permissions, Italian
refusals on the page, problem+json from the API, nothing saved when refused, the MED-A
download."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.patients.models import Patient
from corsia.testing.accounts import api_client, logged_in, post_json
from corsia.testing.transplant_followup import case_in_follow_up, day
from corsia.transplant.models.followup import AgvhdAssessment, CgvhdAssessment, ViralLoad

pytestmark = pytest.mark.django_db
API = "/api/v1/transplant"


def test_agvhd_through_the_api(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    client = api_client(physician)
    status, body = post_json(
        client, f"{API}/cases/{case.pk}/followup/agvhd",
        {"assessed_on": day(case, 20).isoformat(), "rash_bsa": "60", "bullae": True,
         "desquamation_bsa": "10", "bilirubin": "1", "stool_episodes": 2},
    )  # fmt: skip
    # rash > 50 % with bullae and desquamation > 5 %: skin stage 4, grade IV
    assert status == 201, body
    assert (body["skin_stage"], body["grade"]) == (4, "IV")
    listed = client.get(f"{API}/cases/{case.pk}/followup").json()
    assert [a["grade"] for a in listed["agvhd"]] == ["IV"]
    assert AccessLogEntry.objects.filter(patient_id=recipient.pk, channel="api").exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"rash_bsa": "1e308"}, None),  # the schema refuses it (422)
        ({"note": "a\u0000b"}, None),
        ({"rash_bsa": "0", "bullae": True}, "skin_bullae_without_rash"),
        ({"assessed_on": "1990-01-01"}, "assessed_on_before_day_zero"),
    ],
)
def test_agvhd_api_refusals(
    physician: User, recipient: Patient, change: dict[str, object], code: str | None
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    body = {
        "assessed_on": day(case, 5).isoformat(),
        "bilirubin": "1",
        "stool_episodes": 0,
        **change,
    }
    status, problem = post_json(
        api_client(physician), f"{API}/cases/{case.pk}/followup/agvhd", body
    )
    assert status == (400 if "note" in change else 422), problem  # NUL: refused at the door
    if code:
        assert problem["code"] == code
    assert not AgvhdAssessment.objects.exists()


def test_api_needs_permissions(coordinator: User, physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    assert Client().get(f"{API}/cases/{case.pk}/followup").status_code == 401
    # the coordinator reads the follow-up but records no assessment
    client = api_client(coordinator)
    assert client.get(f"{API}/cases/{case.pk}/followup").status_code == 200
    body = {"assessed_on": day(case, 5).isoformat(), "bilirubin": "1", "stool_episodes": 0}
    status, _ = post_json(client, f"{API}/cases/{case.pk}/followup/agvhd", body)
    assert status == 403
    assert not AgvhdAssessment.objects.exists()


def test_page_shows_the_follow_up_and_refuses_in_italian(
    physician: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    client = logged_in(physician)
    page = client.get(f"/transplant/cases/{case.pk}/followup/")
    assert page.status_code == 200
    assert "GVHD acuta (criteri MAGIC)" in page.content.decode()
    # the preview computes without saving
    url = f"/transplant/cases/{case.pk}/followup/agvhd/"
    form = {"assessed_on": day(case, 12).isoformat(), "rash_bsa": "20", "bilirubin": "3.5",
            "stool_episodes": "0"}  # fmt: skip
    preview = client.post(url, {**form, "action": "preview"})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "grado III" in text  # skin 1 (20 %), liver 2 (3.5 mg/dL): MAGIC grade III
    assert not AgvhdAssessment.objects.exists()
    # an inconsistent skin: refused in Italian, nothing saved
    refused = client.post(url, {**form, "rash_bsa": "0", "bullae": "on", "action": "record"})
    assert refused.status_code == 422
    assert "Bolle o desquamazione indicate senza rash" in refused.content.decode()
    assert not AgvhdAssessment.objects.exists()
    # recorded: skin 1 (20 %), liver 2 (3.5 mg/dL) → grade III
    done = client.post(url, {**form, "action": "record"})
    assert done.status_code == 302
    assert AgvhdAssessment.objects.get().grade == 3


def test_viral_load_page_and_meda_download(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk, days_ago=100)
    client = logged_in(physician)
    base = f"/transplant/cases/{case.pk}/followup"
    bad = client.post(f"{base}/viral-loads/", {"virus": "cmv", "sampled_on": day(case, 7).isoformat(),
                                               "kind": "quantified", "value": "1e308"})  # fmt: skip
    assert bad.status_code == 422
    assert not ViralLoad.objects.exists()
    ok = client.post(f"{base}/viral-loads/", {"virus": "cmv", "sampled_on": day(case, 7).isoformat(),
                                              "kind": "quantified", "value": "1500", "unit": "IU/mL"})  # fmt: skip
    assert ok.status_code == 302
    assert "1500" in client.get(f"{base}/").content.decode()
    outcome = client.post(f"{base}/outcomes/", {"time_point": "day_100", "outcome_on": day(case, 100).isoformat(),
                                                "survival": "alive"})  # fmt: skip
    assert outcome.status_code == 302
    csv_body = client.get(f"{base}/med-a.csv").content.decode()
    header, row = csv_body.strip().splitlines()
    assert header.startswith("centre_code,patient_upn,hsct_number,hsct_date")
    assert ",day_100," in row
    rows = json.loads(client.get(f"{base}/med-a.json").content)
    assert rows[0]["survival_status"] == "alive"
    api_rows = api_client(physician).get(f"{API}/cases/{case.pk}/followup/meda").json()
    assert api_rows == rows


def test_visit_lifecycle_and_jacie_records_through_the_api(
    physician: User, nurse: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    base = f"{API}/cases/{case.pk}/followup"
    nurse_client, doctor = api_client(nurse), api_client(physician)
    today = day(case, 30).isoformat()
    status, visit = post_json(
        nurse_client, f"{base}/visits", {"visit_on": today, "conclusions": "Stabile"}
    )
    assert (status, visit["state"], visit["day"]) == (201, "draft", 30)
    # two edits from the same version: the second is refused (409), nothing overwritten
    edit = {"visit_on": today, "conclusions": "Migliorato", "expected_version": 1}
    assert (
        nurse_client.put(
            f"{API}/followup/visits/{visit['id']}", edit, content_type="application/json"
        ).status_code
        == 200
    )
    stale = nurse_client.put(
        f"{API}/followup/visits/{visit['id']}",
        {**edit, "conclusions": "Altro"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    # the nurse may not sign; the physician signs; a signed visit is corrected with a reason
    assert (
        post_json(
            nurse_client, f"{API}/followup/visits/{visit['id']}/sign", {"expected_version": 2}
        )[0]
        == 403
    )
    status, signed = post_json(
        doctor, f"{API}/followup/visits/{visit['id']}/sign", {"expected_version": 2}
    )
    assert (status, signed["state"]) == (200, "signed")
    status, problem = post_json(
        doctor, f"{API}/followup/visits/{visit['id']}/correct", {"visit_on": today, "reason": ""}
    )
    assert (status, problem["code"]) == (422, "reason_required")
    status, new = post_json(
        doctor,
        f"{API}/followup/visits/{visit['id']}/correct",
        {"visit_on": today, "conclusions": "Corretta", "reason": "data errata"},
    )
    assert (status, new["supersedes_id"]) == (201, visit["id"])
    # JACIE: a consent and a serious adverse event; a consent dated ahead is refused
    status, problem = post_json(
        nurse_client,
        f"{base}/consents",
        {"kind": "registry", "given_on": "2999-01-01", "document_version": "v3 2025"},
    )
    assert (status, problem["code"]) == (422, "date_in_future")
    status, _ = post_json(
        nurse_client,
        f"{base}/consents",
        {"kind": "registry", "given_on": today, "document_version": "v3 2025"},
    )
    assert status == 201
    bad = {
        "occurred_on": today,
        "term": "Neutropenia febbrile",
        "ctcae_grade": 6,
        "severity": "serious",
        "relation": "procedure",
    }
    assert (
        post_json(nurse_client, f"{base}/adverse-events", bad)[1]["code"] == "ctcae_grade_invalid"
    )
    status, _ = post_json(nurse_client, f"{base}/adverse-events", {**bad, "ctcae_grade": 3})
    assert status == 201
    # cGVHD with a missing organ: refused
    status, problem = post_json(
        doctor, f"{base}/cgvhd", {"assessed_on": today, "measures": {"skin": {"bsa_percent": "5"}}}
    )
    assert (status, problem["code"]) == (422, "measures_missing")
    # and the page lists them
    page = logged_in(physician).get(f"/transplant/cases/{case.pk}/followup/").content.decode()
    assert "Neutropenia febbrile" in page and "Trasmissione dati al registro EBMT" in page


def test_cgvhd_form_computes_the_nih_scores(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk, days_ago=200)
    client = logged_in(physician)
    url = f"/transplant/cases/{case.pk}/followup/cgvhd/"
    form = {
        "cgvhd_on": day(case, 180).isoformat(),
        "skin__bsa_percent": "25",  # 19-50 %: 2
        "mouth__symptoms": "1", "mouth__intake_limitation": "0",  # 1
        "eyes__dry_eye_symptoms": "on", "eyes__drops_per_day": "2",  # 1
        "liver__bilirubin": "1", "liver__bilirubin_uln": "1.2", "liver__alt": "30",
        "liver__alt_uln": "40", "liver__alp": "100", "liver__alp_uln": "120",  # 0
        "lungs__fev1_percent": "55", "lungs__symptom_score": "0",  # 40-59 %: 2
    }  # fmt: skip
    # without the liver tests: refused in Italian, nothing saved
    missing = client.post(url, {k: v for k, v in form.items() if not k.startswith("liver")})
    assert missing.status_code == 422
    assert "fegato" in missing.content.decode()
    assert not CgvhdAssessment.objects.exists()
    done = client.post(url, form)
    assert done.status_code == 302
    row = CgvhdAssessment.objects.get()
    assert (row.scores["skin"], row.scores["mouth"], row.scores["eyes"], row.scores["lungs"]) == (
        2,
        1,
        1,
        2,
    )
    assert row.severity == "severe"  # lung score 2 (NIH 2014 Table 6)
    assert "grave" in client.get(f"/transplant/cases/{case.pk}/followup/").content.decode()
