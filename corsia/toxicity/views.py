"""Pages of the toxicity module: a patient's toxicities with the CTCAE recording form
(term autocomplete and grade choice through htmx, plain GET without JavaScript),
correction and entered-in-error, the extravasation procedure and its record form."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import NotFound
from corsia.core.refusals import form_refusals, refusals_as_messages
from corsia.core.web import acting, parse_id, request_actor, viewing
from corsia.drugs.selectors import ingredient_ids_by_word, ingredients_by_id
from corsia.patients.selectors import patient_get, patient_search
from corsia.toxicity import selectors, services
from corsia.toxicity.domain import extravasation
from corsia.toxicity.domain.grading import GRADE_LABELS_IT, GRADES
from corsia.toxicity.forms import CorrectionForm, ExtravasationForm, ReasonForm, ToxicityForm
from corsia.toxicity.models import CtcaeTerm, ToxicityRecord

VIEW = "toxicity.view_toxicity"
RECORD = "toxicity.record_toxicity"


def _int(value: object) -> int | None:
    """A positive id or cycle number as typed ("12"), or a form's initial value (an int);
    None for anything else ("abc", "\u0663" an Arabic-Indic three, 40 digits):
    ``parse_id``, never ``int()``."""
    number = parse_id(None if value is None else str(value))
    return number if number else None


# the service names the suspected drugs by their ids, the form by its "suspected" field
_FORM_FIELDS = {"suspected_ingredient_ids": "suspected"}


def grade_rows(term: CtcaeTerm | None, chosen: Any = None) -> list[dict[str, Any]]:
    if term is None:
        return []
    texts = term.grade_texts()
    return [
        {
            "grade": g,
            "label": GRADE_LABELS_IT[g],
            "text": texts[g],
            "defined": bool(texts[g]),
            "checked": str(chosen) == str(g),
        }
        for g in GRADES
    ]


def _suspected_ids(text: str) -> tuple[tuple[int, ...], list[str]]:
    """The suspected drugs as typed: Italian names (or codes) separated by commas; a piece
    that names no drug is read as several words separated by spaces ("oxaliplatino
    fluorouracile"). Returns the ids found and the words not found."""
    pieces = [p.strip().lower() for p in re.split(r"[,;\n]", text) if p.strip()]
    found = ingredient_ids_by_word(pieces + [w for p in pieces for w in p.split()])
    words: list[str] = []
    for piece in pieces:
        words.extend([piece] if piece in found else piece.split())
    ids = tuple(dict.fromkeys(found[w] for w in words if w in found))
    return ids, [w for w in words if w not in found]


# --- patient page -------------------------------------------------------------------------------


def _patient_page(
    request: HttpRequest,
    patient_id: int,
    *,
    form: ToxicityForm | None = None,
    status: int = 200,
) -> HttpResponse:
    patient = patient_get(user=request_actor(request), patient_id=patient_id)
    if patient.pk != patient_id:
        return redirect("toxicity:patient", patient_id=patient.pk)
    show_history = request.GET.get("history") == "1"
    records = selectors.patient_toxicities(
        **viewing(request),
        patient_id=patient.pk,
        include_history=show_history,
    )
    extravasations = selectors.patient_extravasations(
        **viewing(request),
        patient_id=patient.pk,
    )
    may_record = request.user.has_perm(RECORD)
    query = request.GET.get("q", "").strip()
    chosen_id = _int(request.POST.get("term_id") if form is not None else request.GET.get("term"))
    chosen = CtcaeTerm.objects.filter(pk=chosen_id).first() if chosen_id else None
    terms = selectors.ctcae_term_search(user=request_actor(request), text=query) if query else []
    if form is None and may_record:
        # opened from a prescription: the record is linked to it and its cycle
        form = ToxicityForm(
            initial={
                "onset_date": "",
                "attribution": "",
                "order_id": _int(request.GET.get("order")),
                "cycle_number": _int(request.GET.get("cycle")),
            }
        )
    context = {
        "patient": patient,
        "records": records,
        "extravasations": extravasations,
        "show_history": show_history,
        "form": form if may_record else None,
        "query": query,
        "terms": [chosen] if chosen and not terms else terms,
        "chosen": chosen,
        "grades": grade_rows(chosen, form["grade"].value() if form is not None else None),
    }
    return render(request, "toxicity/patient.html", context, status=status)


@require_perm(VIEW)
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    if request.method != "POST":
        return _patient_page(request, patient_id)
    if not request.user.has_perm(RECORD):
        raise PermissionDenied(RECORD)
    form = ToxicityForm(request.POST)
    if form.is_valid():
        ids, missing = _suspected_ids(form.cleaned_data["suspected"])
        if missing:
            form.add_error("suspected", _("Principi attivi non trovati: %s") % ", ".join(missing))
        else:
            with form_refusals(form, rename=_FORM_FIELDS):
                services.toxicity_record(
                    **acting(request),
                    patient_id=patient_id,
                    data=form.to_input(ids),
                )
                messages.success(request, _("Tossicità registrata."))
                return redirect("toxicity:patient", patient_id=patient_id)
    return _patient_page(request, patient_id, form=form, status=422)


# --- htmx partials ------------------------------------------------------------------------------


@require_perm(VIEW)
def term_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    terms = selectors.ctcae_term_search(user=request_actor(request), text=query) if query else []
    return render(request, "toxicity/partials/term_results.html", {"terms": terms, "query": query})


@require_perm(VIEW)
def term_grades(request: HttpRequest, term_id: int) -> HttpResponse:
    term = selectors.ctcae_term_get(user=request_actor(request), term_id=term_id)
    return render(
        request, "toxicity/partials/grades.html", {"chosen": term, "grades": grade_rows(term)}
    )


# --- correction and entered in error ------------------------------------------------------------


def _record_or_404(request: HttpRequest, record_id: int) -> ToxicityRecord:
    return selectors.toxicity_get(
        **viewing(request),
        record_id=record_id,
    )


def _correct_page(
    request: HttpRequest,
    record: ToxicityRecord,
    form: CorrectionForm,
    error_form: ReasonForm,
    status: int = 200,
) -> HttpResponse:
    chosen_id = _int(form["term_id"].value()) or record.term_id
    chosen = CtcaeTerm.objects.filter(pk=chosen_id).first() or record.term
    query = request.GET.get("q", "").strip()
    terms = (
        selectors.ctcae_term_search(user=request_actor(request), text=query) if query else [chosen]
    )
    context = {
        "record": record,
        "patient": record.patient,
        "form": form,
        "error_form": error_form,
        "query": query,
        "terms": terms,
        "chosen": chosen,
        "grades": grade_rows(chosen, form["grade"].value()),
    }
    return render(request, "toxicity/correct.html", context, status=status)


@require_perm(RECORD)
def correct(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record_or_404(request, record_id)
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            ids, missing = _suspected_ids(form.cleaned_data["suspected"])
            if missing:
                form.add_error(
                    "suspected", _("Principi attivi non trovati: %s") % ", ".join(missing)
                )
            else:
                with form_refusals(form, rename=_FORM_FIELDS, not_found_is_404=False):
                    services.toxicity_correct(
                        **acting(request),
                        record_id=record.pk,
                        data=form.to_input(ids),
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Correzione registrata come nuova versione."))
                    return redirect("toxicity:patient", patient_id=record.patient_id)
        return _correct_page(request, record, form, ReasonForm(), status=422)
    initial = {
        "term_id": record.term_id,
        "grade": record.grade,
        "attribution": record.attribution,
        "onset_date": record.onset_date.isoformat(),
        "resolution_date": record.resolution_date.isoformat() if record.resolution_date else "",
        "serious": record.serious,
        "cycle_number": record.cycle_number,
        "order_id": record.order_id,
        "suspected": ", ".join(i.name_it for i in record.suspected_ingredients.all()),
        "notes": record.notes,
    }
    return _correct_page(request, record, CorrectionForm(initial=initial), ReasonForm())


@require_perm(RECORD)
@require_POST
def entered_in_error(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record_or_404(request, record_id)
    form = ReasonForm(request.POST)
    with refusals_as_messages(request, not_found_is_404=False):
        services.toxicity_mark_entered_in_error(
            **acting(request),
            record_id=record.pk,
            reason=form.data.get("reason", ""),
        )
        messages.success(request, _("Registrazione annullata come inserita per errore."))
        return redirect("toxicity:patient", patient_id=record.patient_id)
    return redirect("toxicity:correct", record_id=record.pk)


# --- extravasation ------------------------------------------------------------------------------


@require_perm(VIEW)
def extravasation_procedure(request: HttpRequest, ingredient_id: int) -> HttpResponse:
    page = selectors.extravasation_guidance(
        user=request_actor(request), ingredient_id=ingredient_id
    )
    context = {
        "page": page,
        "guidance": page.guidance,
        "patient_id": _int(request.GET.get("patient")),
        "order_id": _int(request.GET.get("order")),
    }
    return render(request, "toxicity/extravasation.html", context)


@require_perm(RECORD)
def extravasation_record(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    ingredient_id = _int(source.get("ingredient_id") or source.get("ingredient"))
    ingredient = ingredients_by_id([ingredient_id]).get(ingredient_id) if ingredient_id else None
    guidance = extravasation.guidance_for(ingredient.code) if ingredient else None
    steps = [(s.code, s.text_it) for s in guidance.procedure.steps] if guidance else []
    patient_id = _int(source.get("patient_id") or source.get("patient"))
    patient = None
    if patient_id:
        try:
            patient = patient_get(user=request_actor(request), patient_id=patient_id)
        except NotFound:
            patient = None
    # opened without a patient (from a drug's procedure): the nurse scans the wristband or
    # types the MRN or codice fiscale, never the database id
    patient_code = (source.get("patient_code") or "").strip()[:100]
    patient_code_error = ""
    if patient is None and patient_code:
        found = patient_search(
            **viewing(request),
            text=patient_code,
        )
        if len(found) == 1:
            patient = found[0]
        elif found:
            patient_code_error = _(
                "Più pazienti corrispondono: scansiona il braccialetto o indica l'MRN o il "
                "codice fiscale."
            )
        else:
            patient_code_error = _("Nessun paziente con questo braccialetto, MRN o codice fiscale.")
    status = 200
    if request.method == "POST":
        form = ExtravasationForm(request.POST, step_choices=steps)
        if form.is_valid():
            with form_refusals(
                form,
                rename=_FORM_FIELDS,
                not_found_is_404=False,
                not_found_field="patient_id",
            ):
                services.extravasation_record(
                    **acting(request),
                    patient_id=form.cleaned_data["patient_id"],
                    data=form.to_input(),
                )
                messages.success(request, _("Stravaso registrato."))
                return redirect("toxicity:patient", patient_id=form.cleaned_data["patient_id"])
        status = 422
    else:
        form = ExtravasationForm(
            initial={
                "patient_id": patient.pk if patient else None,
                "ingredient_id": ingredient.pk if ingredient else None,
                "order_id": _int(source.get("order")),
            },
            step_choices=steps,
        )
    context = {
        "form": form,
        "patient": patient,
        "patient_code": patient_code,
        "patient_code_error": patient_code_error,
        "ingredient": ingredient,
        "guidance": guidance,
        "ingredients": selectors.extravasation_ingredients(),
    }
    return render(request, "toxicity/extravasation_record.html", context, status=status)
