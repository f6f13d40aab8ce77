"""The requirements print from the API (``/api/v1/inventory/requirements.pdf``): the page's
print (``?print=1``), archived the same way, behind the same permission; bad parameters a
problem with a stable code and nothing archived; the archived copy keeps the patients
whose trays it names, and reopening it from the archive logs a read of each.

The FOLFOX-4 order of ``corsia/testing/compounding.py`` (day 1 today, day 2 tomorrow) and
no stock at all: every vial of both days is short, each shortage on the patient's tray."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.documents.models import Document
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.compounding import Folfox

pytestmark = pytest.mark.django_db
API = "/api/v1/inventory/requirements.pdf"


def test_the_api_prints_the_pages_print_naming_the_trays_patient(
    folfox: Folfox, make_user: MakeUser
) -> None:
    technician = make_user(Role.TECHNICIAN)
    today = timezone.localdate()
    # when the technician prints two days through the API
    response = api_client(technician).get(API, {"days": "2"})
    # then the PDF answered is the archived print, unsigned, with its template version
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = Document.objects.get(pk=int(response["X-Corsia-Document"]))
    assert response.content == bytes(document.content)
    assert (document.template_code, document.template_version, document.signed) == (
        "requirements_sheet", 1, False,
    )  # fmt: skip
    assert (document.patient_id, document.created_by) == (None, technician)
    printed = document.context["requirements"]
    tomorrow = today + timedelta(days=1)
    assert (printed["first_day"], printed["last_day"]) == (
        f"{today:%d/%m/%Y}",
        f"{tomorrow:%d/%m/%Y}",
    )
    patient = folfox.patient
    tray = f"{patient.surname.upper()} {patient.given_names} ({patient.mrn})"
    assert printed["shortages"] and {s["patient"] for s in printed["shortages"]} == {tray}
    # and it keeps the one patient it names; the read was logged through the API
    assert list(document.named_patients.values_list("patient_id", flat=True)) == [patient.pk]
    assert set(
        AccessLogEntry.objects.filter(user=technician).values_list("patient_id", "channel")
    ) == {(patient.pk, "api")}
    # the page's print is archived the same way
    page = logged_in(technician).get("/inventory/requirements/", {"print": "1", "days": "2"})
    again = Document.objects.get(pk=int(page["X-Corsia-Document"]))
    assert (again.template_code, page.content) == ("requirements_sheet", bytes(again.content))
    assert list(again.named_patients.values_list("patient_id", flat=True)) == [patient.pk]
    # when the pharmacist reopens the API's print from the archive: one read of the patient
    pharmacist = make_user(Role.PHARMACIST)
    assert api_client(pharmacist).get(f"/api/v1/documents/{document.pk}").status_code == 200
    title = f"Fabbisogno UFA dal {today:%d/%m/%Y} al {tomorrow:%d/%m/%Y}"
    assert list(
        AccessLogEntry.objects.filter(user=pharmacist).values_list("patient_id", "what", "channel")
    ) == [(patient.pk, f"documento (scheda): {title} v1 (#{document.pk})", "api")]


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"days": "0"}, "days_out_of_range", "days"),
        ({"days": "15"}, "days_out_of_range", "days"),
        ({"days": "99999999999999999999"}, "days_out_of_range", "days"),
        ({"days": "tre"}, "validation_failed", "days"),
        ({"location": "NOWHERE"}, "location_unknown", "location"),
    ],
)
def test_bad_parameters_are_a_problem_and_nothing_is_archived(
    folfox: Folfox, make_user: MakeUser, query: dict[str, str], code: str, field: str
) -> None:
    response = api_client(make_user(Role.PHARMACIST)).get(API, query)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", [Role.NURSE, Role.PHYSICIAN, Role.IT_STAFF])
def test_who_may_not_see_the_requirements_gets_nothing(
    folfox: Folfox, make_user: MakeUser, role: Role
) -> None:
    response = api_client(make_user(role)).get(API)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Document.objects.exists()
