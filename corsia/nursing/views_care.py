"""Pages of the nursing process: the patient's care plan (problems by Gordon pattern, goals,
today's interventions to record, evaluation), each act of the plan as a button posting to
one dispatcher, the nursing discharge, the ward's care-plan templates, and the corrections
of a diary note or a monitored value. The same services and permissions as the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import (
    act_with_reason,
    form_refusals,
    refusal_kept,
    refusals_as_messages,
)
from corsia.core.web import acting, parse_id, posted_date, request_actor
from corsia.core.web import request_workstation as _ws
from corsia.nursing import selectors_care, services
from corsia.nursing.domain import gordon
from corsia.nursing.forms_care import DischargeForm, TemplateDefinitionForm
from corsia.nursing.models import Decision, GoalStatus, Outcome, ProblemStatus
from corsia.patients.selectors import patient_get

VIEW = "nursing.view_nursing"
RECORD = "nursing.record_nursing"
MANAGE = "nursing.manage_scales"


@require_perm(VIEW)
def plan_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request_actor(request)
    patient = patient_get(user=actor, patient_id=patient_id)
    raw = request.GET.get("stay", "")
    stay = parse_id(raw) if raw else None
    plan = None
    if not raw or stay is not None:
        with refusal_kept():
            plan = selectors_care.patient_care_plan(
                user=actor, patient_id=patient.pk, workstation=_ws(request), stay=stay
            )
    if plan is None:  # an unreadable or unknown stay: said, and the current one shown
        messages.error(request, _("Ricovero non trovato."))
        plan = selectors_care.patient_care_plan(
            user=actor, patient_id=patient.pk, workstation=_ws(request)
        )
    context = {
        "patient": patient,
        "plan": plan,
        "patterns": gordon.PATTERNS,
        "outcomes": Outcome.choices,
        "decisions": Decision.choices,
        "endings": [c for c in ProblemStatus.choices if c[0] != ProblemStatus.OPEN],
        "goal_open": GoalStatus.OPEN,
    }
    return render(request, "nursing/plan.html", context)


def _version(post: QueryDict) -> int | None:
    return parse_id(post.get("version"))


def _due(post: QueryDict) -> Any:
    raw = (post.get("due_at") or "").strip()
    if not raw:
        return None
    try:
        return parse_datetime(raw) or raw  # unreadable: the service refuses it
    except ValueError:  # well formed but impossible (30 February)
        return raw


def _open(post: QueryDict, _: int) -> dict[str, Any]:
    return {
        "data": services.ProblemInput(
            template_id=parse_id(post.get("template_id")),
            wording=post.get("wording", ""),
            pattern=post.get("pattern", ""),
            goals=None
            if parse_id(post.get("template_id"))
            else [
                services.GoalInput(
                    post.get("goal", ""), posted_date(post.get("target_date"), "target_date")
                )
            ],
            interventions=None
            if parse_id(post.get("template_id"))
            else [services.InterventionInput(post.get("intervention", ""), post.get("times", ""))],
        )
    }


# action -> (service, the keyword arguments from the form and the item's id, success message)
ACTIONS: dict[str, tuple[Callable[..., Any], Callable[[QueryDict, int], dict[str, Any]], Any]] = {
    "open": (services.care_problem_open, _open, gettext_lazy("Problema aggiunto al piano.")),
    "status": (
        services.care_problem_set_status,
        lambda p, i: {
            "problem_id": i,
            "status": p.get("status", ""),
            "reason": p.get("reason", ""),
            "expected_version": _version(p),
        },
        gettext_lazy("Problema chiuso."),
    ),
    "goal": (
        services.care_goal_add,
        lambda p, i: {
            "problem_id": i,
            "text": p.get("text", ""),
            "target_date": posted_date(p.get("target_date"), "target_date"),
            "expected_version": _version(p),
        },
        gettext_lazy("Obiettivo aggiunto."),
    ),
    "goal-revise": (
        services.care_goal_revise,
        lambda p, i: {
            "goal_id": i,
            "text": p.get("text", ""),
            "target_date": posted_date(p.get("target_date"), "target_date"),
            "reason": p.get("reason", ""),
            "expected_version": _version(p),
            "withdraw": p.get("withdraw") == "1",
        },
        gettext_lazy("Obiettivo aggiornato."),
    ),
    "intervention": (
        services.care_intervention_add,
        lambda p, i: {
            "problem_id": i,
            "text": p.get("text", ""),
            "times": p.get("times", ""),
            "expected_version": _version(p),
        },
        gettext_lazy("Intervento pianificato."),
    ),
    "intervention-revise": (
        services.care_intervention_revise,
        lambda p, i: {
            "intervention_id": i,
            "text": p.get("text", ""),
            "times": p.get("times", ""),
            "reason": p.get("reason", ""),
            "expected_version": _version(p),
            "stop": p.get("stop") == "1",
        },
        gettext_lazy("Intervento aggiornato."),
    ),
    "record": (
        services.care_intervention_record,
        lambda p, i: {
            "intervention_id": i,
            "done": p.get("done") == "1",
            "reason_not_done": p.get("reason_not_done", ""),
            "due_at": _due(p),
            "note": p.get("note", ""),
        },
        gettext_lazy("Intervento registrato."),
    ),
    "evaluate": (
        services.care_goal_evaluate,
        lambda p, i: {
            "goal_id": i,
            "outcome": p.get("outcome", ""),
            "decision": p.get("decision", ""),
            "note": p.get("note", ""),
            "expected_version": _version(p),
        },
        gettext_lazy("Valutazione registrata."),
    ),
}


@require_perm(RECORD)
@require_POST
def plan_action(request: HttpRequest, patient_id: int, action: str, item_id: int) -> HttpResponse:
    """One act of the plan (``ACTIONS``); a refusal is said on the plan page, nothing done."""
    if action not in ACTIONS:
        raise Http404(action)
    act, arguments, done = ACTIONS[action]
    with refusals_as_messages(request):
        extra = {"patient_id": patient_id} if action == "open" else {}
        act(**acting(request), **extra, **arguments(request.POST, item_id))
        messages.success(request, str(done))
    anchor = f"#problem-{request.POST.get('problem', '')}" if request.POST.get("problem") else ""
    return redirect(reverse("nursing:plan", args=[patient_id]) + anchor)


@require_perm(VIEW)
def discharge_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request_actor(request)
    patient = patient_get(user=actor, patient_id=patient_id)
    may_write = request.user.has_perm(RECORD)
    form = DischargeForm(request.POST or None) if may_write else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(RECORD)
        if form.is_valid():
            with form_refusals(form):
                services.nursing_discharge_write(
                    **acting(request), patient_id=patient.pk, **form.cleaned_data
                )
                messages.success(request, _("Dimissione infermieristica registrata."))
                return redirect("nursing:plan", patient_id=patient.pk)
        status = 422
    context = {
        "patient": patient,
        "form": form,
        "summary": selectors_care.discharge_preview(
            user=actor, patient_id=patient.pk, workstation=_ws(request)
        ),
        "plan_discharges": selectors_care.patient_care_plan(
            user=actor, patient_id=patient.pk, workstation=_ws(request)
        ).discharges,
    }
    return render(request, "nursing/discharge.html", context, status=status)


def definition_page(
    request: HttpRequest,
    form_class: type[forms.Form],
    *,
    act: Callable[..., Any],
    done: str,
    then: Callable[[Any], HttpResponse],
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """A catalogue page where the ward defines its own (a scale, a care-plan template) in
    JSON: the form for ``nursing.manage_scales``; unreadable JSON or a definition the
    service refuses is said on the form, nothing written."""
    form = form_class(request.POST or None) if request.user.has_perm(MANAGE) else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(MANAGE)
        if form.is_valid():
            try:
                raw = json.loads(form.cleaned_data["definition"])
            except (ValueError, RecursionError):
                form.add_error("definition", _("Il testo non è JSON valido."))
            else:
                with form_refusals(form, whole_form=True):
                    row = act(**acting(request), definition=raw)
                    messages.success(request, done)
                    return then(row)
        status = 422
    return render(request, template, {**context(), "form": form}, status=status)


@require_perm(VIEW)
def care_templates_page(request: HttpRequest) -> HttpResponse:
    labels = {p.code: p.label for p in gordon.PATTERNS}
    rows = selectors_care.care_templates_all(user=request_actor(request))
    return definition_page(
        request,
        TemplateDefinitionForm,
        act=services.care_template_define,
        done=_("Modello di piano definito e messo in uso."),
        then=lambda _row: redirect("nursing:care_templates"),
        template="nursing/care_templates.html",
        context=lambda: {
            "templates": [(t, labels.get(t.pattern, t.pattern)) for t in rows],
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


ACTIVATIONS: dict[str, tuple[Callable[..., Any], str, Any, Callable[[int], str]]] = {
    "scale": (
        services.scale_set_active,
        "scale_id",
        gettext_lazy("Scala aggiornata."),
        lambda pk: reverse("nursing:scale", args=[pk]),
    ),
    "template": (
        services.care_template_set_active,
        "template_id",
        gettext_lazy("Modello di piano aggiornato."),
        lambda pk: reverse("nursing:care_templates") + f"#template-{pk}",
    ),
}


@require_perm(MANAGE)
@require_POST
def activation(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    """A scale or care-plan template version withdrawn or put back in use (``active``:
    "1"), with the reason typed beside it."""
    act, id_name, done, back = ACTIVATIONS[kind]
    target = {id_name: item_id, "active": request.POST.get("active") == "1"}
    act_with_reason(request, act, done=str(done), **target)
    return redirect(back(item_id))


CORRECTIONS: dict[str, tuple[Callable[..., Any], str, str, str]] = {
    "note": (services.note_correct, "note_id", "text", "#notes-heading"),
    "monitoring": (services.monitoring_correct, "entry_id", "value", "#monitoring-heading"),
}


@require_perm(RECORD)
@require_POST
def correct_written(request: HttpRequest, patient_id: int, kind: str, row_id: int) -> HttpResponse:
    """A diary note or a monitored value corrected from the nursing page (reason required)."""
    if kind not in CORRECTIONS:
        raise Http404(kind)
    act, id_name, field, anchor = CORRECTIONS[kind]
    with refusals_as_messages(request):
        act(
            **acting(request),
            **{id_name: row_id, field: request.POST.get(field, "")},
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Correzione registrata."))
    return redirect(reverse("nursing:patient", args=[patient_id]) + anchor)
