"""Pages of the ward therapy: the ward's drug round (tablet-friendly) and its print, a
patient's ward prescriptions with the prescription form (drug search by ingredient, brand
or pack), one prescription with its doses, suspension and replacement, and its print (the
prints: archived PDFs through editable templates, ``prints.py``).
Thin: parse, call the service or selector, render."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.core.paging import paginate
from corsia.core.refusals import refusal_kept
from corsia.core.web import (
    acting,
    parse_id,
    posted_date,
    posted_decimal,
    posted_moment,
    posted_version,
    viewing,
)
from corsia.core.web import request_actor as _actor
from corsia.patients.selectors import patient_get
from corsia.therapy import prints, selectors, services
from corsia.therapy.models import NotGivenReason, Route
from corsia.therapy.permissions import ADMINISTER, PRESCRIBE, VIEW

if TYPE_CHECKING:
    from corsia.documents.models import Document

REASONS = NotGivenReason.choices
PRESCRIPTIONS_PAGE_SIZE = 50  # a patient's ward prescriptions per page, the active first
FIELDS = (
    "ingredient_id", "dose", "dose_unit", "route", "frequency", "times", "start_date", "days",
    "single_at", "prn_indication", "prn_min_interval_hours", "prn_max_per_day", "notes",
    "override_reason", "reason",
)  # fmt: skip
NO_REFUSAL = {
    "message": "",
    "code": "",
    "field": "",
    "needs_reason": False,
    "needs_ack": False,
    "form": "",
}


def _values(request: HttpRequest, p: Any = None) -> dict[str, str]:
    """What the prescription form shows: what was posted, else the prescription replaced,
    else the defaults (every key present: the templates read them all)."""
    if request.method == "POST":
        return {name: request.POST.get(name, "")[:2000] for name in FIELDS}
    values = dict.fromkeys(FIELDS, "")
    values.update(
        frequency="scheduled", dose_unit="mg", start_date=f"{timezone.localdate():%Y-%m-%d}"
    )
    if p is not None:
        values.update(
            dose=format(p.dose.normalize(), "f"),
            dose_unit=p.dose_unit,
            route=p.route,
            frequency=p.frequency,
            times=", ".join(p.times),
            prn_indication=p.prn_indication,
            prn_min_interval_hours=(
                format(p.prn_min_interval_hours.normalize(), "f")
                if p.prn_min_interval_hours
                else ""
            ),
            prn_max_per_day=str(p.prn_max_per_day or ""),
            notes=p.notes,
        )
    return values


def _day(request: HttpRequest) -> date:
    try:
        return posted_date(request.GET.get("day"), "day") or timezone.localdate()
    except ValidationFailed:
        return timezone.localdate()


# --- the drug round ------------------------------------------------------------------------------


@require_perm(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    """Choose the ward (a ward chosen goes straight to its round)."""
    code = request.GET.get("ward", "").strip()
    if code:
        return redirect("therapy:round", ward_code=code[:20])
    return render(request, "therapy/index.html", {"wards": selectors.wards()})


def _round_context(request: HttpRequest, ward_code: str, day: date) -> dict[str, Any]:
    ward_round = selectors.ward_round(
        **viewing(request),
        ward_code=ward_code,
        day=day,
    )
    ward = next((w for w in selectors.wards() if w.code == ward_code), None)
    if ward is None:
        raise Http404
    return {
        "round": ward_round,
        "ward": ward,
        "day": day,
        "today": timezone.localdate(),
        "now": timezone.now(),
        "reasons": REASONS,
        "may_record": request.user.has_perm(ADMINISTER),
    }


@require_perm(VIEW)
def ward_round(request: HttpRequest, ward_code: str) -> HttpResponse:
    return render(request, "therapy/round.html", _round_context(request, ward_code, _day(request)))


def _pdf(document: Document, filename: str) -> HttpResponse:
    """The archived print as the answer (its id in ``X-Corsia-Document``)."""
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Corsia-Document"] = str(document.pk)
    return response


@require_perm(VIEW)
def ward_round_print(request: HttpRequest, ward_code: str) -> HttpResponse:
    """The old address of the day's print: the archived PDF now (``round_pdf``)."""
    target = reverse("therapy:round_pdf", kwargs={"ward_code": ward_code[:20]})
    day = request.GET.get("day", "")[:10]
    return redirect(f"{target}?{urlencode({'day': day})}" if day else target)


@require_perm(VIEW)
def round_pdf(request: HttpRequest, ward_code: str) -> HttpResponse:
    """The ward's therapy of the day printed through the editable template ``ward_round``
    and archived (``prints.ward_round_print``); a day that cannot be read is refused with
    its message (not silently today: the paper names its day)."""
    day = posted_date(request.GET.get("day"), "day") or timezone.localdate()
    document = prints.ward_round_print(**acting(request), ward_code=ward_code[:20], day=day)
    return _pdf(document, f"terapia-{ward_code[:20]}-{day.isoformat()}.pdf")


