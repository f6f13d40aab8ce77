"""The regulatory documentation through the API and the pages: the physician records the
registry request (problem+json codes when refused), the pharmacy's list of prescriptions
under AIFA monitoring filtered by period and drug, the dispensing entered in the registry
recorded once (who, when), the permissions."""

from __future__ import annotations

from datetime import date
from itertools import cycle

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.prescribing import views_regulatory
from corsia.prescribing.models import TherapyOrder
from corsia.prescribing.models_regulatory import OrderRegulatoryRequirement
from corsia.regimens.models import RegimenVersion
from corsia.testing.accounts import MakeUser, api_client, logged_in, post_json
from corsia.testing.prescribing import diagnosed_order, library_version

pytestmark = pytest.mark.django_db
START = date(2026, 12, 1)
LATER = date(2026, 12, 20)


@pytest.fixture
def folfox_bev(make_user: MakeUser) -> RegimenVersion:
    return library_version(
        "FOLFOX-4-BEV", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )


@pytest.fixture
def dara(make_user: MakeUser) -> RegimenVersion:
    return library_version(
        "DARA-RD", approvers=(make_user(Role.PHYSICIAN), make_user(Role.PHYSICIAN))
    )


SURNAMES = cycle(["Rossi", "Verdi", "Neri", "Gialli", "Bruni", "Conti"])


def _order(
    version: RegimenVersion, physician: User, make_user: MakeUser, code: str, start: date,
    *, events: tuple[str, ...] = ("confirm",),
) -> TherapyOrder:  # fmt: skip
    return diagnosed_order(
        version, physician=physician, registrar=make_user(Role.COORDINATOR),
        diagnosis_code=code, start=start, events=events, surname=next(SURNAMES),
    )  # fmt: skip


