"""The ward therapy's pages and API: the same services behind both, the permissions, the
problem+json codes, the round page recording a dose and refusing a wrong pack beside it,
the prints, a prescription of a masked stay hidden like a record that does not exist."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from corsia.accounts.domain.roles import Role
from corsia.documents.models import Document
from corsia.patients.models import Ward
from corsia.patients.services import encounter_discharge
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.documents import printed_html
from corsia.testing.patients import masked_stay_admitted
from corsia.testing.therapy import Ward12, inpatient_in_bed, ondansetron, paracetamol, prescribed
from corsia.therapy.models import DoseRecord, WardPrescription

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
MORNING = datetime(2026, 3, 10, 7, 0, tzinfo=ROME)
ROUND_TIME = datetime(2026, 3, 10, 8, 5, tzinfo=ROME)


def _body(drug_id: int, **extra: object) -> dict[str, object]:
    return {
        "ingredient_id": drug_id,
        "dose": "1",
        "dose_unit": "g",
        "route": "os",
        "frequency": "scheduled",
        "times": ["08:00", "20:00"],
        **extra,
    }


@time_machine.travel(MORNING, tick=False)
def test_the_api_prescribes_refuses_with_stable_codes_and_suspends(ward: Ward12) -> None:
    drug = paracetamol()
    client = api_client(ward.physician)
    url = f"/api/v1/therapy/patients/{ward.patient.pk}/prescriptions"
    status, body = post_json(client, url, _body(drug.ingredient.pk))
    assert status == 201
    assert (body["ingredient"], body["times"], body["status"]) == (
        "paracetamol",
        ["08:00", "20:00"],
        "active",
    )
    # 2 g + 1 g × 3 = 5 g > 4 g: refused, nothing written
    status, problem = post_json(
        client, url, _body(drug.ingredient.pk, frequency="prn", times=[], prn_indication="febbre",
                           prn_min_interval_hours="6", prn_max_per_day=3),
    )  # fmt: skip
    assert status == 422
    assert problem["code"] == "daily_max_exceeded"
    assert WardPrescription.objects.count() == 1
    cases: list[tuple[dict[str, object], str]] = [
        ({"dose": "0"}, "dose_invalid"),
        ({"times": ["25:00"]}, "time_invalid"),
        ({"route": "xx"}, "route_invalid"),
        ({"ingredient_id": 999999}, "ingredient_not_found"),
    ]
    for bad, code in cases:
        status, problem = post_json(client, url, _body(drug.ingredient.pk, **bad))
        assert (status, problem["code"]) == (422, code), bad
    assert WardPrescription.objects.count() == 1
    pid = body["id"]
    status, problem = post_json(
        client,
        f"/api/v1/therapy/prescriptions/{pid}/suspend",
        {"expected_version": 9, "reason": "x"},
    )
    assert (status, problem["code"]) == (409, "stale_version")
    status, done = post_json(
        client, f"/api/v1/therapy/prescriptions/{pid}/suspend",
        {"expected_version": 1, "reason": "non più necessaria"},
    )  # fmt: skip
    assert (status, done["status"]) == (200, "suspended")


def test_the_api_records_doses_and_refuses_the_wrong_pack_and_the_second_nurse(
    ward: Ward12, make_user: MakeUser
) -> None:
    drug = paracetamol()
    wrong = ondansetron()
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(ward.physician, ward.patient, drug)
    url = f"/api/v1/therapy/prescriptions/{p.pk}/doses"
    due = "2026-03-10T08:00:00+01:00"
    with time_machine.travel(ROUND_TIME, tick=False):
        nurse = api_client(ward.nurse)
        status, problem = post_json(
            nurse, url, {"outcome": "given", "due_at": due, "barcode": wrong.scan}
        )
        assert (status, problem["code"]) == (422, "wrong_drug")
        status, record = post_json(
            nurse, url, {"outcome": "given", "due_at": due, "barcode": drug.scan}
        )
        assert status == 201
        assert record["pack_aic"] == drug.pack.aic
        second = api_client(make_user(Role.NURSE))
        status, problem = post_json(
            second, url, {"outcome": "not_given", "due_at": due, "reason": "refused"}
        )
        assert (status, problem["code"]) == (409, "dose_already_recorded")
        # the physician may not record, the nurse may not prescribe: 403, nothing written
        status, problem = post_json(
            api_client(ward.physician), url, {"outcome": "given", "due_at": due}
        )
        assert status == 403
        status, _ = post_json(
            nurse,
            f"/api/v1/therapy/patients/{ward.patient.pk}/prescriptions",
            _body(drug.ingredient.pk),
        )
        assert status == 403
        answer = nurse.get("/api/v1/therapy/wards/MED2/round", {"day": "2026-03-10"}).json()
    assert DoseRecord.objects.count() == 1
    assert [(r["drug"], r["place"], r["dose_record"] is not None) for r in answer["rows"]] == [
        ("Paracetamolo", "12", True),  # 08:00
        ("Paracetamolo", "12", False),  # 14:00
        ("Paracetamolo", "12", False),  # 20:00
    ]


def test_the_round_page_records_a_given_dose_and_shows_a_wrong_pack_beside_it(ward: Ward12) -> None:
    drug = paracetamol()
    wrong = ondansetron()
    with time_machine.travel(MORNING, tick=False):
        p = prescribed(ward.physician, ward.patient, drug)
    with time_machine.travel(ROUND_TIME, tick=False):
        client = logged_in(ward.nurse)
        page = client.get("/therapy/ward/MED2/")
        assert page.status_code == 200
        assert "Scansiona la confezione di Paracetamolo" in page.content.decode()
        post = {
            "ward": "MED2",
            "day": "2026-03-10",
            "due_at": "2026-03-10T08:00:00+01:00",
            "outcome": "given",
        }
        refused = client.post(
            f"/therapy/prescriptions/{p.pk}/dose/", {**post, "barcode": wrong.scan}
        )
        assert refused.status_code == 422
        html = refused.content.decode()
        assert 'data-testid="dose-error"' in html
        assert "Farmaco errato" in html
        assert "autofocus" in html
        done = client.post(f"/therapy/prescriptions/{p.pk}/dose/", {**post, "barcode": drug.scan})
        assert done.status_code == 302
        again = client.get("/therapy/ward/MED2/").content.decode()
        assert 'data-testid="recorded"' in again
        printed = client.get("/therapy/ward/MED2/print/", follow=True)
        assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
        assert "<h1>Terapia del giorno — Medicina 2</h1>" in printed_html(
            Document.objects.get(template_code="ward_round")
        )
        single = client.get(f"/therapy/prescriptions/{p.pk}/print/", follow=True)
        assert single.status_code == 200 and single["Content-Type"] == "application/pdf"
        assert f"<h1>Prescrizione di reparto n. {p.pk}</h1>" in printed_html(
            Document.objects.get(template_code="ward_prescription")
        )
    assert DoseRecord.objects.get().pack_aic == drug.pack.aic


@time_machine.travel(MORNING, tick=False)
def test_the_patient_page_finds_a_drug_by_brand_and_prescribes(ward: Ward12) -> None:
    drug = ondansetron()
    client = logged_in(ward.physician)
    found = client.get(f"/therapy/patient/{ward.patient.pk}/", {"q": drug.product.name[:12]})
    assert found.status_code == 200
    assert f'value="{drug.ingredient.pk}"' in found.content.decode()
    refused = client.post(
        f"/therapy/patient/{ward.patient.pk}/prescribe/",
        {"ingredient_id": drug.ingredient.pk, "dose": "8", "dose_unit": "mg", "route": "ev",
         "frequency": "prn", "prn_indication": "", "prn_min_interval_hours": "8", "prn_max_per_day": "2"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "indicazione della terapia al bisogno" in refused.content.decode()
    done = client.post(
        f"/therapy/patient/{ward.patient.pk}/prescribe/",
        {"ingredient_id": drug.ingredient.pk, "dose": "8", "dose_unit": "mg", "route": "ev",
         "frequency": "prn", "prn_indication": "nausea", "prn_min_interval_hours": "8", "prn_max_per_day": "2"},
    )  # fmt: skip
    assert done.status_code == 302
    assert WardPrescription.objects.get().prn_indication == "nausea"


def test_a_prescription_of_a_masked_stay_is_hidden_from_an_outsider(make_user: MakeUser) -> None:
    ward = inpatient_in_bed(make_user)
    hidden_ward = Ward.objects.create(code="ZZ", name="Altro", kind="inpatient")
    coordinator = make_user(Role.COORDINATOR)
    # the patient's current stay discharged, a masked stay in progress: what is signed now
    # is of the masked stay
    encounter_discharge(
        actor=coordinator, workstation=None,
        encounter_id=ward.patient.encounters.get().pk, expected_version=1,
    )  # fmt: skip
    masked_stay_admitted(coordinator, ward.patient, hidden_ward.pk)
    p = prescribed(ward.physician, ward.patient, paracetamol())
    outsider = api_client(make_user(Role.PHYSICIAN))
    assert outsider.get(f"/api/v1/therapy/prescriptions/{p.pk}").status_code == 404
    listed = outsider.get("/api/v1/therapy/prescriptions", {"patient_id": ward.patient.pk}).json()
    assert (listed["count"], listed["items"]) == (0, [])
    assert outsider.get("/api/v1/therapy/wards/ZZ/round").json()["rows"] == []
