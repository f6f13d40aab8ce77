"""The hospital's follow-up settings, on the follow-up page and through the API: the
viral-load threshold for pre-emptive therapy and the immunosuppressants' trough ranges.
A physician's act with a reason (audited); refused (403, nothing written) for a nurse;
refused in Italian, nothing written, on bad input."""

from __future__ import annotations

import html
import json
from decimal import Decimal as D
from typing import Any

import pytest

from corsia.accounts.models import User
from corsia.audit.models import AuditEvent
from corsia.patients.models import Patient
from corsia.testing.accounts import api_client, logged_in, post_json
from corsia.testing.transplant_followup import case_in_follow_up
from corsia.transplant.models.followup import TroughTarget, ViralThreshold

pytestmark = pytest.mark.django_db
API = "/api/v1/transplant"
SETTINGS_CHANGED = "transplant.followup_settings_changed"


def _text(response: Any) -> str:
    return html.unescape(str(response.content.decode()))


def test_a_physician_sets_the_cmv_threshold_on_the_page(
    physician: User, recipient: Patient
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    client = logged_in(physician)
    base = f"/transplant/cases/{case.pk}/followup"
    done = client.post(f"{base}/settings/viral-threshold/", {
        "threshold_virus": "cmv", "threshold_value": "1000", "threshold_unit": "IU/mL",
        "threshold_label": "Protocollo CMV 2026", "reason": "Nuovo protocollo aziendale",
    })  # fmt: skip
    assert done.status_code == 302
    row = ViralThreshold.objects.get()
    assert (row.virus, row.value, row.unit, row.label) == (
        "cmv", D("1000"), "IU/mL", "Protocollo CMV 2026",
    )  # fmt: skip
    event = AuditEvent.objects.get(event_type=SETTINGS_CHANGED)
    assert (event.actor, event.reason) == (physician, "Nuovo protocollo aziendale")
    assert event.after == {"virus": "cmv", "value": "1000", "unit": "IU/mL"}
    # a second value replaces the first (one threshold per virus)
    client.post(f"{base}/settings/viral-threshold/", {
        "threshold_virus": "cmv", "threshold_value": "500,5", "threshold_unit": "IU/mL",
        "reason": "Revisione",
    })  # fmt: skip
    assert ViralThreshold.objects.get().value == D("500.50")
    page = _text(client.get(f"{base}/"))
    assert "soglia per la terapia pre-emptive" in page and "CMV-DNA: 500,5" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": ""}, "Indica il motivo della modifica."),
        ({"threshold_value": ""}, "Soglia: indica un numero valido."),
        ({"threshold_value": "1e308"}, "supera il massimo plausibile"),
        ({"threshold_value": "NaN"}, "Soglia: indica un numero valido."),
        ({"threshold_value": "0"}, "Soglia: il valore non può essere inferiore a 1."),
        ({"threshold_virus": "hhv6"}, "Virus non previsto"),
        ({"threshold_unit": "log"}, "Unità non prevista."),
    ],
)
def test_the_threshold_form_refuses_bad_input_in_italian(
    physician: User, recipient: Patient, change: dict[str, str], message: str
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    form = {"threshold_virus": "ebv", "threshold_value": "10000", "threshold_unit": "IU/mL",
            "reason": "protocollo", **change}  # fmt: skip
    refused = logged_in(physician).post(
        f"/transplant/cases/{case.pk}/followup/settings/viral-threshold/", form
    )
    assert refused.status_code == 422
    assert message in _text(refused)
    assert not ViralThreshold.objects.exists()
    assert not AuditEvent.objects.filter(event_type=SETTINGS_CHANGED).exists()


def test_a_physician_adds_trough_ranges_on_the_page(physician: User, recipient: Patient) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    client = logged_in(physician)
    url = f"/transplant/cases/{case.pk}/followup/settings/trough-targets/"
    form = {"drug": "ciclosporin", "from_day": "-1", "to_day": "90", "target_low": "200",
            "target_high": "300", "window_minutes": "", "reason": "Protocollo GITMO"}  # fmt: skip
    assert client.post(url, form).status_code == 302
    row = TroughTarget.objects.get()
    assert (row.drug, row.from_day, row.to_day, row.low, row.high, row.window_minutes) == (
        "ciclosporin", -1, 90, D("200"), D("300"), 60,
    )  # fmt: skip
    event = AuditEvent.objects.get(event_type=SETTINGS_CHANGED)
    assert (event.actor, event.reason) == (physician, "Protocollo GITMO")
    assert event.after == {"drug": "ciclosporin", "days": [-1, 90], "range": ["200", "300"]}
    # an overlapping period is refused, nothing added
    overlap = client.post(url, {**form, "from_day": "60", "to_day": "180"})
    assert overlap.status_code == 422
    assert "si sovrappongono" in _text(overlap)
    assert TroughTarget.objects.count() == 1
    page = _text(client.get(f"/transplant/cases/{case.pk}/followup/"))
    assert "Ciclosporina" in page and "200–300" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": " "}, "Indica il motivo della modifica."),
        ({"from_day": "abc"}, "Dal giorno: indica un numero intero."),
        ({"to_day": "99999999999"}, "Al giorno: indica un numero intero."),
        ({"to_day": "-5"}, "termina prima di iniziare"),
        ({"target_high": "4"}, "Il massimo dell'intervallo bersaglio deve superare il minimo."),
        ({"target_low": "1e308"}, "supera il massimo plausibile"),
        ({"window_minutes": "0"}, "Finestra (minuti): il valore deve essere tra 1 e 1440."),
        ({"drug": "none"}, "Immunosoppressore non previsto."),
    ],
)
def test_the_trough_form_refuses_bad_input_in_italian(
    physician: User, recipient: Patient, change: dict[str, str], message: str
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    form = {"drug": "tacrolimus", "from_day": "0", "to_day": "100", "target_low": "5",
            "target_high": "15", "reason": "protocollo", **change}  # fmt: skip
    refused = logged_in(physician).post(
        f"/transplant/cases/{case.pk}/followup/settings/trough-targets/", form
    )
    assert refused.status_code == 422, _text(refused)[:300]
    assert message in _text(refused)
    assert not TroughTarget.objects.exists()


@pytest.mark.parametrize("form", ["viral-threshold", "trough-targets"])
def test_a_nurse_may_not_change_the_settings(
    nurse: User, physician: User, recipient: Patient, form: str
) -> None:
    case = case_in_follow_up(physician, recipient.pk)
    client = logged_in(nurse)
    events = AuditEvent.objects.count()
    data = {"threshold_virus": "cmv", "threshold_value": "1000", "drug": "tacrolimus",
            "from_day": "0", "to_day": "100", "target_low": "5", "target_high": "15",
            "reason": "protocollo"}  # fmt: skip
    assert (
        client.post(f"/transplant/cases/{case.pk}/followup/settings/{form}/", data).status_code
        == 403
    )
    assert not ViralThreshold.objects.exists() and not TroughTarget.objects.exists()
    assert AuditEvent.objects.count() == events
    page = client.get(f"/transplant/cases/{case.pk}/followup/").content.decode()
    assert "threshold-form" not in page and "trough-form" not in page


def test_the_settings_through_the_api(physician: User, nurse: User) -> None:
    doctor, other = api_client(physician), api_client(nurse)
    body = {"value": "1000", "unit": "IU/mL", "reason": "protocollo"}
    put = doctor.put(f"{API}/settings/viral-thresholds/cmv", json.dumps(body),
                     content_type="application/json")  # fmt: skip
    assert put.status_code == 200, put.content
    answer = put.json()
    assert (answer["virus"], D(answer["value"]), answer["unit"]) == ("cmv", D("1000"), "IU/mL")
    no_reason = doctor.put(f"{API}/settings/viral-thresholds/ebv", json.dumps({**body, "reason": ""}),
                           content_type="application/json")  # fmt: skip
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "reason_required")
    refused = other.put(f"{API}/settings/viral-thresholds/ebv", json.dumps(body),
                        content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    trough = {"drug": "tacrolimus", "from_day": 0, "to_day": 100, "low": "5", "high": "15",
              "reason": "protocollo"}  # fmt: skip
    assert post_json(other, f"{API}/settings/trough-targets", trough)[0] == 403
    status, created = post_json(doctor, f"{API}/settings/trough-targets", trough)
    assert status == 201, created
    status, problem = post_json(
        doctor, f"{API}/settings/trough-targets", {**trough, "from_day": 50}
    )
    assert (status, problem["code"]) == (422, "target_periods_overlap")
    listed = other.get(f"{API}/settings").json()  # a nurse reads them
    assert [t["virus"] for t in listed["viral_thresholds"]] == ["cmv"]
    assert [(t["drug"], t["from_day"], t["to_day"]) for t in listed["trough_targets"]] == [
        ("tacrolimus", 0, 100)
    ]
    assert ViralThreshold.objects.count() == 1 and TroughTarget.objects.count() == 1


@pytest.mark.parametrize("form", ["viral-threshold", "trough-targets"])
def test_a_form_posted_from_a_case_that_does_not_exist_saves_nothing(
    physician: User, form: str
) -> None:
    """The settings are the hospital's, but the forms live on a case's page: from a case
    that does not exist the answer is 404 and nothing is saved."""
    client = logged_in(physician)
    events = AuditEvent.objects.count()  # after signing in (the sign-in is an event)
    data = {"threshold_virus": "cmv", "threshold_value": "1000", "drug": "tacrolimus",
            "from_day": "0", "to_day": "100", "target_low": "5", "target_high": "15",
            "reason": "protocollo"}  # fmt: skip
    answer = client.post(f"/transplant/cases/999999/followup/settings/{form}/", data)
    assert answer.status_code == 404
    assert not ViralThreshold.objects.exists() and not TroughTarget.objects.exists()
    assert AuditEvent.objects.count() == events
