"""API and pages: permissions, filters, export/import round trip, trial monitor scoping."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from corsia.accounts.domain.roles import Role
from corsia.accounts.models import User
from corsia.audit.models import AccessLogEntry
from corsia.regimens import services
from corsia.regimens.models import RegimenApproval, RegimenVersion
from corsia.testing.accounts import logged_in
from corsia.testing.patients import patient_registered
from corsia.testing.regimens import ABVD_INGREDIENTS, abvd_spec, make_ingredients


def _setup(make_user: Any) -> tuple[User, RegimenVersion]:
    make_ingredients(ABVD_INGREDIENTS)
    admin = make_user(Role.PHARMACIST, username="pharma")
    version = services.regimen_save(actor=admin, spec=abvd_spec("ABVD-T"), expected_version=None)
    return admin, version


def test_api_list_filter_detail_and_permission(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    _setup(make_user)
    nurse = client_for(Role.NURSE)
    rows = nurse.get("/api/v1/regimens/", {"disease": "9650"}).json()
    assert [(r["code"], r["status"], r["approvals"]) for r in rows] == [("ABVD-T", "in_test", 0)]
    assert nurse.get("/api/v1/regimens/", {"disease": "C50"}).json() == []
    detail = nurse.get("/api/v1/regimens/ABVD-T").json()
    assert detail["latest"]["components"][0]["dose"] == "25"
    assert detail["current_validated_version"] is None
    monitor = client_for(Role.TRIAL_MONITOR)
    denied = monitor.get("/api/v1/regimens/ABVD-T")
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"


def test_api_export_import_and_approve(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    _admin, version = _setup(make_user)
    pharmacist = client_for(Role.PHARMACIST)
    exported = pharmacist.get("/api/v1/regimens/ABVD-T/versions/1/plandefinition")
    assert exported["Content-Type"] == "application/fhir+json"
    plan = exported.json()
    assert plan["resourceType"] == "PlanDefinition"
    assert len(plan["contained"]) == 5
    created = pharmacist.post(
        "/api/v1/regimens/import?code=ABVD-IMP", exported.content, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert created.json() == {"code": "ABVD-IMP", "version": 1, "status": "in_test"}
    doctor = client_for(Role.PHYSICIAN)
    refused = doctor.post(
        "/api/v1/regimens/import", exported.content, content_type="application/json"
    )
    assert refused.status_code == 403
    first = doctor.post(
        "/api/v1/regimens/ABVD-T/versions/1/approve",
        {"comment": "ok"},
        content_type="application/json",
    )
    assert first.json() == {"code": "ABVD-T", "version": 1, "status": "in_test", "approvals": 1}
    again = doctor.post(
        "/api/v1/regimens/ABVD-T/versions/1/approve", {}, content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "approval_duplicate"
    assert RegimenApproval.objects.filter(version=version).count() == 1


def test_pages_render_for_the_roles_that_use_them(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    admin, version = _setup(make_user)
    services.regimen_save(
        actor=admin,
        spec=abvd_spec("ABVD-T", doxorubicin="30"),
        expected_version=version.regimen.version,
    )
    pharmacist = client_for(Role.PHARMACIST)
    browse = pharmacist.get("/regimens/", {"therapy_type": "chemotherapy"})
    assert browse.status_code == 200 and b"ABVD-T" in browse.content
    detail = pharmacist.get("/regimens/ABVD-T/")
    assert detail.status_code == 200 and b"versione 2" in detail.content
    diff = pharmacist.get("/regimens/ABVD-T/diff/", {"a": 1, "b": 2})
    assert b"components[1].dose" in diff.content
    assert pharmacist.get("/regimens/ABVD-T/edit/").status_code == 200
    assert pharmacist.get("/regimens/new/").status_code == 200
    check = pharmacist.post("/regimens/editor/check/", {"document": '{"code": "X"}'})
    assert b"name" in check.content
    queue = pharmacist.get("/regimens/validation/")
    assert b"ABVD-T" in queue.content
    export = pharmacist.get("/regimens/ABVD-T/v2/plandefinition.json")
    assert json.loads(export.content)["version"] == "2"
    assert client_for(Role.NURSE).get("/regimens/validation/").status_code == 403
    assert client_for(Role.PHYSICIAN).get("/regimens/ABVD-T/edit/").status_code == 403


def test_editor_saves_a_new_version_and_refuses_a_broken_one(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    _setup(make_user)
    pharmacist = client_for(Role.PHARMACIST)
    page = pharmacist.get("/regimens/ABVD-T/edit/")
    document = page.context["document"]
    broken = document.replace('"cycle_length_days": 28', '"cycle_length_days": 10')
    refused = pharmacist.post(
        "/regimens/ABVD-T/edit/", {"document": broken, "regimen_version": "1"}
    )
    assert refused.status_code == 422
    assert "day_outside_cycle" in {p["code"] for p in refused.context["problems"]}
    assert RegimenVersion.objects.count() == 1
    changed = document.replace('"cycle_length_days": 28', '"cycle_length_days": 21')
    saved = pharmacist.post("/regimens/ABVD-T/edit/", {"document": changed, "regimen_version": "1"})
    assert saved.status_code == 302
    assert list(RegimenVersion.objects.values_list("number", "cycle_length_days")) == [
        (1, 28),
        (2, 21),
    ]


def test_trial_monitor_sees_only_assigned_trials_and_reads_are_logged(make_user) -> None:  # type: ignore[no-untyped-def]
    admin, _version = _setup(make_user)
    monitor = make_user(Role.TRIAL_MONITOR, username="monitor.a")
    mine = services.trial_create(
        actor=admin,
        code="HD-01",
        title="Studio Hodgkin",
        eudract_number="2019-001234-12",
        regimen_codes=["ABVD-T"],
    )
    other = services.trial_create(
        actor=admin, code="HD-02", title="Altro studio", ctis_number="2023-512345-12-00"
    )
    services.trial_monitor_assign(actor=admin, trial_id=mine.pk, monitor=monitor)
    patient = patient_registered(make_user(Role.COORDINATOR))
    services.trial_enrol_patient(
        actor=admin,
        trial_id=mine.pk,
        patient_id=patient.pk,
        subject_code="S-001",
        consent_date=date(2026, 11, 20),
        arm_regimen_code="ABVD-T",
    )
    client = logged_in(monitor)
    listing = client.get("/regimens/trials/")
    assert b"HD-01" in listing.content and b"HD-02" not in listing.content
    assert [t["code"] for t in client.get("/api/v1/trials/").json()] == ["HD-01"]
    assert client.get(f"/regimens/trials/{other.pk}/").status_code == 404
    page = client.get(f"/regimens/trials/{mine.pk}/")
    assert b"S-001" in page.content
    assert list(AccessLogEntry.objects.values_list("username", "patient_id")) == [
        ("monitor.a", patient.pk)
    ]


def test_the_comparison_page_with_garbled_version_numbers_is_404(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    # issue 26: the page read a and b with its own int(): "\u0661" (an Arabic-Indic one)
    # was version 1, 40 digits reached the database; parse_id refuses them
    _setup(make_user)
    pharmacist = client_for(Role.PHARMACIST)
    for garbled in ("abc", "\u0661", "1e0", "9" * 40, "-1", ""):
        response = pharmacist.get("/regimens/ABVD-T/diff/", {"a": garbled, "b": garbled})
        assert response.status_code == 404, garbled
    assert pharmacist.get("/regimens/ABVD-T/diff/", {"a": 1, "b": 1}).status_code == 200
