"""Pages of the clinical letters (discharge letter, outpatient report, daily diary report)
and of the multidisciplinary meetings (GOM): lists, the draft with every datum and its
source, the free-text form, signature, correction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import form_refusals
from corsia.core.web import acting, parse_id, request_actor, viewing
from corsia.core.web import request_workstation as _ws
from corsia.patients.selectors import patient_get, visible_encounters
from corsia.records import selectors_letters as selectors
from corsia.records import services
from corsia.records.domain.letters import FREE_TEXT, KIND_LABELS_IT, ORDER, LetterKind
from corsia.records.forms_letters import (
    BoardForm,
    CorrectionForm,
    LetterNewForm,
    LetterTextsForm,
    VersionForm,
    participant_lines,
)
from corsia.records.models import ClinicalLetter, TumourBoard
from corsia.records.prints import stay_diary_print

VIEW = "records.view_chart"
WRITE = "records.write_diary"
SIGN = "records.sign_letter"


def _status(refused: form_refusals) -> int:
    """409 for a conflict (stale version, signed record), else 422."""
    return 409 if refused.error is not None and refused.error.status == 409 else 422


def _signature_post(
    request: HttpRequest,
    *,
    sign: Callable[[int], object],
    done: str,
    after: Callable[[], HttpResponse],
    again: Callable[[VersionForm, int], HttpResponse],
) -> HttpResponse:
    """The signature button of a draft: signed → message and ``after``; refused → the
    page again with the reason (409 when the draft changed meanwhile)."""
    form = VersionForm(request.POST)
    status = 422
    if form.is_valid():
        with form_refusals(form, whole_form=True) as refused:
            sign(form.cleaned_data["version"])
            messages.success(request, done)
            return after()
        status = _status(refused)
    return again(form, status)


def _encounter_choices(request: HttpRequest, patient_id: int) -> list[tuple[int, str]]:
    patient = patient_get(user=request_actor(request), patient_id=patient_id)
    return [
        (
            e.pk,
            f"{e.get_kind_display()} — {e.ward.name} — "
            f"{timezone.localtime(e.admitted_at):%d/%m/%Y}"
            + (f" → {timezone.localtime(e.discharged_at):%d/%m/%Y}" if e.discharged_at else ""),
        )
        for e in visible_encounters(patient).exclude(state="cancelled").order_by("-admitted_at")
    ]


def _letters_page(
    request: HttpRequest, patient_id: int, *, form: LetterNewForm | None = None, status: int = 200
) -> HttpResponse:
    user = request_actor(request)
    letters = selectors.patient_letters(user=user, patient_id=patient_id, workstation=_ws(request))
    patient = patient_get(user=user, patient_id=patient_id)
    if patient.pk != patient_id:
        return redirect("records:letters", patient_id=patient.pk)
    context: dict[str, Any] = {
        "patient": patient,
        "letters": letters,
        "stays": _encounter_choices(request, patient_id),
    }
    if request.user.has_perm(WRITE):
        choices = _encounter_choices(request, patient_id)
        context["form"] = form or LetterNewForm(
            encounters=choices,
            initial={"kind": "discharge_letter", "encounter_id": choices[0][0] if choices else ""},
        )
    return render(request, "records/letters.html", context, status=status)


@require_perm(VIEW)
def letters(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's letters; a physician starts a new draft here (POST)."""
    if request.method != "POST":
        return _letters_page(request, patient_id)
    if not request.user.has_perm(WRITE):
        raise PermissionDenied(WRITE)
    form = LetterNewForm(request.POST, encounters=_encounter_choices(request, patient_id))
    if form.is_valid():
        with form_refusals(form):
            letter = services.letter_draft_create(
                **acting(request),
                patient_id=patient_id,
                kind=form.cleaned_data["kind"],
                encounter_id=form.cleaned_data["encounter_id"],
                day=form.cleaned_data["day"],
            )
            messages.success(request, _("Bozza preparata con i dati della cartella."))
            return redirect("records:letter", letter_id=letter.pk)
    return _letters_page(request, patient_id, form=form, status=422)


