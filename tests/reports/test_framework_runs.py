"""The report framework end to end: the API and the pages with the same permissions, bad
filters as problem+json / an Italian message, the exports, the access log of a report
holding patient data, a long run as a job with its progress and its kept result."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry, AuditEvent
from corsia.reports import services
from corsia.reports.models import ReportRun, RunState
from corsia.reports.permissions import PHARMACY
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.reports import SAMPLE_CODE, sample_registered

pytestmark = pytest.mark.django_db
API = "/api/v1/reports"


@pytest.fixture
def sample() -> Iterator[None]:
    with sample_registered():
        yield


def test_the_index_lists_the_reports_the_user_may_run(make_user: MakeUser, sample: None) -> None:
    pharmacist = make_user(Role.PHARMACIST)
    body = api_client(pharmacist).get(f"{API}").json()
    assert SAMPLE_CODE in [r["code"] for r in body]
    nurse = make_user(Role.NURSE)
    assert api_client(nurse).get(f"{API}").status_code == 403
    physician = make_user(Role.PHYSICIAN)  # may see the index, not a pharmacy report
    assert SAMPLE_CODE not in [r["code"] for r in api_client(physician).get(f"{API}").json()]
    response = api_client(physician).get(f"{API}/{SAMPLE_CODE}")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert logged_in(physician).get(f"/reports/{SAMPLE_CODE}/").status_code == 403


def test_json_and_files(make_user: MakeUser, sample: None) -> None:
    client = api_client(make_user(Role.PHARMACIST))
    body = client.get(f"{API}/{SAMPLE_CODE}?period_from=2026-01-01&period_to=2026-03-31").json()
    assert body["params"] == {"period_from": "2026-01-01", "period_to": "2026-03-31"}
    assert body["rows"][0] == ["Cisplatino", "12.5", "3.40", "2026-03-14"]
    assert [c["type"] for c in body["columns"]] == ["text", "decimal", "money", "date"]
    csv = client.get(f"{API}/{SAMPLE_CODE}?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").splitlines() == [
        "Farmaco;Quantità (mg);Costo (€);Giorno",
        "Cisplatino;12,5;3,40;14/03/2026",
        "Oxaliplatino;100;25,00;02/04/2026",
    ]
    xlsx = client.get(f"{API}/{SAMPLE_CODE}?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content))["Dati"]
    assert [c.value for c in sheet[2]][:3] == ["Cisplatino", 12.5, 3.4]
    pdf = client.get(f"{API}/{SAMPLE_CODE}?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("period_from=2026-13-01", "date_invalid"),
        ("period_from=2026-02-01&period_to=2026-01-01", "period_reversed"),
        ("unit=1", "filter_not_accepted"),
        ("drug=-1", "filter_invalid"),
        ("format=docx", "format_invalid"),
    ],
)
def test_bad_filters_are_problem_json(
    make_user: MakeUser, sample: None, query: str, code: str
) -> None:
    response = api_client(make_user(Role.PHARMACIST)).get(f"{API}/{SAMPLE_CODE}?{query}")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_an_unknown_report_is_404(make_user: MakeUser) -> None:
    response = api_client(make_user(Role.PHARMACIST)).get(f"{API}/no_such_report")
    assert response.status_code == 404 and response.json()["code"] == "report_not_found"


def test_the_page_shows_table_chart_exports_and_refuses_bad_filters(
    make_user: MakeUser, sample: None
) -> None:
    client = logged_in(make_user(Role.PHARMACIST))
    page = client.get(f"/reports/{SAMPLE_CODE}/").content.decode()
    assert 'data-testid="report-table"' in page and "Cisplatino" in page and "12,5" in page
    assert 'role="img"' in page and "format=xlsx" in page
    bad = client.get(f"/reports/{SAMPLE_CODE}/?run=1&period_from=2026-05-01&period_to=2026-01-01")
    assert bad.status_code == 422
    assert "Il periodo finisce prima di cominciare." in bad.content.decode()
    export = client.get(f"/reports/{SAMPLE_CODE}/export/?format=csv")
    assert export["Content-Disposition"].startswith('attachment; filename="sample_report_')


def test_patient_data_is_logged_and_pseudonymised_only_with_permission(make_user: MakeUser) -> None:
    pharmacist, physician = make_user(Role.PHARMACIST), make_user(Role.PHYSICIAN)
    first = patient_registered(physician)
    second = patient_registered(physician, **ANNA_BIANCHI)
    with sample_registered(patient_ids=(first.pk, second.pk)):
        client = api_client(pharmacist)
        before = AccessLogEntry.objects.count()
        body = client.get(f"{API}/{SAMPLE_CODE}").json()
        assert body["rows"][0][5] == f"Paziente {first.pk}"
        logged = AccessLogEntry.objects.order_by("-pk")[:2]
        assert AccessLogEntry.objects.count() == before + 2
        assert {e.patient_id for e in logged} == {first.pk, second.pk}
        assert {e.what for e in logged} == {"Report «Report di prova»"}
        assert {e.channel for e in logged} == {"api"}
        pseudo = client.get(f"{API}/{SAMPLE_CODE}?pseudonymised=1").json()
        assert pseudo["pseudonymised"] is True and len(pseudo["columns"]) == 5
        assert pseudo["rows"][0][3] == "2026-03" and pseudo["rows"][0][4].startswith("P-")
        assert AuditEvent.objects.filter(event_type="reports.pseudonymised_extracted").count() == 1
        technician = make_user(Role.TECHNICIAN)
        technician.user_permissions.add(*_perm(PHARMACY))
        response = api_client(technician).get(f"{API}/{SAMPLE_CODE}?pseudonymised=1")
        assert response.status_code == 403


def _perm(name: str) -> list[Permission]:
    app, codename = name.split(".")
    return list(Permission.objects.filter(content_type__app_label=app, codename=codename))


def test_a_long_run_is_a_job_with_progress_and_a_kept_result(
    make_user: MakeUser, django_capture_on_commit_callbacks: object
) -> None:
    pharmacist = make_user(Role.PHARMACIST)
    with sample_registered(long=True):
        client = api_client(pharmacist)
        response = client.get(f"{API}/{SAMPLE_CODE}?drug=5")
        assert response.status_code == 202
        run_id = response.json()["id"]
        assert client.get(f"{API}/runs/{run_id}").json()["state"] == "queued"
        page = logged_in(pharmacist).get(f"/reports/runs/{run_id}/").content.decode()
        assert "<progress" in page and 'data-run-status="/reports/runs/' in page
        pending = client.get(f"{API}/runs/{run_id}/download")
        assert pending.status_code == 409 and pending.json()["code"] == "report_run_pending"
        run = services.report_run_compute(run_id=run_id)
        assert run is not None and run.state == RunState.DONE and run.progress == 100
        assert services.report_run_compute(run_id=run_id) is None  # done once only
        body = client.get(f"{API}/runs/{run_id}/download").json()
        assert body["rows"][1][0] == "Oxaliplatino" and "drug=5" in body["notes"][0]
        xlsx = client.get(f"{API}/runs/{run_id}/download?format=xlsx")
        assert load_workbook(io.BytesIO(xlsx.content))["Dati"]["A3"].value == "Oxaliplatino"
        page = logged_in(pharmacist).get(f"/reports/runs/{run_id}/").content.decode()
        assert "Oxaliplatino" in page and "run_download" not in page
        other = make_user(Role.PHARMACIST)
        assert api_client(other).get(f"{API}/runs/{run_id}").status_code == 404
        assert ReportRun.objects.get(pk=run_id).requested_by == pharmacist
