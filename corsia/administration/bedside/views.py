"""Bedside pages: the ward's worklist, a patient's day, the scan page, the record of one
administration, end / interrupt / pump forms, ward labels. Thin: selectors and services;
a refusal becomes a message (``corsia.core.refusals``), or the 404 page for what does not
exist (the refusal middleware)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from corsia.administration.bedside import infusion, selectors, services
from corsia.administration.domain.bedside import CHECK_LABELS_IT, ward_label_payload
from corsia.administration.models import ProgramOutcome
from corsia.administration.permissions import ADMINISTER, VIEW_WORKLIST
from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import refusal_kept, refusals_as_messages
from corsia.core.web import parse_id
from corsia.core.web import posted_decimal as _decimal
from corsia.core.web import posted_version as _version
from corsia.core.web import request_actor as _actor
from corsia.core.web import request_workstation as _ws
from corsia.patients.wristband import barcode_svg

if TYPE_CHECKING:
    from corsia.prescribing.models import OrderItem


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
    day = selectors.patient_day(
        user=_actor(request),
        patient_id=patient_id,
        day=timezone.localdate(),
        workstation=_ws(request),
    )
    return render(request, "administration/patient_day.html", {"pd": day})


STEPS = ("wristband", "badge", "label")
STEP_PROMPTS = {
    "wristband": "1. Scansionare il braccialetto del paziente",
    "badge": "2. Scansionare il proprio badge",
    "label": "3. Scansionare l'etichetta del farmaco",
}


def _next_step(scans: dict[str, str], no_badge: bool) -> str | None:
    for step in STEPS:
        if not scans[step] and not (step == "badge" and no_badge):
            return step
    return None


def _scan_page(
    request: HttpRequest,
    scans: dict[str, str],
    *,
    no_badge: bool,
    error: str = "",
) -> HttpResponse:
    step = _next_step(scans, no_badge) or "label"
    patient = None
    if scans["wristband"]:
        patient = selectors.patient_for_wristband(
            user=_actor(request), raw=scans["wristband"], workstation=_ws(request)
        )
    context = {
        "scans": scans,
        "step": step,
        "prompt": STEP_PROMPTS[step],
        "patient": patient,
        "no_badge": no_badge,
        "expected_item": request.POST.get("expected_item") or request.GET.get("item", ""),
        "error": error,
    }
    return render(request, "administration/bedside.html", context, status=422 if error else 200)


@require_perm(ADMINISTER)
def bedside(request: HttpRequest) -> HttpResponse:
    """Scan-first: one focused input, Enter submits; wristband -> badge -> label.

    The scans made so far travel in hidden fields; the last one runs every check."""
    scans = {s: request.POST.get(s, "").strip() for s in STEPS}
    no_badge = request.POST.get("no_badge") == "1"
    if request.method != "POST":
        return _scan_page(request, scans, no_badge=False)
    step = _next_step(scans, no_badge)
    current = request.POST.get("scan", "").strip()
    if step is not None:
        if request.POST.get("declare_no_badge") and step == "badge":
            return _scan_page(request, scans, no_badge=True)
        if not current:
            return _scan_page(
                request,
                scans,
                no_badge=no_badge,
                error="Nessun codice letto: scansionare di nuovo.",
            )
        scans[step] = current
        if _next_step(scans, no_badge) is not None:
            return _scan_page(request, scans, no_badge=no_badge)
    overrides: dict[str, str] = {
        key.removeprefix("override_"): request.POST.get(key, "")
        for key in request.POST
        if key.startswith("override_")
    }
    if no_badge:
        overrides["badge_missing"] = request.POST.get("no_badge_reason", "")
    expected = request.POST.get("expected_item", "")
    cosigner = request.POST.get("cosigner", "").strip()
    with refusal_kept() as kept:
        result = services.bedside_verify(
            actor=_actor(request),
            workstation=_ws(request),
            wristband=scans["wristband"],
            badge=scans["badge"],
            label=scans["label"],
            expected_item_id=parse_id(expected),
            overrides=overrides,
            cosigner_badge=cosigner,
        )
    if kept.error is not None:
        scans["label"] = ""
        return _scan_page(request, scans, no_badge=no_badge, error=kept.error.message)
    context = {
        "scans": scans,
        "result": result,
        "check_labels": {c.value: label for c, label in CHECK_LABELS_IT.items()},
        "overridable": [r for r in result.refusals if r.overridable and r.code != "badge_missing"],
        "blocking_not_overridable": [r for r in result.refusals if not r.overridable],
        "expected_item": expected,
        "no_badge": no_badge,
        "no_badge_reason": request.POST.get("no_badge_reason", ""),
        # intrathecal: the physician's badge is asked for, the other scans are kept
        "needs_physician": any(r.code == "intrathecal_physician_required" for r in result.refusals),
    }
    return render(
        request, "administration/bedside.html", context, status=200 if result.allowed else 422
    )


@require_perm(VIEW_WORKLIST)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    admin = selectors.administration_get(
        user=_actor(request), administration_id=pk, workstation=_ws(request)
    )
    return render(request, "administration/detail.html", {"a": admin})


@require_perm(ADMINISTER)
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        infusion.administration_end(
            actor=_actor(request),
            workstation=_ws(request),
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
            actor=_actor(request),
            workstation=_ws(request),
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
            actor=_actor(request),
            workstation=_ws(request),
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
    with refusals_as_messages(request):  # not of ward competence: back to the worklist
        item = selectors.ward_label_item(
            user=_actor(request), item_id=item_id, workstation=_ws(request)
        )
        return _ward_label_pdf(item)
    return redirect("administration:worklist")


def _ward_label_pdf(item: OrderItem) -> HttpResponse:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    payload = ward_label_payload(item.pk)
    html = render_to_string(
        "administration/ward_label.html",
        {
            "item": item,
            "patient": item.order.patient,
            "payload": payload,
            "printed_at": timezone.localtime(),
            "barcode": mark_safe(barcode_svg(payload)),  # noqa: S308 - SVG from python-barcode, payload is WRD + digits
        },
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="etichetta-{payload}.pdf"'
    return response
