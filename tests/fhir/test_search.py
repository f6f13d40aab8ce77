"""The search parameters integrators use: ``_lastUpdated``, ``date``, ``status``,
``clinical-status``, paging links both ways, and ``Prefer: handling`` (strict refuses an
unknown parameter, lenient leaves it out and says so in the Bundle)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.fhir.domain.bundle import searchset
from corsia.fhir.domain.search import Page, lenient_handling, params_of
from corsia.patients.models import Patient
from corsia.testing.accounts import MakeUser, api_client
from corsia.testing.administration import Folfox, give
from corsia.testing.fhir import fhir_get, ids, issue, r4
from corsia.testing.patients import patient_registered

# --- pure -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefer", "lenient"),
    [
        (None, False),
        ("handling=strict", False),
        ("handling=lenient", True),
        ("return=minimal, handling=lenient", True),
        ("return=minimal; handling=LENIENT", True),
        ('handling="lenient"', True),
        ("handling=sloppy", False),
    ],
)
def test_the_prefer_header_chooses_the_handling(prefer: str | None, lenient: bool) -> None:
    assert lenient_handling(prefer) is lenient


def test_lenient_handling_leaves_unknown_parameters_and_modifiers_out() -> None:
    query = [("family", ["Rossi"]), ("name", ["x"]), ("family:exact", ["Rossi"])]
    assert params_of(query, {"family"}, lenient=True) == (
        {"family": ["Rossi"]},
        ["name", "family:exact"],
    )
    # what a lenient search keeps is still read strictly: a repeat is refused
    with pytest.raises(Exception, match="only once"):
        params_of([("family", ["a", "b"])], {"family"}, lenient=True)


def test_a_lenient_bundle_names_what_it_ignored_in_an_outcome_entry() -> None:
    bundle = searchset(
        base="http://h/fhir/Patient", resource_base="http://h/fhir", params={"family": ["Ro"]},
        page=Page(count=10, offset=0), total=0, resources=[], ignored=["name"],
    )  # fmt: skip
    r4(bundle)
    [entry] = bundle["entry"]
    assert entry["search"] == {"mode": "outcome"}
    assert entry["resource"]["issue"][0]["severity"] == "warning"
    assert "name" in entry["resource"]["issue"][0]["diagnostics"]
    assert bundle["link"][0]["url"] == "http://h/fhir/Patient?family=Ro&_count=10&_offset=0"


# --- through HTTP ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_strict_by_default_lenient_on_request(make_user: MakeUser) -> None:
    patient_registered(make_user(Role.COORDINATOR))
    client = api_client(make_user(Role.NURSE))
    status, body = fhir_get(client, "/fhir/Patient?family=Rossi&name=Mario")
    assert (status, issue(body)) == (400, "invalid")
    status, body = fhir_get(
        client, "/fhir/Patient?family=Rossi&name=Mario", Prefer="handling=strict"
    )
    assert status == 400
    status, body = fhir_get(
        client, "/fhir/Patient?family=Rossi&name=Mario", Prefer="handling=lenient"
    )
    assert (status, body["total"]) == (200, 1)
    assert body["entry"][-1]["search"]["mode"] == "outcome"
    assert "name=" not in body["link"][0]["url"]
    # a value that cannot be read is refused under either handling
    status, body = fhir_get(
        client, "/fhir/Patient?family=Rossi&birthdate=yesterday", Prefer="handling=lenient"
    )
    assert (status, issue(body)) == (400, "invalid")


@pytest.mark.django_db
def test_last_updated_finds_what_changed_since(make_user: MakeUser) -> None:
    registrar = make_user(Role.COORDINATOR)
    old = patient_registered(registrar)
    Patient.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=10))
    new = patient_registered(
        registrar, given_names="Nuovo", codice_fiscale="", stp_eni_code="STP1200000000001"
    )
    client = api_client(make_user(Role.NURSE))
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    _status, body = fhir_get(client, f"/fhir/Patient?family=Rossi&_lastUpdated=ge{since}")
    assert ids(body) == [str(new.pk)]
    assert body["entry"][0]["resource"]["meta"]["lastUpdated"]
    _status, body = fhir_get(client, f"/fhir/Patient?family=Rossi&_lastUpdated=lt{since}")
    assert ids(body) == [str(old.pk)]


@pytest.mark.django_db
def test_the_searches_of_one_patient_s_medication(folfox: Folfox) -> None:
    give(folfox, folfox.items["ondansetron"])
    client = api_client(folfox.physician)
    pid = folfox.patient.pk
    today = timezone.localdate()
    # MedicationRequest date: the lines scheduled on a day (FOLFOX-4: days 1 and 2)
    _status, every = fhir_get(client, f"/fhir/MedicationRequest?patient={pid}&_count=200")
    days = {e["resource"]["dosageInstruction"][0]["timing"]["event"][0] for e in every["entry"]}
    first_day = min(days)
    _status, on_day = fhir_get(client, f"/fhir/MedicationRequest?patient={pid}&date={first_day}")
    assert on_day["total"] == sum(
        1
        for e in every["entry"]
        if e["resource"]["dosageInstruction"][0]["timing"]["event"][0] == first_day
    )
    assert 0 < on_day["total"] < every["total"]
    # paging both ways, in a stable order
    _status, page1 = fhir_get(client, f"/fhir/MedicationRequest?patient={pid}&_count=2")
    next_url = next(link["url"] for link in page1["link"] if link["relation"] == "next")
    _status, page2 = fhir_get(client, next_url)
    previous = next(link["url"] for link in page2["link"] if link["relation"] == "previous")
    assert ids(fhir_get(client, previous)[1]) == ids(page1)
    assert ids(page1) + ids(page2) == ids(every)[:4]
    # MedicationAdministration status and _lastUpdated
    url = f"/fhir/MedicationAdministration?patient={pid}"
    assert fhir_get(client, url + "&status=completed")[1]["total"] == 1
    assert fhir_get(client, url + "&status=stopped,in-progress")[1]["total"] == 0
    assert fhir_get(client, url + f"&_lastUpdated=ge{today}")[1]["total"] == 1
    assert fhir_get(client, url + f"&_lastUpdated=gt{today}")[1]["total"] == 0
    # Observation status: every result is final
    obs = f"/fhir/Observation?patient={pid}&status=preliminary"
    assert fhir_get(client, obs)[1]["total"] == 0
