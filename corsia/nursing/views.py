"""Pages of the nursing record: the patient's nursing page (the scales' trend, the vital
signs of the medical record), assessing with a scale, one assessment and its correction,
the catalogue of scales (a ward's own defined as data)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.paging import paginate
from corsia.core.refusals import form_refusals, refusals_as_messages
from corsia.core.web import acting, request_actor
from corsia.core.web import request_workstation as _ws
from corsia.nursing import selectors, services
from corsia.nursing.domain import monitoring
from corsia.nursing.forms import (
    ActivationForm,
    AnamnesisForm,
    CorrectionForm,
    MonitoringForm,
    NoteForm,
    ScaleDefinitionForm,
    ScaleForm,
)
from corsia.nursing.models import Scale
from corsia.nursing.views_care import definition_page
from corsia.patients.selectors import patient_get
from corsia.records.selectors import patient_vitals

VIEW = "nursing.view_nursing"
RECORD = "nursing.record_nursing"
MANAGE = "nursing.manage_scales"
CHART = "records.view_chart"


# --- the patient's nursing page -------------------------------------------------------------


@require_perm(VIEW)
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request_actor(request)
    patient = patient_get(user=actor, patient_id=patient_id)
    if patient.pk != patient_id:
        return redirect("nursing:patient", patient_id=patient.pk)
    show_history = request.GET.get("history") == "1"
    trends = selectors.patient_scale_trends(
        user=actor, patient_id=patient.pk, workstation=_ws(request)
    )
    history_scale = request.GET.get("scale", "").strip()[:40] if show_history else ""
    history = (
        paginate(
            request,
            selectors.patient_assessments(
                user=actor,
                patient_id=patient.pk,
                scale_code=history_scale or None,
                include_history=True,
                workstation=_ws(request),
            ),
            param="history_page",
        )
        if show_history
        else None
    )
    vitals = (
        patient_vitals(user=actor, patient_id=patient.pk, workstation=_ws(request))
        if request.user.has_perm(CHART)
        else None
    )
    written = selectors.patient_written_record(
        user=actor, patient_id=patient.pk, include_history=show_history, workstation=_ws(request)
    )
    context = {
        "patient": patient,
        "written": written,
        "parameters": {p.code: p for p in monitoring.PARAMETERS},
        "note_form": NoteForm(),
        "monitoring_form": MonitoringForm(),
        "trends": trends,
        "scales": selectors.scales_in_use(user=actor),
        "show_history": show_history,
        "history": history,  # every assessment, paged (issue 27)
        "history_scale": history_scale,
        "chart": {"vitals": vitals} if vitals is not None else None,
    }
    return render(request, "nursing/patient.html", context)


# --- assessing with a scale -----------------------------------------------------------------


@require_perm(RECORD)
def assess(request: HttpRequest, patient_id: int, code: str) -> HttpResponse:
    actor = request_actor(request)
    patient = patient_get(user=actor, patient_id=patient_id)
    scale = selectors.scale_in_use(user=actor, code=code)
    definition = scale.parsed()
    if request.method != "POST":
        form = ScaleForm(definition)
        return _assess_page(request, patient, scale, form)
    form = ScaleForm(definition, request.POST)
    if form.is_valid():
        with form_refusals(form):
            assessment = services.assessment_record(
                actor=actor,
                workstation=_ws(request),
                patient_id=patient.pk,
                data=services.AssessmentInput(
                    scale_code=scale.code,
                    answers=form.answers(),
                    assessed_at=form.cleaned_data["assessed_at"],
                    notes=form.cleaned_data["notes"],
                ),
            )
            messages.success(
                request,
                _("%(scale)s: punteggio %(total)s, %(band)s.")
                % {
                    "scale": scale.name,
                    "total": assessment.total,
                    "band": assessment.band_label,
                },
            )
            return redirect("nursing:patient", patient_id=patient.pk)
    return _assess_page(request, patient, scale, form, status=422)


def _assess_page(
    request: HttpRequest, patient: Any, scale: Scale, form: ScaleForm, status: int = 200
) -> HttpResponse:
    context = {"patient": patient, "scale": scale, "definition": form.definition, "form": form}
    return render(request, "nursing/assess.html", context, status=status)


# --- one assessment, and its correction -----------------------------------------------------


@require_perm(VIEW)
def assessment_page(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = request_actor(request)
    assessment = selectors.assessment_get(
        user=actor, assessment_id=assessment_id, workstation=_ws(request)
    )
    definition = assessment.scale.parsed()
    corrected_by = selectors.assessment_corrected_by(assessment=assessment)
    may_correct = request.user.has_perm(RECORD) and corrected_by is None
    if request.method == "POST":
        if not may_correct:
            raise PermissionDenied(RECORD)
        form = CorrectionForm(definition, request.POST)
        if form.is_valid():
            with form_refusals(form):
                new = services.assessment_correct(
                    actor=actor,
                    workstation=_ws(request),
                    assessment_id=assessment.pk,
                    answers=form.answers(),
                    reason=form.cleaned_data["reason"],
                    notes=form.cleaned_data["notes"],
                    assessed_at=form.cleaned_data["assessed_at"],
                )
                messages.success(request, _("Valutazione corretta."))
                return redirect("nursing:assessment", assessment_id=new.pk)
        status = 422
    else:
        form = CorrectionForm(
            definition,
            initial={
                **{f"item_{k}": v for k, v in assessment.answers.items()},
                "notes": assessment.notes,
            },
        )
        status = 200
    context = {
        "assessment": assessment,
        "patient": assessment.patient,
        "corrected_by": corrected_by,
        "form": form if may_correct else None,
        "definition": definition,
    }
    return render(request, "nursing/assessment.html", context, status=status)


# --- the catalogue of scales ----------------------------------------------------------------


@require_perm(VIEW)
def scales_page(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return definition_page(
        request,
        ScaleDefinitionForm,
        act=services.scale_define,
        done=_("Scala definita e messa in uso."),
        then=lambda scale: redirect("nursing:scale", scale_id=scale.pk),
        template="nursing/scales.html",
        context=lambda: {"scales": selectors.scales_all(user=actor)},
    )


@require_perm(VIEW)
def scale_page(request: HttpRequest, scale_id: int) -> HttpResponse:
    scale = selectors.scale_get(user=request_actor(request), scale_id=scale_id)
    definition = scale.parsed()
    context = {
        "scale": scale,
        "definition": definition,
        "json": json.dumps(definition.as_dict(), ensure_ascii=False, indent=2),
        "activation_form": ActivationForm() if request.user.has_perm(MANAGE) else None,
    }
    return render(request, "nursing/scale.html", context)


# --- anamnesis, care diary, monitoring ------------------------------------------------------


@require_perm(VIEW)
def anamnesis_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request_actor(request)
    patient = patient_get(user=actor, patient_id=patient_id)
    record = selectors.patient_written_record(
        user=actor, patient_id=patient.pk, workstation=_ws(request)
    )
    current = record.anamnesis
    may_write = request.user.has_perm(RECORD)
    status = 200
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(RECORD)
        form = AnamnesisForm(request.POST)
        if form.is_valid():
            with form_refusals(form):
                services.anamnesis_write(
                    actor=actor,
                    workstation=_ws(request),
                    patient_id=patient.pk,
                    data=services.AnamnesisInput(
                        admission_reason=form.cleaned_data["admission_reason"],
                        patterns=form.patterns(),
                        caregiver=form.cleaned_data["caregiver"],
                        aids=form.cleaned_data["aids"],
                    ),
                    expected_latest_id=form.cleaned_data["expected_latest_id"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Anamnesi infermieristica registrata."))
                return redirect("nursing:patient", patient_id=patient.pk)
        status = 422
    else:
        initial: dict[str, Any] = {"expected_latest_id": current.pk if current else None}
        if current is not None:
            initial |= {
                "admission_reason": current.admission_reason,
                "caregiver": current.caregiver,
                "aids": current.aids,
                **{f"pattern_{k}": v for k, v in current.patterns.items()},
            }
        form = AnamnesisForm(initial=initial)
    context = {
        "patient": patient,
        "current": current,
        "form": form if may_write else None,
        "patterns": record.anamnesis_patterns,
    }
    return render(request, "nursing/anamnesis.html", context, status=status)


@require_perm(RECORD)
@require_POST
def note_write(request: HttpRequest, patient_id: int) -> HttpResponse:
    form = NoteForm(request.POST)
    with refusals_as_messages(request):
        services.note_write(
            **acting(request),
            patient_id=patient_id,
            text=form.data.get("text", ""),
            kind=form.data.get("kind", "diary"),
        )
        messages.success(request, _("Nota registrata nel diario assistenziale."))
    return redirect(reverse("nursing:patient", args=[patient_id]) + "#notes-heading")


@require_perm(RECORD)
@require_POST
def monitoring_record(request: HttpRequest, patient_id: int) -> HttpResponse:
    form = MonitoringForm(request.POST)
    with refusals_as_messages(request):
        services.monitoring_record(
            **acting(request),
            patient_id=patient_id,
            parameter=form.data.get("parameter", ""),
            value=form.data.get("value", ""),
            note=form.data.get("note", ""),
        )
        messages.success(request, _("Monitoraggio registrato."))
    return redirect(reverse("nursing:patient", args=[patient_id]) + "#monitoring-heading")
