"""The reports' PDF export printed from the versioned print template ``report_export``
(``corsia.documents``, issue 23 §22): the PDF's text holds the report's figures as the CSV
writes them; an IT edit is the next version and the next export prints with it, and an
edit dropping the figures is refused; a report holding patient data is archived as a
print naming its patients (reopening it logs a read of each), a pseudonymised extract or
a report of aggregates is not; the job's kept result exports the same; a report too long
for a PDF is refused, pointing to the CSV.

The sample report (``corsia/testing/reports.py``): Cisplatino 12,5 mg 3,40 € on
14/03/2026, Oxaliplatino 100 mg 25,00 € on 02/04/2026, with the patients' MRN and name
when it holds patient data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone

from corsia.accounts.domain.roles import Role
from corsia.audit.models import AccessLogEntry
from corsia.core.domain.errors import ValidationFailed
from corsia.documents.models import Document
from corsia.documents.rendering import DEFAULTS_DIR
from corsia.documents.services import template_update
from corsia.patients.models import Patient
from corsia.reports import services
from corsia.reports.domain.definition import Column, ColumnType, Params, ReportResult
from corsia.reports.services.exports import pdf_context
from corsia.testing.accounts import MakeUser, api_client, logged_in
from corsia.testing.documents import printed_html
from corsia.testing.patients import ANNA_BIANCHI, patient_registered
from corsia.testing.pdf import pdf_text
from corsia.testing.reports import SAMPLE_CODE, sample_definition, sample_registered

pytestmark = pytest.mark.django_db
API = "/api/v1/reports"
FIGURES = ["Cisplatino", "12,5", "3,40", "14/03/2026", "Oxaliplatino", "100", "25,00", "02/04/2026"]
HEADERS = ["Farmaco", "Quantità (mg)", "Costo (€)", "Giorno"]


@pytest.fixture
def aggregates() -> Iterator[None]:
    with sample_registered():
        yield


@pytest.fixture
def two_patients(make_user: MakeUser) -> tuple[Patient, Patient]:
    coordinator = make_user(Role.COORDINATOR)
    return patient_registered(coordinator), patient_registered(coordinator, **ANNA_BIANCHI)


def test_the_pdf_holds_the_reports_figures_and_an_aggregate_is_not_archived(
    make_user: MakeUser, aggregates: None
) -> None:
    pharmacist = make_user(Role.PHARMACIST)
    query = "period_from=2026-01-01&period_to=2026-03-31&drug=5"
    response = api_client(pharmacist).get(f"{API}/{SAMPLE_CODE}?{query}&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    # every header, every figure as the CSV writes it, the filters and the note
    for shown in [*HEADERS, *FIGURES, "Report di prova", "01/01/2026", "31/03/2026"]:
        assert shown in text, shown
    assert "Periodo 2026-01-01 – 2026-03-31; drug=5" in text
    # a report of aggregates is no patient's document: not archived
    assert "X-Corsia-Document" not in response
    assert not Document.objects.exists()
    # the page's export is the same print
    page = logged_in(pharmacist).get(f"/reports/{SAMPLE_CODE}/export/?{query}&format=pdf")
    assert page.status_code == 200 and "12,5" in pdf_text(page.content)
    # the other exports are as before
    csv = api_client(pharmacist).get(f"{API}/{SAMPLE_CODE}?{query}&format=csv")
    assert csv.content.decode("utf-8-sig").splitlines()[1] == "Cisplatino;12,5;3,40;14/03/2026"


def test_an_edited_template_version_is_the_one_printed(
    make_user: MakeUser, two_patients: tuple[Patient, Patient]
) -> None:
    it_staff, pharmacist = make_user(Role.IT_STAFF), make_user(Role.PHARMACIST)
    shipped = (DEFAULTS_DIR / "report_export.html").read_text()
    # an edit that no longer prints the cells is refused, naming the field
    with pytest.raises(ValidationFailed) as refused:
        template_update(
            actor=it_staff, workstation=None, code="report_export", title="Senza numeri",
            body=shipped.replace("<td>{{ v }}</td>", "<td></td>"), expected_version=1,
        )  # fmt: skip
    assert refused.value.code == "template_required_field_missing"
    assert refused.value.details == {"missing_fields": ["report.rows[].cells"]}
    # an edit keeping them is version 2, and the next export prints with it
    edited = template_update(
        actor=it_staff, workstation=None, code="report_export", title="Con intestazione",
        body=shipped.replace("<h1>", "<h1>Ufficio statistica — "), expected_version=1,
    )  # fmt: skip
    assert edited.version == 2
    with sample_registered():
        response = api_client(pharmacist).get(f"{API}/{SAMPLE_CODE}?format=pdf")
    text = pdf_text(response.content)
    assert "Ufficio statistica — Report di prova" in text and "25,00" in text
    # and so does an archived one (patient data)
    first, second = two_patients
    with sample_registered(patient_ids=(first.pk, second.pk)):
        archived = api_client(pharmacist).get(f"{API}/{SAMPLE_CODE}?format=pdf")
    document = Document.objects.get(pk=int(archived["X-Corsia-Document"]))
    assert (document.template_code, document.template_version) == ("report_export", 2)
    assert "Ufficio statistica — Report di prova" in printed_html(document)


def test_a_report_of_patient_data_is_archived_naming_its_patients(
    make_user: MakeUser, two_patients: tuple[Patient, Patient]
) -> None:
    first, second = two_patients
    pharmacist = make_user(Role.PHARMACIST)
    with sample_registered(patient_ids=(first.pk, second.pk)):
        response = api_client(pharmacist).get(f"{API}/{SAMPLE_CODE}?format=pdf")
        pseudo = api_client(pharmacist).get(f"{API}/{SAMPLE_CODE}?format=pdf&pseudonymised=1")
    # the PDF answered is the archived print: unsigned, with its template version
    assert response.status_code == 200
    document = Document.objects.get(pk=int(response["X-Corsia-Document"]))
    assert response.content == bytes(document.content)
    assert (document.template_code, document.template_version, document.signed) == (
        "report_export", 1, False,
    )  # fmt: skip
    assert (document.patient_id, document.source_app, document.source_id) == (
        None, "reports", SAMPLE_CODE,
    )  # fmt: skip
    named = sorted(document.named_patients.values_list("patient_id", flat=True))
    assert named == sorted([first.pk, second.pk])
    text = pdf_text(response.content)
    assert f"MRN{first.pk}" in text and f"Paziente {second.pk}" in text and "12,5" in text
    # a pseudonymised extract is no patient's document: printed, not archived, and says so
    assert pseudo.status_code == 200 and "X-Corsia-Document" not in pseudo
    pseudo_text = pdf_text(pseudo.content)
    assert "Estrazione pseudonimizzata" in pseudo_text and "2026-03" in pseudo_text
    assert f"Paziente {first.pk}" not in pseudo_text
    assert Document.objects.count() == 1
    # when another pharmacist reopens the archived print: one read of each named patient
    today = timezone.localdate()
    period = f"dal 01/01/{today.year} al {today:%d/%m/%Y}"  # the default: 1 January - today
    assert document.title == f"Report «Report di prova» {period}"
    reader = make_user(Role.PHARMACIST)
    start = timezone.now()
    assert api_client(reader).get(f"/api/v1/documents/{document.pk}").status_code == 200
    rows = AccessLogEntry.objects.filter(user=reader).order_by("id")
    what = f"documento (scheda): Report «Report di prova» {period} v1 (#{document.pk})"
    assert [(r.patient_id, r.what, r.channel) for r in rows] == [
        (pid, what, "api") for pid in sorted([first.pk, second.pk])
    ]
    assert all(r.accessed_at >= start for r in rows)


def test_a_kept_runs_pdf_is_archived_naming_its_patients_and_its_files_still_work(
    make_user: MakeUser, two_patients: tuple[Patient, Patient]
) -> None:
    first, second = two_patients
    pharmacist = make_user(Role.PHARMACIST)
    client = api_client(pharmacist)
    with sample_registered(patient_ids=(first.pk, second.pk), long=True):
        queued = client.get(f"{API}/{SAMPLE_CODE}")
        assert queued.status_code == 202
        run_id = queued.json()["id"]
        services.report_run_compute(run_id=run_id)
        pdf = client.get(f"{API}/runs/{run_id}/download?format=pdf")
        page = logged_in(pharmacist).get(f"/reports/runs/{run_id}/download/?format=pdf")
        csv = client.get(f"{API}/runs/{run_id}/download?format=csv")
        body = client.get(f"{API}/runs/{run_id}/download").json()
    assert pdf.status_code == 200 and "25,00" in pdf_text(pdf.content)
    document = Document.objects.get(pk=int(pdf["X-Corsia-Document"]))
    named = sorted(document.named_patients.values_list("patient_id", flat=True))
    assert named == sorted([first.pk, second.pk])
    assert page.status_code == 200 and page["X-Corsia-Document"] != pdf["X-Corsia-Document"]
    assert csv.content.decode("utf-8-sig").splitlines()[1].startswith("Cisplatino;12,5;3,40;")
    assert "patient_ids" not in body and body["rows"][0][0] == "Cisplatino"


def test_a_report_too_long_for_a_pdf_is_refused_pointing_to_the_csv() -> None:
    definition = sample_definition()
    one = (Column("n", "Numero", ColumnType.INTEGER),)
    ten = tuple(Column(f"c{i}", f"Colonna {i}", ColumnType.INTEGER) for i in range(10))
    for columns, rows in (
        (one, 5_001),  # more rows than a list of the print's context holds (5 000)
        (ten, 3_637),  # 3 637 x (10 + 1) = 40 007 cells > 40 000
    ):
        result = ReportResult(
            columns=columns, rows=tuple(tuple(range(len(columns))) for _ in range(rows))
        )
        with pytest.raises(ValidationFailed) as refused:
            pdf_context(definition, Params(), result, pseudonymised=False, printed_by="x")
        assert (refused.value.code, refused.value.field) == ("report_too_large_for_pdf", "format")
        assert f"troppe righe per un PDF ({rows})" in refused.value.message
        assert "CSV o XLSX" in refused.value.message
    # at the limits it is printed: 5 000 rows of one column; 3 636 x 11 = 39 996 cells
    for columns, rows in ((one, 5_000), (ten, 3_636)):
        fits = ReportResult(
            columns=columns, rows=tuple(tuple(range(len(columns))) for _ in range(rows))
        )
        printed = pdf_context(definition, Params(), fits, pseudonymised=False, printed_by="x")
        assert printed["report"]["row_count"] == rows
