"""The access log's API paged (issue 27): the list and its FHIR export, the newest first,
every read of the history reachable (before: the newest 1,000, the rest unreachable);
their queries do not grow with the log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.audit.services import access_log_record
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.fhir import fhir_get
from corsia.testing.paging import (
    Request,
    api_items,
    bad_pages_refused,
    queries,
    queries_do_not_grow,
)

pytestmark = pytest.mark.django_db

PATIENT = 12
API = "/api/v1/audit/accesses"


def _reads(user: User, n: int) -> list[int]:
    """``n`` reads of the patient's summary by ``user``; their ids, oldest first."""
    for _ in range(n):
        access_log_record(user=user, patient_id=PATIENT, what="riepilogo", workstation=None)
    return list(
        AccessLogEntry.objects.filter(patient_id=PATIENT)
        .order_by("id")
        .values_list("pk", flat=True)
    )


@pytest.fixture
def auditor(make_user: MakeUser) -> Client:
    return api_client(make_user(Role.AUDITOR))


def test_every_read_is_reachable_page_by_page_the_newest_first(
    make_user: MakeUser, auditor: Client
) -> None:
    ids = _reads(make_user(Role.PHYSICIAN, username="dr.verdi"), 5)
    seen = api_items(auditor, API, {"patient_id": str(PATIENT)}, limit=2, count=5)
    assert [row["id"] for row in seen] == ids[::-1]
    by_user = auditor.get(API, {"username": "dr.verdi", "limit": "1", "offset": "4"}).json()
    assert (by_user["count"], [r["id"] for r in by_user["items"]]) == (5, [ids[0]])
    bad_pages_refused(auditor, API)


def _relations(bundle: dict[str, Any]) -> dict[str, str]:
    return {link["relation"]: link["url"] for link in bundle["link"]}


def test_the_fhir_export_pages_with_its_total_and_links(
    make_user: MakeUser, auditor: Client
) -> None:
    ids = _reads(make_user(Role.NURSE), 5)
    answer = auditor.get(f"{API}/fhir", {"patient_id": PATIENT, "limit": 2, "offset": 2})
    bundle = answer.json()
    assert (bundle["type"], bundle["total"]) == ("searchset", 5)
    assert [e["resource"]["id"] for e in bundle["entry"]] == [
        f"access-{ids[2]}",
        f"access-{ids[1]}",
    ]
    links = _relations(bundle)
    assert "offset=4" in links["next"] and "limit=2" in links["next"]
    assert f"patient_id={PATIENT}" in links["next"]
    assert "offset=0" in links["previous"]
    last = auditor.get(links["next"]).json()
    assert [e["resource"]["id"] for e in last["entry"]] == [f"access-{ids[0]}"]
    assert set(_relations(last)) == {"self", "previous"}
    refused = auditor.get(f"{API}/fhir", {"limit": "1001"})
    assert (refused.status_code, refused.json()["code"]) == (422, "limit_out_of_range")


def test_the_fhir_servers_audit_event_search_pages_in_the_database(
    make_user: MakeUser, auditor: Client
) -> None:
    ids = _reads(make_user(Role.NURSE), 3)
    status, bundle = fhir_get(auditor, f"/fhir/AuditEvent?patient={PATIENT}&_count=2&_offset=2")
    assert (status, bundle["total"]) == (200, 3)
    assert [e["resource"]["id"] for e in bundle["entry"]] == [f"access-{ids[0]}"]


def test_the_queries_do_not_grow_with_the_log(make_user: MakeUser, auditor: Client) -> None:
    reader = make_user(Role.PHYSICIAN)
    _reads(reader, 2)
    asked: list[Request] = [
        (auditor, API, {"patient_id": str(PATIENT), "limit": "2"}),
        (auditor, f"{API}/fhir", {"patient_id": str(PATIENT), "limit": "2"}),
        (auditor, "/fhir/AuditEvent", {"patient": str(PATIENT), "_count": "2"}),
    ]
    few = queries_do_not_grow(asked, lambda: _reads(reader, 4))  # 3× the reads
    assert (
        queries(auditor, API, {"patient_id": str(PATIENT), "limit": "2", "offset": "4"}) == few[0]
    )
