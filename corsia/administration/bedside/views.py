"""Bedside pages: the ward's worklist, a patient's day, the scan page, the record of one
administration, end / interrupt / pump forms, ward labels. Thin: selectors and services;
a refusal becomes a message (``corsia.core.refusals``), or the 404 page for what does not
exist (the refusal middleware)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_POST

from corsia.administration.bedside import infusion, selectors, session, ward_label
from corsia.administration.bedside.session import ScanAnswer
from corsia.administration.domain.bedside import CHECK_LABELS_IT, ward_label_payload
from corsia.administration.models import ProgramOutcome
from corsia.administration.permissions import ADMINISTER, VIEW_WORKLIST
from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import refusal_kept, refusals_as_messages
from corsia.core.web import acting, parse_id, viewing
from corsia.core.web import posted_decimal as _decimal
from corsia.core.web import posted_version as _version
from corsia.core.web import request_actor as _actor
from corsia.core.web import request_workstation as _ws


@require_perm(VIEW_WORKLIST)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    try:
        day = parse_date(request.GET.get("day", "")) or timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    ward = request.GET.get("ward", "").strip()
    days = selectors.ward_worklist(user=_actor(request), day=day, ward_code=ward)
    return render(
        request,
        "administration/worklist.html",
        {
            "days": days,
            "day": day,
            "ward": ward,
            "wards": selectors.ward_choices(),
            "places": selectors.place_choices(),
        },
    )


@require_perm(VIEW_WORKLIST)
@require_GET
def patient_today(request: HttpRequest, patient_id: int) -> HttpResponse:
    day = selectors.patient_day(**viewing(request), patient_id=patient_id, day=timezone.localdate())
    return render(request, "administration/patient_day.html", {"pd": day})


def _overrides(request: HttpRequest) -> dict[str, str]:
    return {
        key.removeprefix("override_"): request.POST.get(key, "")
        for key in request.POST
        if key.startswith("override_")
    }


def _bedside_action(request: HttpRequest) -> tuple[ScanAnswer | None, str]:
    """Do what the posted form asks; returns the scan's answer (for a scan) and a notice."""
    actor, workstation = _actor(request), _ws(request)
    action = request.POST.get("action", "scan")
    if action == "close":
        closed = session.bedside_session_close(actor=actor, workstation=workstation)
        if closed is None:
            return None, "Nessun paziente era aperto."
        return None, (
            f"Paziente {closed.patient.surname.upper()} {closed.patient.given_names} chiuso. "
            "Scansionare il braccialetto del prossimo paziente."
        )
    if action == "no_badge":
        session.bedside_session_no_badge(
            actor=actor, workstation=workstation, reason=request.POST.get("no_badge_reason", "")
        )
        return None, "Senza badge: motivo registrato. Scansionare la prossima sacca."
    if action == "end":
        administration_id = parse_id(request.POST.get("administration"))
        if administration_id is None:
            raise ValidationFailed("Somministrazione non indicata.", code="administration_required")
        ended = infusion.administration_end(
            actor=actor,
            workstation=workstation,
            administration_id=administration_id,
            expected_version=_version(request),
        )
        return None, f"{ended.ingredient_name}: terminata, sacca intera registrata."
    return (
        session.bedside_scan(
            actor=actor,
            workstation=workstation,
            code=request.POST.get("scan", ""),
            overrides=_overrides(request),
        ),
        "",
    )


@require_perm(ADMINISTER)
def bedside(request: HttpRequest) -> HttpResponse:
    """One patient session: the wristband and the badge once, then each bag of the day.

    Every scan (typed by the keyboard-wedge scanner wherever the focus is, see
    ``static/administration/bedside.js``) is posted here and answered from the session on
    the server; the page's script swaps the answer in without reloading (a plain form post
    works too)."""
    answer: ScanAnswer | None = None
    notice = error = ""
    if request.method == "POST":
        with refusal_kept() as kept:
            answer, notice = _bedside_action(request)
        if kept.error is not None:
            error = kept.error.message
    view = selectors.bedside_session_view(
        **viewing(request),
    )
    result = answer.result if answer else None
    context = {
        "view": view,
        "answer": answer,
        "result": result,
        "notice": notice,
        "error": error,
        "scanned": request.POST.get("scan", "").strip()[:128],
        "check_labels": {c.value: label for c, label in CHECK_LABELS_IT.items()},
        "overridable": [r for r in result.refusals if r.overridable and r.code != "badge_missing"]
        if result
        else [],
        "blocking_not_overridable": [r for r in result.refusals if not r.overridable]
        if result
        else [],
    }
    refused = bool(error) or (answer is not None and not answer.accepted)
    return render(request, "administration/bedside.html", context, status=422 if refused else 200)


@require_perm(VIEW_WORKLIST)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    admin = selectors.administration_get(
        **viewing(request),
        administration_id=pk,
    )
    return render(request, "administration/detail.html", {"a": admin})


@require_perm(ADMINISTER)
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        infusion.administration_end(
            **acting(request),
            administration_id=pk,
            volume_given_ml=_decimal(request.POST.get("volume_given_ml"), "volume_given_ml"),
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )
        messages.success(request, "Somministrazione terminata e registrata.")
    return redirect("administration:detail", pk=pk)


@require_perm(ADMINISTER)
@require_POST
def interrupt(request: HttpRequest, pk: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        volume = _decimal(request.POST.get("volume_given_ml"), "volume_given_ml")
        if volume is None:
            raise ValidationFailed(
                "Indicare il volume somministrato fino all'interruzione.",
                code="volume_required",
                field="volume_given_ml",
            )
        infusion.administration_interrupt(
            **acting(request),
            administration_id=pk,
            volume_given_ml=volume,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )
        messages.warning(request, "Somministrazione interrotta e registrata.")
    return redirect("administration:detail", pk=pk)


@require_perm(ADMINISTER)
@require_POST
def pump(request: HttpRequest, pk: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        program = infusion.administration_pump_program(
            **acting(request),
            administration_id=pk,
            pump_serial=request.POST.get("pump", ""),
        )
        if program.outcome == ProgramOutcome.ACCEPTED:
            messages.success(
                request, f"Pompa programmata: {program.rate_ml_h} mL/h, {program.volume_ml} mL."
            )
        else:
            messages.error(request, f"La pompa ha rifiutato il programma: {program.ack_text}")
    return redirect("administration:detail", pk=pk)


@require_perm(ADMINISTER)
@require_GET
def ward_label_pdf(request: HttpRequest, item_id: int) -> HttpResponse:
    """Printed through the editable template ``ward_label`` and archived: the archived
    copy is answered (``bedside/ward_label.py``)."""
    with refusals_as_messages(request):  # not of ward competence: back to the worklist
        document = ward_label.ward_label_print(**acting(request), item_id=item_id)
        response = HttpResponse(bytes(document.content), content_type="application/pdf")
        payload = ward_label_payload(item_id)
        response["Content-Disposition"] = f'inline; filename="etichetta-{payload}.pdf"'
        return response
    return redirect("administration:worklist")
