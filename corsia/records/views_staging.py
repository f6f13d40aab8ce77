"""Pages of the structured staging and of the prognostic scores.

Staging: the physician picks the diagnosis and the system (a GET form, no JavaScript),
enters the inputs the system declares and signs; the domain computes the stage, the page
shows it, with the diagnosis's earlier stagings. Scores: the same with a score. A refusal
(impossible TNM, missing input, stale form) re-renders the form with the Italian message on
the field it names (422; 409 for a stale form)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from corsia.core.access import require_perm
from corsia.core.refusals import form_refusals
from corsia.core.web import acting, parse_id, posted_version, viewing
from corsia.records import selectors_staging, services
from corsia.records.domain.prognosis.catalogue import SCORES, Score
from corsia.records.domain.staging.catalogue import SYSTEMS, StagingSystem
from corsia.records.forms_staging import ScoreForm, StagingForm

VIEW = "records.view_chart"
WRITE = "records.write_diary"


def _chosen_system(raw: str | None) -> StagingSystem | None:
    return SYSTEMS.get((raw or "").strip()[:40])


def _chosen_score(raw: str | None) -> Score | None:
    return SCORES.get((raw or "").strip()[:40])


def _refusal_status(error: Any) -> int:
    return 409 if error is not None and error.status == 409 else 422


# --- staging ------------------------------------------------------------------------------------


@require_perm(VIEW)
def staging(request: HttpRequest, patient_id: int) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    system = _chosen_system(source.get("system"))
    diagnosis_id = parse_id(source.get("diagnosis"))
    form: StagingForm | None = None
    status = 200
    version: int | None = None
    if request.method == "POST":
        if not request.user.has_perm(WRITE):
            raise PermissionDenied(WRITE)
        status = 422
        version = posted_version(request)
        if system is None or diagnosis_id is None:
            messages.error(request, _("Scegli la diagnosi e il sistema di stadiazione."))
            return redirect("records:staging", patient_id=patient_id)
        form = StagingForm(request.POST, specs=system.inputs)
        if version is None:
            form.add_error(None, _("Versione del modulo mancante: ricarica la pagina."))
        elif form.is_valid():
            with form_refusals(form) as refused:
                signed = services.staging_sign(
                    **acting(request),
                    patient_id=patient_id,
                    diagnosis_id=diagnosis_id,
                    data=services.StagingInput(
                        system=system.code,
                        criterion=form.cleaned_data["criterion"],
                        inputs=form.raw_inputs(),
                        staged_on=form.cleaned_data["staged_on"],
                    ),
                    expected_version=version,
                )
                messages.success(
                    request, _("Stadiazione firmata: %(stage)s.") % {"stage": signed.stage_label}
                )
                return redirect("records:staging", patient_id=patient_id)
            status = _refusal_status(refused.error)
    view = selectors_staging.staging_view(
        **viewing(request),
        patient_id=patient_id,
    )
    if view.patient.pk != patient_id:
        return redirect("records:staging", patient_id=view.patient.pk)
    chosen = next((d for d in view.diagnoses if d.diagnosis.pk == diagnosis_id), None)
    if chosen is None and len(view.diagnoses) == 1:
        chosen = view.diagnoses[0]
    may_write = request.user.has_perm(WRITE)
    if form is None and may_write and system is not None and chosen is not None:
        form = StagingForm(specs=system.inputs, initial={"criterion": "clinical"})
    context: dict[str, Any] = {
        "patient": view.patient,
        "view": view,
        "systems": list(SYSTEMS.values()),
        "system": system,
        "chosen": chosen,
        "form": form if may_write and chosen is not None else None,
        "version": version if version is not None else (chosen.version if chosen else 0),
        "may_write": may_write,
        "history": [
            (
                d,
                [
                    (
                        s,
                        selectors_staging.system_label(s.system),
                        selectors_staging.staging_inputs_shown(s),
                    )
                    for s in d.stagings
                ],
            )
            for d in view.diagnoses
        ],
    }
    return render(request, "records/staging.html", context, status=status)


# --- prognostic scores ----------------------------------------------------------------------------


@require_perm(VIEW)
def scores(request: HttpRequest, patient_id: int) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    score = _chosen_score(source.get("score"))
    form: ScoreForm | None = None
    status = 200
    view = selectors_staging.scores_view(
        **viewing(request),
        patient_id=patient_id,
    )
    if view.patient.pk != patient_id:
        return redirect("records:scores", patient_id=view.patient.pk)
    diagnosis_choices = [("", "—")] + [
        (str(d.pk), f"{d.primary_site.code} {d.primary_site.description_it} "
                    f"({d.diagnosed_on:%d/%m/%Y})")
        for d in view.diagnoses
    ]  # fmt: skip
    if request.method == "POST":
        if not request.user.has_perm(WRITE):
            raise PermissionDenied(WRITE)
        if score is None:
            messages.error(request, _("Scegli un punteggio prognostico dall'elenco."))
            return redirect("records:scores", patient_id=patient_id)
        form = ScoreForm(request.POST, specs=score.inputs)
        form.fields["diagnosis"].choices = diagnosis_choices  # type: ignore[attr-defined]  # a TypedChoiceField
        status = 422
        if form.is_valid():
            with form_refusals(form) as refused:
                row = services.prognostic_score_record(
                    **acting(request),
                    patient_id=patient_id,
                    data=services.ScoreInput(
                        score=score.code,
                        inputs=form.raw_inputs(),
                        assessed_on=form.cleaned_data["assessed_on"],
                        diagnosis_id=form.cleaned_data["diagnosis"],
                    ),
                )
                messages.success(
                    request,
                    _("%(score)s: %(value)s – rischio %(group)s.")
                    % {
                        "score": score.label,
                        "value": f"{row.value.normalize():f}",
                        "group": row.risk_group_label,
                    },
                )
                return redirect("records:scores", patient_id=patient_id)
            status = _refusal_status(refused.error)
    may_write = request.user.has_perm(WRITE)
    if form is None and may_write and score is not None:
        form = ScoreForm(specs=score.inputs)
        form.fields["diagnosis"].choices = diagnosis_choices  # type: ignore[attr-defined]  # a TypedChoiceField
    context: dict[str, Any] = {
        "patient": view.patient,
        "view": view,
        "scores": list(SCORES.values()),
        "score": score,
        "form": form if may_write else None,
        "may_write": may_write,
        "rows": [
            (
                a,
                selectors_staging.score_label(a.score),
                selectors_staging.score_inputs_shown(a),
                f"{a.value.normalize():f}".replace(".", ","),
            )
            for a in view.assessments
        ],
    }
    return render(request, "records/scores.html", context, status=status)
