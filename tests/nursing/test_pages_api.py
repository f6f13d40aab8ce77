"""Pages and API of the nursing record: render, record a scale through the form and the
API, refusals shown in Italian (page) and as problem+json (API), nothing written when
refused, permissions, the masked stay's assessment hidden."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.nursing import services
from corsia.nursing.models import Assessment, Scale
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.nursing import BRADEN_11

pytestmark = pytest.mark.django_db


def _form(answers: dict[str, str]) -> dict[str, str]:
    return {f"item_{k}": v for k, v in answers.items()}


def test_the_nursing_page_offers_the_scales_and_shows_the_trend(
    scales: None, nurse: User, patient: Patient
) -> None:
    for days, answers in ((2, BRADEN_11), (1, {**BRADEN_11, "nutrition": "4"})):
        services.assessment_record(
            actor=nurse,
            workstation=None,
            patient_id=patient.pk,
            data=services.AssessmentInput(
                scale_code="braden",
                answers=answers,
                assessed_at=timezone.now() - timedelta(days=days),
            ),
        )
    response = logged_in(nurse).get(f"/nursing/patients/{patient.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="scale-choices"' in html and "Morse Fall Scale" in html
    # the latest 13 (nutrition 2 → 4) is "moderate", the one before 11
    assert 'data-testid="latest-braden">13<' in html
    assert "Rischio moderato" in html and "precedente" in html
    assert 'class="scale-trend"' in html
    assert 'data-testid="vitals"' in html  # the medical record's vital signs, reused


def test_assessing_through_the_form(scales: None, nurse: User, patient: Patient) -> None:
    client = logged_in(nurse)
    page = client.get(f"/nursing/patients/{patient.pk}/scales/braden/")
    assert page.status_code == 200
    assert 'name="item_sensory"' in page.content.decode()
    response = client.post(f"/nursing/patients/{patient.pk}/scales/braden/", _form(BRADEN_11))
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.recorded_by_id) == (11, nurse.pk)


def test_a_missing_item_is_shown_on_its_question_and_nothing_is_written(
    scales: None, nurse: User, patient: Patient
) -> None:
    answers = {k: v for k, v in BRADEN_11.items() if k != "nutrition"}
    response = logged_in(nurse).post(
        f"/nursing/patients/{patient.pk}/scales/braden/", _form(answers)
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Manca la risposta a «Alimentazione»." in html
    assert 'id="id_item_nutrition-error"' in html
    # the answers given stay chosen
    assert 'id="id_item_sensory_2" value="2" checked' in html
    assert Assessment.objects.count() == 0


def test_a_number_out_of_range_on_the_nrs_page(scales: None, nurse: User, patient: Patient) -> None:
    response = logged_in(nurse).post(
        f"/nursing/patients/{patient.pk}/scales/nrs/", {"item_intensity": "11"}
    )
    assert response.status_code == 422
    assert "il valore 11 è fuori dall&#x27;intervallo 0–10" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_correction_through_the_page(scales: None, nurse: User, patient: Patient) -> None:
    old = services.assessment_record(
        actor=nurse,
        workstation=None,
        patient_id=patient.pk,
        data=services.AssessmentInput(scale_code="nrs", answers={"intensity": "8"}),
    )
    client = logged_in(nurse)
    page = client.get(f"/nursing/assessments/{old.pk}/")
    assert page.status_code == 200 and 'data-testid="correction-form"' in page.content.decode()
    refused = client.post(f"/nursing/assessments/{old.pk}/", {"item_intensity": "3"})
    assert refused.status_code == 422 and Assessment.objects.count() == 1
    done = client.post(
        f"/nursing/assessments/{old.pk}/", {"item_intensity": "3", "reason": "Scambio di letto"}
    )
    assert done.status_code == 302
    new = Assessment.objects.get(supersedes=old)
    assert (new.total, new.correction_reason) == (3, "Scambio di letto")
    # the old page says it was corrected and offers no second correction
    html = client.get(f"/nursing/assessments/{old.pk}/").content.decode()
    assert "Questa valutazione è stata corretta" in html
    assert 'data-testid="correction-form"' not in html


def test_api_records_lists_and_corrects(scales: None, nurse: User, patient: Patient) -> None:
    client = api_client(nurse)
    status, body = post_json(
        client,
        "/api/v1/nursing/assessments",
        {
            "patient_id": patient.pk,
            "scale": "morse",
            "answers": {
                "history": "yes",
                "secondary_diagnosis": "yes",
                "ambulatory_aid": "none",
                "iv": "yes",
                "gait": "weak",
                "mental_status": "aware",
            },
        },
    )
    # 25 + 15 + 0 + 20 + 10 + 0 = 70: high risk
    assert status == 201, body
    assert (body["total"], body["band"], body["band_level"]) == (70, "Rischio alto", 2)
    listed = client.get(f"/api/v1/nursing/assessments?patient_id={patient.pk}&scale=morse")
    assert [a["id"] for a in listed.json()["items"]] == [body["id"]]
    status, corrected = post_json(
        client,
        f"/api/v1/nursing/assessments/{body['id']}/corrections",
        {"answers": {**body["answers"], "gait": "normal"}, "reason": "Andatura rivalutata"},
    )
    assert status == 201 and corrected["total"] == 60 and corrected["supersedes_id"] == body["id"]
    one = client.get(f"/api/v1/nursing/assessments/{body['id']}")
    assert one.status_code == 200 and one.json()["total"] == 70


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({"intensity": 11}, "value_out_of_range"),
        ({"intensity": 7.5}, "value_not_whole"),
        ({"intensity": True}, "item_invalid"),
        ({}, "item_missing"),
        ({"intensity": 3, "mood": 1}, "item_unknown"),
    ],
)
def test_api_refusals_are_problem_json_and_write_nothing(
    scales: None, nurse: User, patient: Patient, answers: dict[str, object], code: str
) -> None:
    status, body = post_json(
        api_client(nurse),
        "/api/v1/nursing/assessments",
        {"patient_id": patient.pk, "scale": "nrs", "answers": answers},
    )
    assert (status, body["code"]) == (422, code)
    assert Assessment.objects.count() == 0


def test_api_refuses_a_nul_before_anything(scales: None, nurse: User, patient: Patient) -> None:
    status, body = post_json(
        api_client(nurse),
        "/api/v1/nursing/assessments",
        {"patient_id": patient.pk, "scale": "nrs", "answers": {"intensity": "3\x00"}},
    )
    assert status == 400 and body["code"] == "invalid_characters"
    assert Assessment.objects.count() == 0


def test_api_scales_and_a_ward_scale(scales: None, coordinator: User, nurse: User) -> None:
    listed = api_client(nurse).get("/api/v1/nursing/scales")
    assert listed.status_code == 200
    assert len(listed.json()) == 13
    denied, _ = post_json(api_client(nurse), "/api/v1/nursing/scales", {"definition": {}})
    assert denied == 403
    status, body = post_json(
        api_client(coordinator),
        "/api/v1/nursing/scales",
        {"definition": {"code": "x", "name": "X", "higher_is_worse": True, "items": []}},
    )
    assert (status, body["code"]) == (422, "scale_definition_invalid")
    assert "da 1 a 40 voci" in body["detail"]


@pytest.mark.parametrize("role", [Role.PHARMACIST, Role.COORDINATOR])
def test_who_may_not_assess_is_refused_and_nothing_is_written(
    scales: None, make_user: MakeUser, patient: Patient, role: Role
) -> None:
    user = make_user(role)
    response = logged_in(user).post(
        f"/nursing/patients/{patient.pk}/scales/braden/", _form(BRADEN_11)
    )
    assert response.status_code == 403
    status, _ = post_json(
        api_client(user),
        "/api/v1/nursing/assessments",
        {"patient_id": patient.pk, "scale": "braden", "answers": BRADEN_11},
    )
    assert status == 403
    assert Assessment.objects.count() == 0


def test_it_staff_does_not_read_the_nursing_record(
    scales: None, make_user: MakeUser, patient: Patient
) -> None:
    user = make_user(Role.IT_STAFF)
    assert logged_in(user).get(f"/nursing/patients/{patient.pk}/").status_code == 403
    api = api_client(user).get(f"/api/v1/nursing/assessments?patient_id={patient.pk}")
    assert api.status_code == 403


def test_the_catalogue_page_defines_a_scale_and_shows_a_bad_one(
    scales: None, coordinator: User
) -> None:
    client = logged_in(coordinator)
    assert client.get("/nursing/scales/").status_code == 200
    bad = client.post("/nursing/scales/", {"definition": "{not json"})
    assert bad.status_code == 422 and "non è JSON valido" in bad.content.decode()
    own = {
        "code": "cavo_orale",
        "name": "Cavo orale",
        "higher_is_worse": True,
        "items": [{"code": "pain", "label": "Dolore", "min": 0, "max": 3}],
        "bands": [
            {"min": 0, "max": 1, "label": "Bene", "level": 0},
            {"min": 2, "max": 3, "label": "Male", "level": 1},
        ],
    }
    done = client.post("/nursing/scales/", {"definition": json.dumps(own)})
    assert done.status_code == 302
    scale = Scale.objects.get(code="cavo_orale")
    assert client.get(f"/nursing/scales/{scale.pk}/").status_code == 200
    withdrawn = client.post(
        f"/nursing/scales/{scale.pk}/activation/", {"active": "0", "reason": "Prova finita"}
    )
    assert withdrawn.status_code == 302
    scale.refresh_from_db()
    assert scale.active is False