def test_the_physician_records_the_request_and_signing_answers_the_code(
    physician: User, make_user: MakeUser, folfox_bev: RegimenVersion
) -> None:
    order = _order(folfox_bev, physician, make_user, "183.0", START)
    api = api_client(physician)
    [requirement] = api.get(f"/api/v1/regulatory/orders/{order.pk}").json()
    assert (requirement["kind"], requirement["ingredient"], requirement["missing"]) == (
        "aifa_registry",
        "bevacizumab",
        ["aifa_registry_request_missing"],
    )
    refused = api.post(f"/api/v1/orders/{order.pk}/sign", {}, content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "aifa_registry_request_missing"
    status, body = post_json(
        api,
        f"/api/v1/regulatory/requirements/{requirement['id']}",
        {"expected_version": requirement["version"], "request_number": "RA-77",
         "request_date": "2026-11-30"},
    )  # fmt: skip
    assert status == 200, body
    assert (body["request_number"], body["documented_by"], body["missing"]) == (
        "RA-77",
        physician.username,
        [],
    )
    # a field of another kind is refused, nothing changed
    status, body = post_json(
        api,
        f"/api/v1/regulatory/requirements/{requirement['id']}",
        {"expected_version": body["version"], "consent_reference": "CI-1"},
    )
    assert (status, body["code"]) == (422, "regulatory_field_not_applicable")


def test_the_pharmacy_list_filters_by_period_and_drug(
    physician: User, pharmacist: User, make_user: MakeUser,
    folfox_bev: RegimenVersion, dara: RegimenVersion,
) -> None:  # fmt: skip
    ovary = _order(folfox_bev, physician, make_user, "183.0", START)
    myeloma = _order(dara, physician, make_user, "203.00", LATER)
    _order(folfox_bev, physician, make_user, "153.9", START)  # colon: no registry
    _order(folfox_bev, physician, make_user, "183.0", START, events=())  # a draft: not listed
    api = api_client(pharmacist)

    def listed(query: str) -> list[tuple[int, str]]:
        response = api.get(f"/api/v1/regulatory/monitoring{query}")
        assert response.status_code == 200, response.content
        return [(r["order_id"], r["ingredient"]) for r in response.json()["items"]]

    assert listed("") == [
        (myeloma.pk, "daratumumab"),
        (myeloma.pk, "lenalidomide"),
        (ovary.pk, "bevacizumab"),
    ]
    assert listed("?date_from=2026-12-10") == [
        (myeloma.pk, "daratumumab"),
        (myeloma.pk, "lenalidomide"),
    ]
    assert listed("?date_to=2026-12-10") == [(ovary.pk, "bevacizumab")]
    assert listed("?drug=lenalidomide") == [(myeloma.pk, "lenalidomide")]
    # the page shows the same rows
    page = logged_in(pharmacist).get("/prescribing/pharmacy/aifa/?drug=bevacizumab")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Avastin - carcinoma ovarico" in html and "Revlimid" not in html


def test_the_dispensing_entered_in_the_registry_is_recorded_once(
    physician: User, pharmacist: User, make_user: MakeUser, folfox_bev: RegimenVersion
) -> None:
    order = _order(folfox_bev, physician, make_user, "183.0", START)
    row = OrderRegulatoryRequirement.objects.get(order=order)
    api = api_client(pharmacist)
    status, body = post_json(api, f"/api/v1/regulatory/requirements/{row.pk}/dispensing")
    assert (status, body["code"]) == (409, "regulatory_order_not_signed")
    row.request_number, row.request_date = "RA-9", date(2026, 11, 30)
    row.save()
    from corsia.prescribing import services

    services.order_sign(actor=physician, workstation=None, order_id=order.pk)
    status, body = post_json(api, f"/api/v1/regulatory/requirements/{row.pk}/dispensing")
    assert status == 200, body
    assert body["dispensing_recorded_by"] == pharmacist.username
    assert body["dispensing_recorded_at"] is not None
    status, body = post_json(api, f"/api/v1/regulatory/requirements/{row.pk}/dispensing")
    assert (status, body["code"]) == (409, "regulatory_dispensing_already_recorded")


def test_who_may_do_what(
    physician: User, pharmacist: User, make_user: MakeUser, folfox_bev: RegimenVersion
) -> None:
    order = _order(folfox_bev, physician, make_user, "183.0", START)
    row = OrderRegulatoryRequirement.objects.get(order=order)
    assert api_client(physician).get("/api/v1/regulatory/monitoring").status_code == 403
    status, _ = post_json(
        api_client(pharmacist),
        f"/api/v1/regulatory/requirements/{row.pk}",
        {"expected_version": row.version, "request_number": "X"},
    )
    assert status == 403
    nurse = make_user(Role.NURSE)
    status, _ = post_json(
        api_client(nurse), f"/api/v1/regulatory/orders/{order.pk}/override", {"reason": "x"}
    )
    assert status == 403
    row.refresh_from_db()
    assert (row.request_number, row.override_reason) == ("", "")


def test_the_pages_record_the_request_and_the_pharmacist_override(
    physician: User, pharmacist: User, make_user: MakeUser, folfox_bev: RegimenVersion
) -> None:
    from corsia.prescribing import services

    order = _order(folfox_bev, physician, make_user, "183.0", START, events=())
    row = OrderRegulatoryRequirement.objects.get(order=order)
    doctor = logged_in(physician)
    page = doctor.get(f"/prescribing/orders/{order.pk}/").content.decode()
    assert 'data-testid="regulatory"' in page and "N. scheda di richiesta" in page
    # a date in the future is refused, nothing recorded
    doctor.post(
        f"/prescribing/orders/{order.pk}/regulatory/{row.pk}/",
        {"version": row.version, "request_number": "RA-1", "request_date": "2099-01-01"},
    )
    row.refresh_from_db()
    assert row.request_number == ""
    doctor.post(
        f"/prescribing/orders/{order.pk}/regulatory/{row.pk}/",
        {"version": row.version, "request_number": "RA-1", "request_date": "2026-11-30"},
    )
    row.refresh_from_db()
    assert (row.request_number, row.request_date, row.documented_by) == (
        "RA-1",
        date(2026, 11, 30),
        physician,
    )
    # the pharmacist's screen: a second order still missing its request is overridden there
    other = _order(folfox_bev, physician, make_user, "183.0", START, events=("confirm", "send"))
    screen = logged_in(pharmacist)
    html = screen.get(f"/compounding/orders/{other.pk}/").content.decode()
    assert "Motivo per validare senza la documentazione" in html
    screen.post(
        f"/prescribing/orders/{other.pk}/regulatory/override/",
        {"reason": "Richiesta inviata, in attesa del numero",
         "next": f"/compounding/orders/{other.pk}/"},
    )  # fmt: skip
    assert OrderRegulatoryRequirement.objects.get(order=other).override_by == pharmacist
    validated = services.order_transition(
        actor=pharmacist, workstation=None, order_id=other.pk, event="validate"
    )
    assert validated.state == "validated"


def _monitoring_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_monitoring_list_is_paged_every_cycle_reachable(
    physician: User, pharmacist: User, make_user: MakeUser, folfox_bev: RegimenVersion,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Issue 27: before, the newest 500 only; a page's queries do not grow with the cycles."""
    monkeypatch.setattr(views_regulatory, "MONITORING_PAGE_SIZE", 1)
    oldest = _order(folfox_bev, physician, make_user, "183.0", START)
    api, page = api_client(pharmacist), logged_in(pharmacist)
    urls = ["/api/v1/regulatory/monitoring?limit=1", "/prescribing/pharmacy/aifa/"]
    for url in urls:
        _monitoring_queries(api if url.startswith("/api") else page, url)  # permissions cached
    few = [_monitoring_queries(api if u.startswith("/api") else page, u) for u in urls]
    middle = _order(folfox_bev, physician, make_user, "183.0", date(2026, 12, 5))
    newest = _order(folfox_bev, physician, make_user, "183.0", LATER)
    assert [_monitoring_queries(api if u.startswith("/api") else page, u) for u in urls] == few
    seen = []
    for offset in (0, 1, 2):
        body = api.get(f"/api/v1/regulatory/monitoring?limit=1&offset={offset}").json()
        assert (body["count"], body["limit"], body["offset"]) == (3, 1, offset)
        seen += [r["order_id"] for r in body["items"]]
    assert seen == [newest.pk, middle.pk, oldest.pk]
    html = page.get("/prescribing/pharmacy/aifa/", {"page": "3"}).content.decode()
    assert "3 prescrizioni sotto registro di monitoraggio AIFA" in html
    assert f"/prescribing/orders/{oldest.pk}/" in html
    assert f"/prescribing/orders/{newest.pk}/" not in html
