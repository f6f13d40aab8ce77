"""The reports page: pathology, imaging and consultation reports of the patient (newest
first, filtered by kind), the form to record one and the correction of one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from corsia.core.access import require_perm
from corsia.core.refusals import form_refusals
from corsia.core.web import acting, request_actor, viewing
from corsia.patients.selectors import patient_get, visible_encounters
from corsia.records import selectors_reports as selectors
from corsia.records import services
from corsia.records.domain.reports import KIND_LABELS_IT, ReportKind
from corsia.records.forms_reports import ReportCorrectionForm, ReportCreateForm
from corsia.records.selectors_reports import ReportRow

VIEW = "records.view_chart"
WRITE = "records.write_diary"


def _kind_filter(raw: str | None) -> ReportKind | None:
    """The list's filter (an unknown value shows every kind)."""
    try:
        return ReportKind((raw or "").strip()[:40])
    except ValueError:
        return None


def _encounters(request: HttpRequest, patient_id: int) -> tuple[list[tuple[int, str]], int | None]:
    """The patient's visible encounters for the form's choice, and the one in progress."""
    patient = patient_get(user=request_actor(request), patient_id=patient_id)
    rows = (
        visible_encounters(patient)
        .exclude(state="cancelled")
        .select_related("ward")
        .order_by("-admitted_at")[:50]
    )
    choices = [
        (
            e.pk,
            f"{e.get_kind_display()} · {e.ward.name} · "
            f"{timezone.localtime(e.admitted_at):%d/%m/%Y}",
        )
        for e in rows
    ]
    active = next((e.pk for e in rows if e.state == "active"), None)
    return choices, active


@require_perm(VIEW)
def reports(request: HttpRequest, patient_id: int) -> HttpResponse:
    form: ReportCreateForm | None = None
    status = 200
    may_write = request.user.has_perm(WRITE)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(WRITE)
        choices, _active = _encounters(request, patient_id)
        form = ReportCreateForm(request.POST, encounters=choices)
        if form.is_valid():
            with form_refusals(form):
                services.clinical_report_record(
                    **acting(request),
                    patient_id=patient_id,
                    data=services.ReportInput(
                        report=form.to_text(), encounter_id=form.cleaned_data["encounter_id"]
                    ),
                )
                messages.success(request, _("Referto registrato e firmato."))
                return redirect("records:reports", patient_id=patient_id)
        status = 422
    kind = _kind_filter(request.GET.get("kind"))
    view = selectors.patient_reports(
        **viewing(request),
        patient_id=patient_id,
        kind=kind,
    )
    if view.patient.pk != patient_id:  # a merged duplicate: its survivor's reports
        return redirect("records:reports", patient_id=view.patient.pk)
    if form is None and may_write:
        choices, active = _encounters(request, patient_id)
        form = ReportCreateForm(
            encounters=choices,
            initial={"encounter_id": active, "performed_on": timezone.localdate().isoformat()},
        )
    context: dict[str, Any] = {
        "patient": view.patient,
        "view": view,
        "form": form,
        "may_correct": may_write,
        "kinds": list(KIND_LABELS_IT.items()),
        "kind": kind.value if kind else "",
    }
    return render(request, "records/reports.html", context, status=status)


def _initial(row: ReportRow) -> dict[str, Any]:
    r = row.report
    return {
        "kind": r.kind,
        "performed_on": r.performed_on.isoformat(),
        "issuer": r.issuer,
        "reporting_clinician": r.reporting_clinician,
        "accession": r.accession,
        "examination": r.examination,
        "modality": r.modality,
        "histotype": r.histotype,
        "morphology_icdo3": r.morphology_icdo3,
        "grade": r.grade,
        "findings": r.findings,
        "conclusion": r.conclusion,
    }


@require_perm(WRITE)
def report_correct(request: HttpRequest, patient_id: int, report_id: int) -> HttpResponse:
    """The correction of a report: a new signed report that replaces it, with a reason."""
    row = selectors.report_get(**viewing(request), patient_id=patient_id, report_id=report_id)
    status = 200
    if request.method == "POST":
        form = ReportCorrectionForm(request.POST)
        status = 422
        if form.is_valid():
            with form_refusals(form) as refused:
                services.clinical_report_correct(
                    **acting(request),
                    patient_id=patient_id,
                    report_id=report_id,
                    data=form.to_text(),
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Correzione del referto firmata."))
                return redirect("records:reports", patient_id=patient_id)
            if refused.error is not None and refused.error.status == 409:
                status = 409
    else:
        form = ReportCorrectionForm(initial=_initial(row))
    context = {"patient": row.report.patient, "row": row, "form": form}
    return render(request, "records/report_correct.html", context, status=status)