@require_perm(ADMINISTER)
@require_POST
def dose_record(request: HttpRequest, prescription_id: int) -> HttpResponse:
    """One dose of the round: given (with the pack's scan) or not (with the reason). A
    refusal re-renders the round with the message beside the dose (422, or 409 when
    another nurse recorded it first)."""
    ward_code = request.POST.get("ward", "")[:20]
    day = _day(request)
    with refusal_kept() as kept:
        due_at = posted_moment(request.POST.get("due_at"), "due_at")
        services.dose_record(
            **acting(request),
            prescription_id=prescription_id,
            data=services.DoseInput(
                outcome=request.POST.get("outcome", ""),
                due_at=due_at,
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", "")[:300],
                barcode=request.POST.get("barcode", "")[:200],
            ),
        )
        messages.success(request, _("Somministrazione registrata."))
        target = reverse("therapy:round", kwargs={"ward_code": ward_code})
        return redirect(f"{target}?day={day:%Y-%m-%d}#rx-{prescription_id}")
    error = kept.error
    assert error is not None
    if error.code == "prescription_not_found":
        raise Http404
    context = _round_context(request, ward_code, day)
    context["error"] = {
        "prescription_id": prescription_id,
        "due_at": request.POST.get("due_at", ""),
        "message": error.message,
        "code": error.code,
        "barcode": request.POST.get("barcode", "")[:200],
    }
    return render(request, "therapy/round.html", context, status=error.status)


def _given_at(raw: str, day: date) -> datetime | None:
    """«HH:MM» on the round's day (the time a dose was actually given)."""
    text = raw.strip()
    if not text:
        return None
    try:
        moment = time.fromisoformat(text) if len(text) == 5 else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationFailed(
            "Ora non valida: scrivi HH:MM.", code="given_at_invalid", field="given_at"
        )
    return timezone.make_aware(datetime.combine(day, moment))


@require_perm(VIEW)
@require_POST
def dose_correct(request: HttpRequest, record_id: int) -> HttpResponse:
    """Correct a dose record entered in error (the recorder, or the ward's physician or
    coordinator: the service decides). A refusal re-renders the round with the message
    beside the record."""
    ward_code = request.POST.get("ward", "")[:20]
    day = _day(request)
    post = request.POST
    with refusal_kept() as kept:
        services.dose_correct(
            **acting(request),
            record_id=record_id,
            data=services.CorrectionInput(
                ward_code=ward_code,
                kind=post.get("kind", ""),
                reason=post.get("reason", "")[:1000],
                outcome=post.get("outcome") or None,
                not_given_reason=post.get("not_given_reason") or None,
                given_at=_given_at(post.get("given_time", "")[:5], day),
                amount=posted_decimal(post.get("amount"), "amount"),
            ),
        )
        messages.success(request, _("Correzione registrata."))
        target = reverse("therapy:round", kwargs={"ward_code": ward_code})
        return redirect(f"{target}?day={day:%Y-%m-%d}")
    error = kept.error
    assert error is not None
    if error.code == "dose_not_found":
        raise Http404
    context = _round_context(request, ward_code, day)
    context["error"] = {"record_id": record_id, "message": error.message, "code": error.code}
    return render(request, "therapy/round.html", context, status=error.status)


# --- prescriptions -------------------------------------------------------------------------------


def _posted_input(request: HttpRequest) -> services.PrescriptionInput:
    post = request.POST
    product_id = parse_id(post.get("product_id"))
    days_raw = post.get("days", "").strip()
    days = parse_id(days_raw)
    if days_raw and days is None:
        raise ValidationFailed("Numero di giorni non valido.", code="days_invalid", field="days")
    max_raw = post.get("prn_max_per_day", "").strip()
    prn_max = parse_id(max_raw)
    if max_raw and prn_max is None:
        raise ValidationFailed(
            "Numero massimo di dosi non valido.", code="prn_max_invalid", field="prn_max_per_day"
        )
    return services.PrescriptionInput(
        ingredient_id=parse_id(post.get("ingredient_id")) or 0,
        product_id=product_id or None,
        dose=posted_decimal(post.get("dose"), "dose"),
        dose_unit=post.get("dose_unit", "")[:10],
        route=post.get("route", "")[:20],
        frequency=post.get("frequency", "")[:10],
        times=tuple(t[:10] for t in post.get("times", "").replace(";", ",").split(","))[:30],
        start_date=posted_date(post.get("start_date"), "start_date"),
        days=days,
        single_at=posted_moment(post.get("single_at"), "single_at"),
        prn_indication=post.get("prn_indication", "")[:200],
        prn_min_interval_hours=posted_decimal(
            post.get("prn_min_interval_hours"), "prn_min_interval_hours"
        ),
        prn_max_per_day=prn_max,
        notes=post.get("notes", "")[:2000],
    )


def _decision(request: HttpRequest) -> services.Decision:
    return services.Decision(
        override_reason=request.POST.get("override_reason", "")[:1000],
        acknowledged=request.POST.get("acknowledged") == "1",
    )


