"""Pages of the medical record: the patient's chart (header, timeline, diary form) and the
correction of a diary entry."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Protocol, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.actors import User, Workstation
from corsia.core.paging import paginate
from corsia.core.refusals import form_refusals
from corsia.core.web import acting, posted_version, request_actor, viewing
from corsia.core.web import request_workstation as _ws
from corsia.patients.selectors import patient_search
from corsia.records import selectors, services
from corsia.records.domain.labs import COMMON_ANALYTES
from corsia.records.forms import (
    BIOMARKER_ROWS,
    AnamnesisForm,
    AnamnesisNoteForm,
    DiagnosisForm,
    DiaryCorrectionForm,
    DiaryForm,
    LabForm,
    PerformanceStatusForm,
    VitalsForm,
    WardRoundForm,
)

FormT = TypeVar("FormT", bound=Form)
VIEW = "records.view_chart"
WRITE = "records.write_diary"
RECORD = "records.record_vitals"
RECORD_LAB = "records.record_lab"


class PatientPage(Protocol):
    """A page of the patient's record, drawn again with the forms a post refused."""

    def __call__(
        self,
        request: HttpRequest,
        patient_id: int,
        *,
        forms: dict[str, Any] | None = None,
        status: int = 200,
    ) -> HttpResponse: ...


def patient_form_post(
    request: HttpRequest,
    patient_id: int,
    form: FormT,
    *,
    page: PatientPage,
    url: str,
    key: str,
    save: Callable[[FormT], object],
    done: str,
) -> HttpResponse:
    """A form posted on one of the patient's pages: saved → the message ``done`` and back to
    the page (``url``, a URL name taking ``patient_id``); refused → ``page`` again with the
    form (under ``key``) and its Italian errors (422)."""
    if form.is_valid():
        with form_refusals(form):
            save(form)
            messages.success(request, done)
            return redirect(url, patient_id=patient_id)
    return page(request, patient_id, forms={key: form}, status=422)


class PatientAct(Protocol):
    """The service of a clinical act on one patient, taking the input a form built."""

    def __call__(
        self, *, actor: User, workstation: Workstation, patient_id: int, data: Any
    ) -> object: ...


class InputForm(Protocol):
    def to_input(self) -> Any: ...


def act_with_form(
    request: HttpRequest, patient_id: int, act: PatientAct
) -> Callable[[InputForm], object]:
    """``save`` for ``patient_form_post``: ``act`` on the patient with the form's input, by
    the signed-in user at this workstation."""

    def save(form: InputForm) -> object:
        return act(**acting(request), patient_id=patient_id, data=form.to_input())

    return save


