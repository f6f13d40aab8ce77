"""Pages of the medical record: the patient's chart (header, timeline, diary form) and the
correction of a diary entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import form_refusals
from corsia.core.web import request_actor
from corsia.core.web import request_workstation as _ws
from corsia.records import selectors, services
from corsia.records.forms import DiaryCorrectionForm, DiaryForm, VitalsForm, WardRoundForm

VIEW = "records.view_chart"
WRITE = "records.write_diary"
RECORD = "records.record_vitals"


def _chart_page(
    request: HttpRequest,
    patient_id: int,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    chart = selectors.chart_view(
        user=request_actor(request), patient_id=patient_id, workstation=_ws(request)
    )
    if chart.header.patient.pk != patient_id:  # a merged duplicate: its survivor's chart
        return redirect("records:chart", patient_id=chart.header.patient.pk)
    context: dict[str, Any] = {"chart": chart, "h": chart.header, "patient": chart.header.patient}
    if request.user.has_perm(WRITE):
        context["diary_form"] = DiaryForm(initial={"kind": "visit"})
        context["ward_round_form"] = WardRoundForm()
    if request.user.has_perm(RECORD):
        context["vitals_form"] = VitalsForm()
    context.update(forms or {})
    return render(request, "records/chart.html", context, status=status)


@require_perm(VIEW)
def chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _chart_page(request, patient_id)


@require_POST
@require_perm(WRITE)
def diary_sign(request: HttpRequest, patient_id: int) -> HttpResponse:
    form = DiaryForm(request.POST)
    if form.is_valid():
        with form_refusals(form):
            services.diary_entry_sign(
                actor=request_actor(request),
                workstation=_ws(request),
                patient_id=patient_id,
                data=form.to_input(),
            )
            messages.success(request, _("Annotazione firmata nel diario clinico."))
            return redirect("records:chart", patient_id=patient_id)
    return _chart_page(request, patient_id, forms={"diary_form": form}, status=422)


@require_POST
@require_perm(WRITE)
def ward_round(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The fast ward-round entry: the note and, optionally, the vital signs."""
    form = WardRoundForm(request.POST)
    if form.is_valid():
        with form_refusals(form):
            services.ward_round_record(
                actor=request_actor(request),
                workstation=_ws(request),
                patient_id=patient_id,
                text=form.cleaned_data["text"],
                vital_signs=form.to_input(),
            )
            messages.success(request, _("Giro visita firmato nel diario clinico."))
            return redirect("records:chart", patient_id=patient_id)
    return _chart_page(request, patient_id, forms={"ward_round_form": form}, status=422)


@require_POST
@require_perm(RECORD)
def vitals_record(request: HttpRequest, patient_id: int) -> HttpResponse:
    form = VitalsForm(request.POST)
    if form.is_valid():
        with form_refusals(form):
            services.vital_signs_record(
                actor=request_actor(request),
                workstation=_ws(request),
                patient_id=patient_id,
                data=form.to_input(),
            )
            messages.success(request, _("Parametri vitali registrati."))
            return redirect("records:chart", patient_id=patient_id)
    return _chart_page(request, patient_id, forms={"vitals_form": form}, status=422)


@require_perm(WRITE)
def diary_correct(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.diary_entry_get(
        user=request_actor(request), entry_id=entry_id, workstation=_ws(request)
    )
    status = 200
    if request.method == "POST":
        form = DiaryCorrectionForm(request.POST)
        if form.is_valid():
            with form_refusals(form) as refused:
                services.diary_entry_correct(
                    actor=request_actor(request),
                    workstation=_ws(request),
                    entry_id=entry.pk,
                    data=form.to_input(),
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Correzione firmata nel diario clinico."))
                return redirect("records:chart", patient_id=entry.patient_id)
            status = 409 if refused.error is not None and refused.error.status == 409 else 422
        else:
            status = 422
    else:
        form = DiaryCorrectionForm(
            initial={"kind": entry.kind, "text": entry.text, "written_at": None}
        )
    context = {"entry": entry, "form": form, "patient_id": entry.patient_id}
    return render(request, "records/diary_correct.html", context, status=status)
