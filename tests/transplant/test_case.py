"""The case: taking the recipient in charge, changing its data under optimistic locking,
cancelling with a reason; through the services, the API and the pages, with the same
permissions; refusals in Italian with a stable code, nothing written when refused."""

from __future__ import annotations

from typing import Any

import pytest

from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.core.domain.errors import ConflictError, PermissionRefused, ValidationFailed
from corsia.patients.models import Patient
from corsia.testing.accounts import api_client, logged_in, post_json
from corsia.testing.transplant import ALLOGENEIC, case_opened
from corsia.transplant import services
from corsia.transplant.models import Transplant

pytestmark = pytest.mark.django_db

API = "/api/v1/transplant"


def test_open_writes_the_case_and_its_audit_event(physician: User, recipient: Patient) -> None:
    case = case_opened(physician, recipient.pk)
    assert (case.state, case.transplant_type, case.source) == (
        "taken_in_charge",
        "allogeneic",
        "pb",
    )
    assert case.version == 1 and case.day_zero is None
    assert AuditEvent.objects.filter(event_type="transplant.case_opened").count() == 1


def test_a_nurse_does_not_take_in_charge(nurse: User, recipient: Patient) -> None:
    with pytest.raises(PermissionRefused):
        case_opened(nurse, recipient.pk)
    assert not Transplant.objects.exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"transplant_type": "syngeneic"}, "transplant_type_unknown"),
        ({"source": "liver"}, "source_unknown"),
        ({"transplant_type": "autologous", "source": "cb"}, "autologous_cord_blood"),
        ({"indication": "  "}, "indication_required"),
        ({"indication": "LAM\x00"}, "invalid_characters"),
        ({"coordinator": "nobody-here"}, "coordinator_unknown"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(
    physician: User, recipient: Patient, fields: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        case_opened(physician, recipient.pk, **fields)
    assert refused.value.code == code
    assert not Transplant.objects.exists()


def test_one_open_case_at_a_time(physician: User, recipient: Patient) -> None:
    case_opened(physician, recipient.pk)
    with pytest.raises(ConflictError) as refused:
        case_opened(physician, recipient.pk)
    assert refused.value.code == "transplant_already_open"


def test_a_stale_version_is_refused(physician: User, recipient: Patient) -> None:
    case = case_opened(physician, recipient.pk)
    services.transplant_update(
        actor=physician, workstation=None, transplant_id=case.pk, expected_version=1,
        data=ALLOGENEIC,
    )  # fmt: skip
    with pytest.raises(ConflictError):
        services.transplant_update(
            actor=physician, workstation=None, transplant_id=case.pk, expected_version=1,
            data=ALLOGENEIC,
        )  # fmt: skip
    assert Transplant.objects.get().version == 2


def test_cancel_needs_a_reason_and_freezes(physician: User, recipient: Patient) -> None:
    case = case_opened(physician, recipient.pk)
    with pytest.raises(ValidationFailed):
        services.transplant_cancel(
            actor=physician, workstation=None, transplant_id=case.pk, expected_version=1,
            reason="",
        )  # fmt: skip
    services.transplant_cancel(
        actor=physician, workstation=None, transplant_id=case.pk, expected_version=1,
        reason="Progressione di malattia",
    )  # fmt: skip
    with pytest.raises(ConflictError) as refused:
        services.transplant_update(
            actor=physician, workstation=None, transplant_id=case.pk, expected_version=2,
            data=ALLOGENEIC,
        )  # fmt: skip
    assert refused.value.code == "transplant_closed"


def test_the_api_takes_in_charge_and_reads(physician: User, recipient: Patient) -> None:
    client = api_client(physician)
    body = {"transplant_type": "allogeneic", "source": "bm", "indication": "LLA Ph+ in RC1"}
    status, answer = post_json(client, f"{API}/patients/{recipient.pk}/cases", body)
    assert status == 201, answer
    assert (answer["source"], answer["state"]) == ("bm", "taken_in_charge")
    listed = client.get(f"{API}/cases").json()
    assert ([c["id"] for c in listed["items"]], listed["count"]) == ([answer["id"]], 1)
    assert AccessLogEntry.objects.filter(patient_id=recipient.pk).exists()
    status, refused = post_json(
        client, f"{API}/patients/{recipient.pk}/cases", {**body, "source": "x"}
    )
    assert (status, refused["code"]) == (422, "source_unknown")


def test_the_api_refuses_a_nurse_the_decision(nurse: User, recipient: Patient) -> None:
    status, _ = post_json(
        api_client(nurse), f"{API}/patients/{recipient.pk}/cases",
        {"transplant_type": "allogeneic", "source": "pb", "indication": "LAM"},
    )  # fmt: skip
    assert status == 403


def test_the_pages(physician: User, recipient: Patient) -> None:
    client = logged_in(physician)
    page = client.get(f"/transplant/patients/{recipient.pk}/")
    assert page.status_code == 200
    refused = client.post(
        f"/transplant/patients/{recipient.pk}/open/",
        {"transplant_type": "allogeneic", "source": "pb", "indication": ""},
    )
    assert refused.status_code == 422
    assert "Indica l&#x27;indicazione al trapianto." in refused.content.decode()
    done = client.post(
        f"/transplant/patients/{recipient.pk}/open/",
        {"transplant_type": "allogeneic", "source": "pb", "indication": "LAM in RC1"},
    )
    case = Transplant.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/transplant/cases/{case.pk}/"
    assert client.get(f"/transplant/cases/{case.pk}/").status_code == 200
    assert client.get("/transplant/").status_code == 200