def _patient_context(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    patient = patient_get(user=_actor(request), patient_id=patient_id)
    query = request.GET.get("q", "").strip()[:100]
    chosen = parse_id(request.POST.get("ingredient_id") or request.GET.get("ingredient"))
    choices = selectors.drug_choices(user=_actor(request), text=query) if query else []
    # paged (issue 27): the active ones first, then the newest; every one reachable
    paged = paginate(
        request,
        selectors.patient_prescriptions(**viewing(request), patient_id=patient.pk),
        page_size=PRESCRIPTIONS_PAGE_SIZE,
    )
    return {
        "patient": patient,
        "prescriptions": paged.page,
        "paged": paged,
        "query": query,
        "choices": choices,
        "chosen": chosen,
        "routes": Route.choices,
        "units": ("mg", "g", "mcg", "UI", "mL"),
        "today": timezone.localdate(),
        "may_prescribe": request.user.has_perm(PRESCRIBE),
        "values": _values(request),
        "refused": NO_REFUSAL,
    }


@require_perm(VIEW)
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    context = _patient_context(request, patient_id)
    if context["patient"].pk != patient_id:
        return redirect("therapy:patient", patient_id=context["patient"].pk)
    return render(request, "therapy/patient.html", context)


def _refused_context(error: CorsiaError) -> dict[str, Any]:
    return {
        **NO_REFUSAL,
        "message": error.message,
        "code": error.code,
        "field": error.field or "",
        "needs_reason": error.field in ("override_reason", "allergy_override_reason"),
        "needs_ack": error.field in ("allergy_acknowledged", "acknowledged"),
        "ack_interaction": error.code == "interaction_unacknowledged",  # H59
    }


@require_perm(PRESCRIBE)
@require_POST
def prescribe(request: HttpRequest, patient_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        created = services.prescription_create(
            **acting(request),
            patient_id=patient_id,
            data=_posted_input(request),
            decision=_decision(request),
        )
        messages.success(request, _("Terapia prescritta e firmata."))
        return redirect("therapy:prescription", prescription_id=created.pk)
    assert kept.error is not None
    if kept.error.status == 404:
        raise Http404
    context = _patient_context(request, patient_id)
    context["refused"] = _refused_context(kept.error)
    return render(request, "therapy/patient.html", context, status=kept.error.status)


def _prescription_context(request: HttpRequest, prescription_id: int) -> dict[str, Any]:
    p = selectors.prescription_get(
        **viewing(request),
        prescription_id=prescription_id,
    )
    return {
        "p": p,
        "doses": selectors.prescription_doses(p),
        "may_prescribe": request.user.has_perm(PRESCRIBE),
        "routes": Route.choices,
        "units": ("mg", "g", "mcg", "UI", "mL"),
        "today": timezone.localdate(),
        "values": _values(request, p),
        "refused": NO_REFUSAL,
        "no_refusal": NO_REFUSAL,
    }


@require_perm(VIEW)
def prescription_page(request: HttpRequest, prescription_id: int) -> HttpResponse:
    return render(
        request, "therapy/prescription.html", _prescription_context(request, prescription_id)
    )


@require_perm(VIEW)
def prescription_print(request: HttpRequest, prescription_id: int) -> HttpResponse:
    """The old address of the prescription's print: the archived PDF now."""
    return redirect("therapy:prescription_pdf", prescription_id=prescription_id)


@require_perm(VIEW)
def prescription_pdf(request: HttpRequest, prescription_id: int) -> HttpResponse:
    """One prescription printed through the editable template ``ward_prescription`` and
    archived with the patient (``prints.prescription_print``)."""
    document = prints.prescription_print(**acting(request), prescription_id=prescription_id)
    return _pdf(document, f"prescrizione-reparto-{prescription_id}.pdf")


def _refused_prescription(
    request: HttpRequest, prescription_id: int, error: CorsiaError, form: str
) -> HttpResponse:
    if error.status == 404:
        raise Http404
    context = _prescription_context(request, prescription_id)
    context["refused"] = {**_refused_context(error), "form": form}
    return render(request, "therapy/prescription.html", context, status=error.status)


@require_perm(PRESCRIBE)
@require_POST
def suspend(request: HttpRequest, prescription_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        services.prescription_suspend(
            **acting(request),
            prescription_id=prescription_id,
            expected_version=posted_version(request),
            reason=request.POST.get("reason", "")[:1000],
        )
        messages.success(request, _("Terapia sospesa."))
        return redirect("therapy:prescription", prescription_id=prescription_id)
    assert kept.error is not None
    return _refused_prescription(request, prescription_id, kept.error, "suspend")


@require_perm(PRESCRIBE)
@require_POST
def replace(request: HttpRequest, prescription_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        new = services.prescription_replace(
            **acting(request),
            prescription_id=prescription_id,
            expected_version=posted_version(request),
            reason=request.POST.get("reason", "")[:1000],
            data=_posted_input(request),
            decision=_decision(request),
        )
        messages.success(request, _("Terapia sostituita: la nuova prescrizione è firmata."))
        return redirect("therapy:prescription", prescription_id=new.pk)
    assert kept.error is not None
    return _refused_prescription(request, prescription_id, kept.error, "replace")