def _letter_page(
    request: HttpRequest,
    letter: ClinicalLetter,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = LetterKind(letter.kind)
    chain = selectors.letter_chain(letter)
    successor = selectors.letter_successor(letter)
    texts = letter.content.get("free_text", {})
    specs = {s.code: s for s in FREE_TEXT[kind]}
    chart_sections = {s["code"]: s for s in letter.content.get("sections", [])}
    blocks = [
        {"free": specs[code], "text": texts.get(code, "")}
        if code in specs
        else {"chart": chart_sections[code]}
        for code in ORDER[kind]
        if code in specs or code in chart_sections
    ]
    context: dict[str, Any] = {
        "letter": letter,
        "patient": letter.patient,
        "kind_label": KIND_LABELS_IT[kind],
        "blocks": blocks,
        "chain": chain,
        "successor": successor,
        "draft": letter.status == "draft",
    }
    user = request.user
    if letter.status == "draft" and user.has_perm(WRITE):
        context["texts_form"] = LetterTextsForm(
            kind=kind, initial={**texts, "version": letter.version}
        )
    if letter.status == "draft" and user.has_perm(SIGN):
        context["sign_form"] = VersionForm(initial={"version": letter.version})
    if letter.status == "signed" and successor is None and user.has_perm(SIGN):
        context["correction_form"] = CorrectionForm()
    context.update(forms or {})
    return render(request, "records/letter.html", context, status=status)


@require_perm(VIEW)
def letter(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The letter: every datum with its source; a draft's free text is edited here (POST:
    save, or ``refresh`` to gather the chart's data again)."""
    found = selectors.letter_get(
        **viewing(request),
        letter_id=letter_id,
    )
    if request.method != "POST":
        return _letter_page(request, found)
    if not request.user.has_perm(WRITE):
        raise PermissionDenied(WRITE)
    form = LetterTextsForm(request.POST, kind=LetterKind(found.kind))
    status = 422
    if form.is_valid():
        refresh = "refresh" in request.POST
        with form_refusals(form) as refused:
            services.letter_draft_update(
                **acting(request),
                letter_id=found.pk,
                texts=form.texts(),
                expected_version=form.cleaned_data["version"],
                refresh=refresh,
            )
            done = _("Dati della cartella aggiornati.") if refresh else _("Bozza salvata.")
            messages.success(request, done)
            return redirect("records:letter", letter_id=found.pk)
        status = _status(refused)
    return _letter_page(request, found, forms={"texts_form": form}, status=status)


@require_perm(SIGN)
@require_POST
def letter_sign(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.letter_get(user=actor, letter_id=letter_id, workstation=_ws(request))

    def again(form: VersionForm, status: int) -> HttpResponse:
        found.refresh_from_db()
        return _letter_page(request, found, forms={"sign_form": form}, status=status)

    return _signature_post(
        request,
        sign=lambda version: services.letter_sign(
            actor=actor, workstation=_ws(request), letter_id=found.pk, expected_version=version
        ),
        done=_("Documento firmato e archiviato."),
        after=lambda: redirect("records:letter", letter_id=found.pk),
        again=again,
    )


@require_perm(SIGN)
@require_POST
def letter_correct(request: HttpRequest, letter_id: int) -> HttpResponse:
    found = selectors.letter_get(
        **viewing(request),
        letter_id=letter_id,
    )
    form = CorrectionForm(request.POST)
    status = 422
    if form.is_valid():
        with form_refusals(form) as refused:
            draft = services.letter_correct(
                **acting(request),
                letter_id=found.pk,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Nuova versione in bozza: rivedila e firmala."))
            return redirect("records:letter", letter_id=draft.pk)
        status = _status(refused)
    return _letter_page(request, found, forms={"correction_form": form}, status=status)


# --- tumour boards ------------------------------------------------------------------------------


def _boards_page(
    request: HttpRequest, patient_id: int, *, form: BoardForm | None = None, status: int = 200
) -> HttpResponse:
    user = request_actor(request)
    boards = selectors.patient_boards(user=user, patient_id=patient_id, workstation=_ws(request))
    patient = patient_get(user=user, patient_id=patient_id)
    if patient.pk != patient_id:
        return redirect("records:boards", patient_id=patient.pk)
    context: dict[str, Any] = {"patient": patient, "boards": boards}
    if request.user.has_perm(WRITE):
        context["form"] = form or BoardForm(initial={"held_on": timezone.localdate()})
    return render(request, "records/boards.html", context, status=status)


@require_perm(VIEW)
def boards(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's multidisciplinary meetings; a physician records one here (POST)."""
    if request.method != "POST":
        return _boards_page(request, patient_id)
    if not request.user.has_perm(WRITE):
        raise PermissionDenied(WRITE)
    form = BoardForm(request.POST)
    if form.is_valid():
        with form_refusals(form):
            board = services.board_record(
                **acting(request),
                patient_id=patient_id,
                data=form.to_input(),
            )
            messages.success(request, _("Riunione multidisciplinare registrata (bozza)."))
            return redirect("records:board", board_id=board.pk)
    return _boards_page(request, patient_id, form=form, status=422)


def _board_page(
    request: HttpRequest,
    board: TumourBoard,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"board": board, "patient": board.patient}
    if board.status == "draft" and request.user.has_perm(WRITE):
        context["form"] = BoardForm(
            initial={
                "held_on": board.held_on,
                "question": board.question,
                "participants": participant_lines(board.participants),
                "decision": board.decision,
                "recommendation": board.recommendation,
                "version": board.version,
            }
        )
    if board.status == "draft" and request.user.has_perm(SIGN):
        context["sign_form"] = VersionForm(initial={"version": board.version})
    context.update(forms or {})
    return render(request, "records/board.html", context, status=status)


@require_perm(VIEW)
def board(request: HttpRequest, board_id: int) -> HttpResponse:
    found = selectors.board_get(
        **viewing(request),
        board_id=board_id,
    )
    if request.method != "POST":
        return _board_page(request, found)
    if not request.user.has_perm(WRITE):
        raise PermissionDenied(WRITE)
    form = BoardForm(request.POST)
    status = 422
    if form.is_valid():
        with form_refusals(form) as refused:
            services.board_update(
                **acting(request),
                board_id=found.pk,
                data=form.to_input(),
                expected_version=form.cleaned_data["version"] or 0,
            )
            messages.success(request, _("Riunione multidisciplinare salvata."))
            return redirect("records:board", board_id=found.pk)
        status = _status(refused)
    return _board_page(request, found, forms={"form": form}, status=status)


@require_perm(SIGN)
@require_POST
def board_sign(request: HttpRequest, board_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = selectors.board_get(user=actor, board_id=board_id, workstation=_ws(request))
    return _signature_post(
        request,
        sign=lambda version: services.board_sign(
            actor=actor, workstation=_ws(request), board_id=found.pk, expected_version=version
        ),
        done=_("Riunione chiusa: verbale firmato e archiviato."),
        after=lambda: redirect("records:board", board_id=found.pk),
        again=lambda form, status: _board_page(
            request, found, forms={"sign_form": form}, status=status
        ),
    )


@require_perm(VIEW)
def stay_diary_pdf(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The clinical diary of one stay (``?encounter=``) printed through the editable
    template ``discharge_diary`` and archived with its template version; the PDF answered
    is the stored one. Unknown or unreadable stay: 404; no stay asked for: back to the
    letters page, whose form names it."""
    if "encounter" not in request.GET:
        messages.error(request, _("Scegli il ricovero di cui stampare il diario."))
        return redirect("records:letters", patient_id=patient_id)
    encounter_id = parse_id(request.GET["encounter"])
    if encounter_id is None:
        raise Http404
    document = stay_diary_print(**acting(request), patient_id=patient_id, encounter_id=encounter_id)
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="diario-ricovero-{encounter_id}.pdf"'
    response["X-Corsia-Document"] = str(document.pk)
    return response
