"""Pages of the clinical trials: list, new trial, the trial's page (arms, enrolled patients,
monitors) with its actions: enrol, withdraw, assign and revoke a monitor. Thin: reads
through selectors, writes through services, refusals through ``core.refusals``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from corsia.accounts.selectors import user_by_username
from corsia.core.access import require_perm
from corsia.core.refusals import act_with_reason, form_refusals, refusals_as_messages
from corsia.core.web import acting, request_actor, request_workstation
from corsia.regimens import selectors, services
from corsia.regimens.forms import EnrolForm, MonitorForm, TrialForm
from corsia.regimens.models import ClinicalTrial

VIEW_TRIAL = "regimens.view_trial"
MANAGE_TRIAL = "regimens.manage_trial"


@require_perm(VIEW_TRIAL)
@require_GET
def trials(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows = selectors.trials_visible_to(actor).prefetch_related("regimens")
    return render(
        request,
        "regimens/trials.html",
        {"trials": rows, "may_manage": actor.has_perm(MANAGE_TRIAL)},
    )


@require_perm(MANAGE_TRIAL)
@require_http_methods(["GET", "POST"])
def trial_new(request: HttpRequest) -> HttpResponse:
    choices = selectors.trial_regimen_choices()
    form = TrialForm(request.POST or None, regimen_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_refusals(form):
            trial = services.trial_create(
                **acting(request),
                code=data["code"],
                title=data["title"],
                eudract_number=data["eudract_number"],
                ctis_number=data["ctis_number"],
                sponsor=data["sponsor"],
                regimen_codes=data["regimens"],
            )
            messages.success(request, _("Studio %(code)s registrato.") % {"code": trial.code})
            return redirect("regimens:trial_detail", pk=trial.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "regimens/trial_new.html", {"form": form}, status=status)


def _arm_choices(trial: ClinicalTrial) -> list[tuple[str, str]]:
    return [(r.code, r.code) for r in trial.regimens.all()]


def _detail(
    request: HttpRequest,
    trial: ClinicalTrial,
    *,
    enrol_form: EnrolForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request_actor(request)
    may_manage = actor.has_perm(MANAGE_TRIAL)
    context: dict[str, Any] = {
        "trial": trial,
        "regimens": trial.regimens.all(),
        "enrollments": selectors.trial_enrollments(
            user=actor, trial=trial, workstation=request_workstation(request)
        ),
        "may_manage": may_manage,
    }
    if may_manage:
        assignments = selectors.trial_monitors(user=actor, trial=trial)
        active = {a.user_id for a in assignments if a.revoked_at is None}
        choices = [
            (u.get_username(), u.get_full_name() or u.get_username())
            for u in selectors.monitor_choices()
            if u.pk not in active
        ]
        context |= {
            "enrol_form": enrol_form or EnrolForm(arm_choices=_arm_choices(trial)),
            "monitor_form": MonitorForm(monitor_choices=choices),
            "monitors": assignments,
        }
    return render(request, "regimens/trial_detail.html", context, status=status)


@require_perm(VIEW_TRIAL)
@require_GET
def trial_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.trial_get(user=request_actor(request), trial_id=pk))


@require_perm(MANAGE_TRIAL)
@require_POST
def trial_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    trial = selectors.trial_get(user=actor, trial_id=pk)
    form = EnrolForm(request.POST, arm_choices=_arm_choices(trial))
    if form.is_valid():
        data = form.cleaned_data
        rename = {"patient_id": "patient", "arm_regimen_code": "arm"}
        with form_refusals(form, rename=rename):
            patient_id = selectors.enrolment_patient(
                user=actor,
                text=data["patient"],
                workstation=request_workstation(request),
                channel="web",
            )
            enrolment = services.trial_enrol_patient(
                actor=actor,
                workstation=request_workstation(request),
                trial_id=trial.pk,
                patient_id=patient_id,
                subject_code=data["subject_code"],
                consent_date=data["consent_date"],
                arm_regimen_code=data["arm"] or None,
            )
            messages.success(
                request,
                _("Paziente arruolato come %(code)s.") % {"code": enrolment.subject_code},
            )
            return redirect("regimens:trial_detail", pk=trial.pk)
    return _detail(request, trial, enrol_form=form, status=422)


@require_perm(MANAGE_TRIAL)
@require_POST
def trial_withdraw(request: HttpRequest, pk: int, enrolment_id: int) -> HttpResponse:
    act_with_reason(
        request,
        services.trial_enrolment_withdraw,
        done=_("Paziente ritirato dallo studio."),
        trial_id=pk,
        enrolment_id=enrolment_id,
    )
    return redirect("regimens:trial_detail", pk=pk)


@require_perm(MANAGE_TRIAL)
@require_POST
def trial_monitor_assign(request: HttpRequest, pk: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        monitor = user_by_username(username=request.POST.get("monitor", ""))
        services.trial_monitor_assign(**acting(request), trial_id=pk, monitor=monitor)
        messages.success(request, _("Monitor assegnato allo studio."))
    return redirect("regimens:trial_detail", pk=pk)


@require_perm(MANAGE_TRIAL)
@require_POST
def trial_monitor_revoke(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    act_with_reason(
        request,
        services.trial_monitor_revoke,
        done=_("Assegnazione del monitor revocata."),
        trial_id=pk,
        assignment_id=assignment_id,
    )
    return redirect("regimens:trial_detail", pk=pk)