def _chart_page(
    request: HttpRequest,
    patient_id: int,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    chart = selectors.chart_view(
        **viewing(request),
        patient_id=patient_id,
    )
    if chart.header.patient.pk != patient_id:  # a merged duplicate: its survivor's chart
        return redirect("records:chart", patient_id=chart.header.patient.pk)
    context: dict[str, Any] = {"chart": chart, "h": chart.header, "patient": chart.header.patient}
    context["course"] = chart.course
    if request.user.has_perm(WRITE):
        context["diary_form"] = DiaryForm(initial={"kind": "visit"})
        context["ward_round_form"] = WardRoundForm()
    if request.user.has_perm(RECORD):
        context["vitals_form"] = VitalsForm()
    context.update(forms or {})
    return render(request, "records/chart.html", context, status=status)


@require_perm(VIEW)
def search(request: HttpRequest) -> HttpResponse:
    """The way into a chart: find the patient (name, codice fiscale, MRN, wristband)."""
    text = request.GET.get("q", "").strip()[:200]
    found = (
        patient_search(
            **viewing(request),
            text=text,
        )
        if text
        else None
    )
    if found is not None and len(found) == 1:
        return redirect("records:chart", patient_id=found[0].pk)
    return render(request, "records/search.html", {"query": text, "found": found})


@require_perm(VIEW)
def chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _chart_page(request, patient_id)


# A form of the chart page (diary, ward round, vital signs).
_chart_form_post = partial(patient_form_post, page=_chart_page, url="records:chart")


@require_perm(WRITE)
@require_POST
def diary_sign(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _chart_form_post(
        request,
        patient_id,
        DiaryForm(request.POST),
        key="diary_form",
        save=act_with_form(request, patient_id, services.diary_entry_sign),
        done=_("Annotazione firmata nel diario clinico."),
    )


@require_perm(WRITE)
@require_POST
def ward_round(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The fast ward-round entry: the note and, optionally, the vital signs."""

    def save(form: WardRoundForm) -> object:
        return services.ward_round_record(
            **acting(request),
            patient_id=patient_id,
            text=form.cleaned_data["text"],
            vital_signs=form.to_input(),
        )

    return _chart_form_post(
        request,
        patient_id,
        WardRoundForm(request.POST),
        key="ward_round_form",
        save=save,
        done=_("Giro visita firmato nel diario clinico."),
    )


@require_perm(RECORD)
@require_POST
def vitals_record(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _chart_form_post(
        request,
        patient_id,
        VitalsForm(request.POST),
        key="vitals_form",
        save=act_with_form(request, patient_id, services.vital_signs_record),
        done=_("Parametri vitali registrati."),
    )


@require_perm(WRITE)
def diary_correct(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.diary_entry_get(
        **viewing(request),
        entry_id=entry_id,
    )
    status = 200
    if request.method == "POST":
        form = DiaryCorrectionForm(request.POST)
        if form.is_valid():
            with form_refusals(form) as refused:
                services.diary_entry_correct(
                    **acting(request),
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


# --- anamnesis ----------------------------------------------------------------------------------


def _anamnesis_page(
    request: HttpRequest, patient_id: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request_actor(request)
    view = selectors.anamnesis_view(user=user, patient_id=patient_id, workstation=_ws(request))
    patient = view.patient
    if patient.pk != patient_id:
        return redirect("records:anamnesis", patient_id=patient.pk)
    context: dict[str, Any] = {"patient": patient, "view": view}
    if request.user.has_perm(WRITE):
        current = view.current
        initial = {n: getattr(current, n) for n in AnamnesisForm.base_fields} if current else {}
        context["form"] = AnamnesisForm(initial=initial)
        context["version"] = view.number
        context["note_form"] = AnamnesisNoteForm()
    context.update(forms or {})
    return render(request, "records/anamnesis.html", context, status=status)


@require_perm(VIEW)
def anamnesis(request: HttpRequest, patient_id: int) -> HttpResponse:
    if request.method != "POST":
        return _anamnesis_page(request, patient_id)
    if not request.user.has_perm(WRITE):
        raise PermissionDenied(WRITE)
    form = AnamnesisForm(request.POST)
    status = 422
    version = posted_version(request)
    if form.is_valid():
        if version is None:
            form.add_error(None, _("Versione del modulo mancante: ricarica la pagina."))
        else:
            with form_refusals(form) as refused:
                services.anamnesis_sign(
                    **acting(request),
                    patient_id=patient_id,
                    data=form.to_sections(),
                    expected_version=version,
                )
                messages.success(request, _("Anamnesi firmata (nuova versione)."))
                return redirect("records:anamnesis", patient_id=patient_id)
            if refused.error is not None and refused.error.status == 409:
                status = 409
    extra: dict[str, Any] = {"form": form}
    if version is not None:
        extra["version"] = version
    return _anamnesis_page(request, patient_id, forms=extra, status=status)


@require_perm(WRITE)
@require_POST
def anamnesis_note(request: HttpRequest, patient_id: int) -> HttpResponse:
    def save(form: AnamnesisNoteForm) -> object:
        return services.anamnesis_note_sign(
            **acting(request),
            patient_id=patient_id,
            text=form.cleaned_data["text"],
            noted_on=form.cleaned_data["noted_on"],
        )

    return patient_form_post(
        request,
        patient_id,
        AnamnesisNoteForm(request.POST),
        page=_anamnesis_page,
        url="records:anamnesis",
        key="note_form",
        save=save,
        done=_("Raccordo anamnestico firmato."),
    )


# --- diagnosis and performance status -------------------------------------------------------------


def _diagnosis_page(
    request: HttpRequest, patient_id: int, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request_actor(request)
    view = selectors.diagnosis_view(user=user, patient_id=patient_id, workstation=_ws(request))
    if view.patient.pk != patient_id:
        return redirect("records:diagnosis", patient_id=view.patient.pk)
    query = request.GET.get("q", "").strip()[:100]
    context: dict[str, Any] = {
        "patient": view.patient,
        "view": view,
        # every performance status, paged (issue 27)
        "ps_page": paginate(request, view.performance_statuses, param="ps_page"),
        "query": query,
        "codes": selectors.icd9_search(user=user, text=query) if query else [],
    }
    if request.user.has_perm(WRITE):
        context["form"] = DiagnosisForm(initial={"primary_site_code": request.GET.get("code", "")})
        context["ps_form"] = PerformanceStatusForm()
    context.update(forms or {})
    return render(request, "records/diagnosis.html", context, status=status)


# A form of the diagnosis page (diagnosis, performance status).
_diagnosis_form_post = partial(patient_form_post, page=_diagnosis_page, url="records:diagnosis")


@require_perm(VIEW)
def diagnosis(request: HttpRequest, patient_id: int) -> HttpResponse:
    if request.method != "POST":
        return _diagnosis_page(request, patient_id)
    if not request.user.has_perm(WRITE):
        raise PermissionDenied(WRITE)

    return _diagnosis_form_post(
        request,
        patient_id,
        DiagnosisForm(request.POST),
        key="form",
        save=act_with_form(request, patient_id, services.diagnosis_record),
        done=_("Diagnosi registrata."),
    )


@require_perm(WRITE)
@require_POST
def performance_status(request: HttpRequest, patient_id: int) -> HttpResponse:
    def save(form: PerformanceStatusForm) -> object:
        return services.performance_status_record(
            **acting(request),
            patient_id=patient_id,
            scale=form.cleaned_data["scale"],
            value=form.cleaned_data["value"],
            assessed_on=form.cleaned_data["assessed_on"],
        )

    return _diagnosis_form_post(
        request,
        patient_id,
        PerformanceStatusForm(request.POST),
        key="ps_form",
        save=save,
        done=_("Performance status registrato."),
    )


# --- laboratory ---------------------------------------------------------------------------------


@require_perm(VIEW)
def lab_results(request: HttpRequest, patient_id: int) -> HttpResponse:
    form: LabForm | None = None
    status = 200
    if request.method == "POST":
        if not request.user.has_perm(RECORD_LAB):
            raise PermissionDenied(RECORD_LAB)
        form = LabForm(request.POST)
        if form.is_valid():
            with form_refusals(form):
                services.lab_result_record(
                    **acting(request),
                    patient_id=patient_id,
                    data=form.to_input(),
                )
                messages.success(request, _("Esame registrato."))
                return redirect("records:labs", patient_id=patient_id)
        status = 422
    view = selectors.lab_view(
        **viewing(request),
        patient_id=patient_id,
    )
    if view.patient.pk != patient_id:
        return redirect("records:labs", patient_id=view.patient.pk)
    if form is None and request.user.has_perm(RECORD_LAB):
        form = LabForm()
    context = {"patient": view.patient, "view": view, "form": form, "common": COMMON_ANALYTES}
    return render(request, "records/labs.html", context, status=status)


def _diagnosis_initial(found: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "primary_site_code": found.primary_site.code,
        "diagnosed_on": found.diagnosed_on.isoformat(),  # what a date input reads
        "histotype": found.histotype,
        "morphology_icdo3": found.morphology_icdo3,
        "grade": found.grade,
        "stage": found.stage,
        "staging_system": found.staging_system,
        "metastases": "\n".join(found.metastases),
    }
    for n, marker in enumerate(found.biomarkers[:BIOMARKER_ROWS]):
        initial[f"marker_{n}"] = marker.get("marker", "")
        initial[f"result_{n}"] = marker.get("result", "")
        initial[f"tested_on_{n}"] = marker.get("tested_on") or ""
    return initial


@require_perm(WRITE)
def diagnosis_edit(request: HttpRequest, diagnosis_id: int) -> HttpResponse:
    """Change a diagnosis; the form carries the version it was built from (a change made
    meanwhile by someone else: refused, 409, with who and when)."""
    found = selectors.diagnosis_get(
        **viewing(request),
        diagnosis_id=diagnosis_id,
    )
    status = 200
    version = found.version
    if request.method == "POST":
        form = DiagnosisForm(request.POST)
        posted = posted_version(request)
        status = 422
        if posted is None:
            form.add_error(None, _("Versione del modulo mancante: ricarica la pagina."))
        else:
            version = posted
            if form.is_valid():
                with form_refusals(form) as refused:
                    services.diagnosis_update(
                        **acting(request),
                        diagnosis_id=found.pk,
                        data=form.to_input(),
                        expected_version=posted,
                    )
                    messages.success(request, _("Diagnosi modificata."))
                    return redirect("records:diagnosis", patient_id=found.patient_id)
                if refused.error is not None and refused.error.status == 409:
                    status = 409
    else:
        form = DiagnosisForm(initial=_diagnosis_initial(found))
    context = {"diagnosis": found, "patient": found.patient, "form": form, "version": version}
    return render(request, "records/diagnosis_edit.html", context, status=status)
