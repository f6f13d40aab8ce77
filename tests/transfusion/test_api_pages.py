"""The API and the pages call the same services with the same permissions: a refused bag is
problem+json with its stable code and nothing written; the second operator re-authenticates
(a wrong password is no operator); pages render for the care team."""

from __future__ import annotations

import pytest

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.documents.models import Document
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.documents import printed_html
from corsia.testing.transfusion import (
    bag_barcodes,
    fnhtr_recorded,
    transfusion_ready,
    transfusion_started,
)
from corsia.transfusion.models import Transfusion

pytestmark = pytest.mark.django_db
PASSWORD = "Pw-test-12345"  # make_user's


def test_api_check_refusals_and_acceptance(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)
    client = api_client(s.nurse)
    url = f"/api/v1/transfusion/requests/{s.request.pk}/check"
    body = {
        "second_username": s.second_nurse.username,
        "second_password": PASSWORD,
        "wristband": f"PZ{s.patient.mrn}",
        "scans": bag_barcodes("A999926000066"),
    }
    status, answer = post_json(client, url, body)
    assert (status, answer["code"]) == (422, "bag_not_issued")
    status, answer = post_json(client, url, {**body, "scans": s.codes, "second_password": "x"})
    assert (status, answer["code"]) == (422, "second_operator_required")
    status, answer = post_json(
        client, url, {**body, "scans": s.codes, "second_username": s.nurse.username}
    )
    assert (status, answer["code"]) == (422, "same_operator")
    assert not Transfusion.objects.exists()
    status, answer = post_json(client, url, {**body, "scans": s.codes})
    assert status == 201 and answer["state"] == "checked"
    assert answer["second_operator"] == s.second_nurse.username


def test_api_bad_scan_is_a_clear_refusal(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)
    client = api_client(s.physician)
    url = f"/api/v1/transfusion/requests/{s.request.pk}/bags"
    # a NUL byte is refused at the door (core's middleware), before any service
    status, answer = post_json(client, url, {"scans": ["=A999926000074\x00"]})
    assert status == 400 and answer["code"]
    # century 9 in the expiry: not a date Corsia reads
    scans = ["=A99992600007400", "=<E9002V00", "=%6200", "&>9991232359"]
    status, answer = post_json(client, url, {"scans": scans})
    assert (status, answer["code"]) == (422, "expiry_malformed")
    # a blood group code outside the table: refused, not guessed
    scans = ["=A99992600007400", "=<E9002V00", "=%D600", "&>0991232359"]
    status, answer = post_json(client, url, {"scans": scans})
    assert (status, answer["code"]) == (422, "group_unknown")
    assert s.request.bags.count() == 1


def test_pages_render_and_coordinator_cannot_transfuse(make_user: MakeUser) -> None:
    s = transfusion_ready(make_user)
    nurse = logged_in(s.nurse)
    for url in (
        "/transfusion/",
        f"/transfusion/patient/{s.patient.pk}/",
        f"/transfusion/request/{s.request.pk}/",
    ):
        response = nurse.get(url)
        assert response.status_code == 200, url
    page = nurse.get(f"/transfusion/request/{s.request.pk}/").content.decode()
    assert "Verifica la sacca" in page and "Assegna" not in page
    coordinator = logged_in(make_user(Role.COORDINATOR))
    response = coordinator.post(f"/transfusion/request/{s.request.pk}/check/", {"wristband": "x"})
    assert response.status_code == 403
    assert not Transfusion.objects.exists()


def test_the_request_print_with_units_crossmatches_checks_and_reactions(
    make_user: MakeUser,
) -> None:
    """The print is the archived PDF of the template ``transfusion_request`` (more in
    ``test_prints.py``): every crossmatch of the unit, both operators, the reaction."""
    s = transfusion_ready(make_user)
    reaction = fnhtr_recorded(s.nurse, transfusion_started(s).pk, "Brivido a 20 minuti")
    nurse = logged_in(s.nurse)
    assert (
        'data-testid="request-print-link"'
        in nurse.get(f"/transfusion/request/{s.request.pk}/").content.decode()
    )
    before = AccessLogEntry.objects.filter(user=s.nurse, patient_id=s.patient.pk).count()
    printed = nurse.get(f"/transfusion/request/{s.request.pk}/print/", follow=True)
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    html = printed_html(Document.objects.get(template_code="transfusion_request"))
    crossmatch = s.bag.crossmatches.get()
    assert "A999926000017" in html and f"provetta {crossmatch.sample}" in html
    assert "XM-001" in html  # the crossmatch's sample
    assert s.second_nurse.get_full_name() in html
    assert reaction.description in html and "Brivido a 20 minuti" in html
    assert AccessLogEntry.objects.filter(user=s.nurse, patient_id=s.patient.pk).count() == (
        before + 1
    )
    assert nurse.get("/transfusion/request/99999999999/print/", follow=True).status_code == 404
    outsider = logged_in(make_user(Role.PHARMACIST))
    assert outsider.get(f"/transfusion/request/{s.request.pk}/print/").status_code == 403
