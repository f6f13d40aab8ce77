"""The bedside JSON API over the services, on FOLFOX-4 day 1 (see conftest.py): verify
(and start), end, interrupt; a bad input is refused and changes nothing.

Oxaliplatin's bag from the UFA: 170 mg / 5 mg/mL = 34 mL in glucose 5 % 250 mL = 284 mL.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from corsia.administration.models import Administration, AdministrationScan
from corsia.audit.models import AccessLogEntry
from corsia.testing.accounts import logged_in, post_json
from corsia.testing.administration import Folfox

pytestmark = pytest.mark.django_db
API = "/api/v1/administration"


def _post(client: Client, url: str, body: Any = None) -> tuple[int, Any]:
    return post_json(client, API + url, body)


def _verify(client: Client, f: Folfox, code: str, **extra: Any) -> tuple[int, Any]:
    return _post(
        client,
        "/bedside/verify",
        {"wristband": f.wristband, "badge": "BADGE-0042", "label": f.label(code), **extra},
    )


def test_verify_start_and_end_through_the_api(folfox: Folfox) -> None:
    nurse = logged_in(folfox.nurse)
    # another patient's wristband: refused (200, not allowed), the scans kept, nothing started
    status, refused = _verify(
        nurse, folfox, "ondansetron", wristband=f"PZ{folfox.other_patient.mrn}"
    )
    assert (status, refused["allowed"], refused["administration"]) == (200, False, None)
    assert [r["code"] for r in refused["refusals"]] == ["wrong_patient"]
    assert Administration.objects.count() == 0
    assert AdministrationScan.objects.count() == 3
    # an override of a check that may never be forced is a problem, nothing recorded
    status, problem = _verify(nurse, folfox, "ondansetron", overrides={"wrong_patient": "x"})
    assert (status, problem["code"]) == (422, "override_not_allowed")
    assert AdministrationScan.objects.count() == 3

    # the right patient, badge and ward label: started (201)
    status, started = _verify(nurse, folfox, "ondansetron")
    assert (status, started["allowed"], started["refusals"]) == (201, True, [])
    admin = started["administration"]
    assert (admin["ingredient"], admin["dose"], admin["state"], admin["badge_verified"]) == (
        "ondansetron",
        "8.0000",
        "started",
        True,
    )
    # ending it from a stale version is a conflict, it keeps running
    status, problem = _post(
        nurse, f"/administrations/{admin['id']}/end", {"expected_version": admin["version"] + 5}
    )
    assert (status, problem["code"]) == (409, "stale_version")
    assert Administration.objects.get(pk=admin["id"]).state == "started"
    # ended with the whole bag: completed
    status, ended = _post(
        nurse, f"/administrations/{admin['id']}/end", {"expected_version": admin["version"]}
    )
    assert (status, ended["state"], ended["version"]) == (200, "completed", admin["version"] + 1)
    read = nurse.get(f"{API}/administrations/{admin['id']}").json()
    assert read["state"] == "completed"


def test_interrupt_needs_volume_and_reason_and_a_partial_end_a_reason(folfox: Folfox) -> None:
    nurse = logged_in(folfox.nurse)
    for code in ("ondansetron", "dexamethasone"):
        _, started = _verify(nurse, folfox, code)
        done = started["administration"]
        _post(nurse, f"/administrations/{done['id']}/end", {"expected_version": done["version"]})
    status, started = _verify(nurse, folfox, "oxaliplatin")
    assert status == 201
    oxali = started["administration"]
    assert oxali["volume_ml"] == "284.00"
    # more than the bag cannot have been given: refused, still running
    status, problem = _post(
        nurse,
        f"/administrations/{oxali['id']}/interrupt",
        {"volume_given_ml": "285", "reason": "Reazione", "expected_version": oxali["version"]},
    )
    assert (status, problem["code"]) == (422, "volume_above_bag")
    assert Administration.objects.get(pk=oxali["id"]).state == "started"
    status, stopped = _post(
        nurse,
        f"/administrations/{oxali['id']}/interrupt",
        {
            "volume_given_ml": "40",
            "reason": "Reazione infusionale G2",
            "expected_version": oxali["version"],
        },
    )
    assert (status, stopped["state"], stopped["volume_given_ml"]) == (200, "interrupted", "40")
    # restarted with a new verification, then ended with 200 of 284 mL: partial needs a reason
    _, again = _verify(nurse, folfox, "oxaliplatin")
    restarted = again["administration"]["id"]
    version = again["administration"]["version"]
    status, problem = _post(
        nurse,
        f"/administrations/{restarted}/end",
        {"volume_given_ml": "200", "expected_version": version},
    )
    assert (status, problem["code"]) == (422, "partial_reason_required")
    status, partial = _post(
        nurse,
        f"/administrations/{restarted}/end",
        {"volume_given_ml": "200", "reason": "Sospesa dal medico", "expected_version": version},
    )
    assert (status, partial["state"]) == (200, "partial")


def test_reading_an_administration_through_the_api_is_logged_on_the_api_channel(
    folfox: Folfox,
) -> None:
    nurse = logged_in(folfox.nurse)
    _, started = _verify(nurse, folfox, "ondansetron")
    admin_id = started["administration"]["id"]
    before = AccessLogEntry.objects.count()
    assert nurse.get(f"{API}/administrations/{admin_id}").status_code == 200
    entry = AccessLogEntry.objects.order_by("id").last()
    assert AccessLogEntry.objects.count() == before + 1
    assert entry is not None
    assert (entry.patient_id, entry.what, entry.channel) == (
        folfox.patient.pk,
        f"somministrazione {admin_id}",
        "api",
    )
