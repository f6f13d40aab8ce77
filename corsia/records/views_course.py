"""Pages of the treatment course: the course page (lines → cycles → orders, surgery and
radiotherapy, response history, home therapy, appointments) with its forms, and the
re-evaluation page of a line. Thin: the services decide, with the diary's permissions
(``records.view_chart`` to read, ``records.write_diary`` to write)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import form_refusals, refusals_as_messages
from corsia.core.web import acting, posted_version, request_actor, viewing
from corsia.records import selectors_course, services
from corsia.records.domain import course as rules
from corsia.records.forms_course import (
    AppointmentForm,
    EvaluationForm,
    HomeTherapyForm,
    LineCloseForm,
    LineForm,
    PlanItemForm,
)
from corsia.records.selectors_course import CourseView, LineView
from corsia.records.views import act_with_form, patient_form_post
from corsia.regimens.selectors import prescribable_versions

VIEW = "records.view_chart"
WRITE = "records.write_diary"


def _regimens() -> list[tuple[int, str]]:
    return [(v.pk, f"{v.regimen.code} — {v.name}") for v in prescribable_versions()]


def _open_lines(view: CourseView) -> list[tuple[int, str]]:
    return [
        (v.line.pk, f"{v.line.number} · {v.line.regimen_name}")
        for v in view.lines
        if not v.line.closed
    ]


def _course_page(
    request: HttpRequest, patient_id: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    view = selectors_course.course_view(
        **viewing(request),
        patient_id=patient_id,
    )
    if view.patient.pk != patient_id:  # a merged duplicate: its survivor's course
        return redirect("records:course", patient_id=view.patient.pk)
    context: dict[str, Any] = {"patient": view.patient, "view": view}
    if request.user.has_perm(WRITE):
        next_number = max((v.line.number for v in view.lines), default=0) + 1
        context.update(
            line_form=LineForm(
                regimens=_regimens(), initial={"number": min(next_number, 20)}, auto_id="line-%s"
            ),
            plan_form=PlanItemForm(lines=_open_lines(view), auto_id="plan-%s"),
            home_form=HomeTherapyForm(auto_id="home-%s"),
            appointment_form=AppointmentForm(auto_id="appt-%s"),
            may_write=True,
        )
    # each line with its closing form (field ids apart: several forms on one page)
    context["lines"] = [
        (v, LineCloseForm(auto_id=f"close-{v.line.pk}-%s") if context.get("may_write") else None)
        for v in view.lines
    ]
    context.update(forms or {})
    return render(request, "records/course.html", context, status=status)


@require_perm(VIEW)
def course(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _course_page(request, patient_id)


# A form of the course page: saved → message and back; refused → the page again with the
# form and its Italian errors (422).
_form_post = partial(patient_form_post, page=_course_page, url="records:course")


def _row_action(
    request: HttpRequest,
    patient_id: int,
    row_id: int,
    *,
    rows: Callable[[CourseView], Iterable[Any]],
    act: Callable[[], object],
    done: str,
) -> HttpResponse:
    """A button on a row of the patient's course (404 if the row is not among ``rows``):
    a refusal becomes a message; back to the course either way."""
    view = selectors_course.chart_course(user=request_actor(request), patient_id=patient_id)
    if row_id not in {r.pk for r in rows(view)}:
        raise Http404
    with refusals_as_messages(request):
        act()
        messages.success(request, done)
    return redirect("records:course", patient_id=patient_id)


@require_perm(WRITE)
@require_POST
def line_start(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _form_post(
        request,
        patient_id,
        LineForm(request.POST, regimens=_regimens(), auto_id="line-%s"),
        key="line_form",
        save=act_with_form(request, patient_id, services.treatment_line_start),
        done=_("Linea di terapia registrata."),
    )


def _line(request: HttpRequest, patient_id: int, line_id: int) -> LineView:
    """The patient's line (404 if it is another patient's, or none)."""
    view = selectors_course.chart_course(user=request_actor(request), patient_id=patient_id)
    found = next((v for v in view.lines if v.line.pk == line_id), None)
    if found is None:
        raise Http404
    return found


@require_perm(WRITE)
@require_POST
def line_close(request: HttpRequest, patient_id: int, line_id: int) -> HttpResponse:
    _line(request, patient_id, line_id)
    form = LineCloseForm(request.POST)
    version = posted_version(request)
    if not form.is_valid() or version is None:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        if version is None:
            messages.error(request, _("Versione del modulo mancante: ricarica la pagina."))
        return redirect("records:course", patient_id=patient_id)
    with refusals_as_messages(request):
        services.treatment_line_close(
            **acting(request),
            line_id=line_id,
            ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            expected_version=version,
        )
        messages.success(request, _("Linea di terapia chiusa."))
    return redirect("records:course", patient_id=patient_id)


@require_perm(WRITE)
@require_POST
def line_orders(request: HttpRequest, patient_id: int, line_id: int) -> HttpResponse:
    _line(request, patient_id, line_id)
    ids = [int(i) for i in request.POST.getlist("order_ids") if i.isdigit()][:200]
    version = posted_version(request)
    with refusals_as_messages(request):
        services.treatment_line_orders_link(
            **acting(request),
            line_id=line_id,
            order_ids=ids,
            expected_version=version if version is not None else -1,
        )
        messages.success(request, _("Prescrizioni collegate alla linea."))
    return redirect("records:course", patient_id=patient_id)


@require_perm(WRITE)
@require_POST
def plan_item(request: HttpRequest, patient_id: int) -> HttpResponse:
    view = selectors_course.chart_course(user=request_actor(request), patient_id=patient_id)
    return _form_post(
        request,
        patient_id,
        PlanItemForm(request.POST, lines=_open_lines(view), auto_id="plan-%s"),
        key="plan_form",
        save=act_with_form(request, patient_id, services.treatment_plan_item_record),
        done=_("Registrato nel piano di cura."),
    )


@require_perm(WRITE)
@require_POST
def home_therapy(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _form_post(
        request,
        patient_id,
        HomeTherapyForm(request.POST, auto_id="home-%s"),
        key="home_form",
        save=act_with_form(request, patient_id, services.home_therapy_record),
        done=_("Terapia domiciliare registrata."),
    )


@require_perm(WRITE)
@require_POST
def home_therapy_stop(request: HttpRequest, patient_id: int, therapy_id: int) -> HttpResponse:
    return _row_action(
        request,
        patient_id,
        therapy_id,
        rows=lambda view: view.home_active,
        act=lambda: services.home_therapy_stop(
            **acting(request),
            therapy_id=therapy_id,
            stopped_on=None,
            expected_version=posted_version(request) or -1,
        ),
        done=_("Terapia domiciliare sospesa da oggi."),
    )


@require_perm(WRITE)
@require_POST
def appointment(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _form_post(
        request,
        patient_id,
        AppointmentForm(request.POST, auto_id="appt-%s"),
        key="appointment_form",
        save=lambda form: services.appointment_record(
            **acting(request),
            patient_id=patient_id,
            scheduled_on=form.cleaned_data["scheduled_on"],
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        ),
        done=_("Appuntamento fissato."),
    )


@require_perm(WRITE)
@require_POST
def appointment_cancel(request: HttpRequest, patient_id: int, appointment_id: int) -> HttpResponse:
    return _row_action(
        request,
        patient_id,
        appointment_id,
        rows=lambda view: view.upcoming,
        act=lambda: services.appointment_cancel(
            **acting(request),
            appointment_id=appointment_id,
            reason=request.POST.get("reason", ""),
            expected_version=posted_version(request) or -1,
        ),
        done=_("Appuntamento annullato."),
    )


# --- re-evaluation ------------------------------------------------------------------------------


def _evaluation_form(request: HttpRequest, found: LineView, criteria: str) -> EvaluationForm:
    baseline = not found.has_baseline[criteria]
    lesions: list[tuple[str, str]] = []
    recist = found.recist_baseline
    if criteria == rules.Criteria.RECIST and recist is not None:
        lesions = [
            (item["lesion_id"], "linfonodo" if item["lymph_node"] else item["organ"])
            for item in recist.target_lesions
        ]
    data = request.POST if request.method == "POST" else None
    return EvaluationForm(data, criteria=criteria, baseline=baseline, lesions=lesions)


@require_perm(VIEW)
def evaluation(request: HttpRequest, patient_id: int, line_id: int) -> HttpResponse:
    """The baseline of a line, or a re-evaluation against it (RECIST 1.1 or Lugano 2014)."""
    if request.method == "POST" and not request.user.has_perm(WRITE):
        raise PermissionDenied(WRITE)
    view = selectors_course.course_view(
        **viewing(request),
        patient_id=patient_id,
    )
    found = next((v for v in view.lines if v.line.pk == line_id), None)
    if found is None or view.patient.pk != patient_id:
        raise Http404
    criteria = request.POST.get("criteria") or request.GET.get("criteria") or "recist_1_1"
    if criteria not in {c.value for c in rules.Criteria}:
        raise Http404
    form = _evaluation_form(request, found, criteria)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            with form_refusals(form):
                services.response_evaluation_record(
                    **acting(request),
                    patient_id=patient_id,
                    data=form.to_input(line_id),
                )
                messages.success(request, _("Rivalutazione firmata."))
                return redirect("records:course", patient_id=patient_id)
    context = {
        "patient": view.patient,
        "found": found,
        "form": form,
        "criteria": criteria,
        "criteria_label": rules.CRITERIA_LABELS_IT[rules.Criteria(criteria)],
        "may_write": request.user.has_perm(WRITE) and not found.line.closed,
    }
    return render(request, "records/evaluation.html", context, status=status)
