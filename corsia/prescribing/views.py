"""Pages of prescribing: physician worklist, a patient's therapy, the prescription page,
the pharmacy's queue. Thin: reads through selectors, writes through services.

A service's refusal on a button becomes an error message and the page the button was on
(``core.refusals.refusals_as_messages``; a missing order or line too, as a message);
a read that finds nothing is the 404 page (``PageRefusalMiddleware``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from corsia.accounts.selectors import user_roles
from corsia.core.access import require_perm
from corsia.core.domain.clinical_format import dose_text, lang_of
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.core.refusals import refusal_kept, refusals_as_messages
from corsia.core.web import parse_id, request_actor
from corsia.core.web import posted_decimal as _decimal
from corsia.core.web import posted_version as _version
from corsia.core.web import request_workstation as _ws
from corsia.drugs.selectors import biosimilar_choices
from corsia.patients import selectors as patient_selectors
from corsia.prescribing import cumulative, selectors, services
from corsia.prescribing.domain.order_lines import display_unit, reduced_dose
from corsia.prescribing.domain.states import (
    EVENT_LABELS_IT,
    REASON_REQUIRED,
    OrderEvent,
    OrderState,
    can_physician_edit,
    decisions_available,
)
from corsia.prescribing.dosing_basis import latest_measures
from corsia.prescribing.models import MeasurementKind, PatientDiagnosis, PriorDoseUnit, TherapyOrder
from corsia.regimens.domain.spec import INTENT_LABELS_IT
from corsia.regimens.selectors import prescribable_versions
from corsia.toxicity.selectors import latest_toxicity_summary

VIEW = services.VIEW
PRESCRIBE = services.PRESCRIBE
MEASURE = services.RECORD_MEASUREMENT


def _today(request: HttpRequest) -> date:
    try:
        return parse_date(request.GET.get("day", "")) or timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _posted_date(raw: str | None, field: str, invalid: str) -> date | None:
    """A date typed in a form: ``None`` when empty or not a date; an impossible one
    (30 February) is refused with the message ``invalid``."""
    try:
        return parse_date(raw or "")
    except ValueError:
        raise ValidationFailed(invalid, code="date_invalid", field=field) from None


_INT_MAX = 2**31 - 1  # what an integer column holds


def _posted_int(raw: str | None, default: int, field: str, invalid: str) -> int:
    """A whole number typed in a form (``default`` when empty), else (letters, "1e308",
    a number no integer column holds) refused with ``invalid``."""
    if raw is None or not raw.strip():
        return default
    number = parse_id(raw)
    if number is None or number > _INT_MAX:
        raise ValidationFailed(invalid, code="number_invalid", field=field)
    return number


@require_perm(VIEW)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    day = _today(request)
    mine = request.GET.get("mine") == "1"
    rows = selectors.physician_worklist(
        user=request_actor(request),
        day=day,
        mine_only=mine,
        workstation=_ws(request),
    )
    return render(
        request,
        "prescribing/worklist.html",
        {"rows": rows, "day": day, "mine": mine, "today": timezone.localdate()},
    )


# How many days the pharmacy's queue shows (from the chosen day): today, the next days.
QUEUE_SPANS = (1, 3, 7, 14)
QUEUE_SPAN_DEFAULT = 3
# The UFA's validation page (compounding:order) is the pharmacist's one screen for an
# order the pharmacy works on; a pharmacist opening the order page is sent there.
PHARMACY_VALIDATE = "compounding.validate"


@require_perm(VIEW)
@require_GET
def pharmacy(request: HttpRequest) -> HttpResponse:
    day = _today(request)
    span = parse_id(request.GET.get("days")) or QUEUE_SPAN_DEFAULT
    if span not in QUEUE_SPANS:
        span = QUEUE_SPAN_DEFAULT
    queue = selectors.pharmacy_queue(user=request_actor(request), day=day, days_ahead=span - 1)
    template = (
        "prescribing/partials/pharmacy_table.html"
        if getattr(request, "htmx", False)
        else "prescribing/pharmacy.html"
    )
    return render(
        request,
        template,
        {
            "queue": queue,
            "day": day,
            "span": span,
            "spans": QUEUE_SPANS,
            "last_day": day + timedelta(days=span - 1),
            "today": timezone.localdate(),
        },
    )


@require_perm(VIEW)
@require_GET
def patient_therapy(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = request_actor(request)
    view = patient_selectors.patient_view(
        user=actor, patient_id=patient_id, what="terapie del paziente", workstation=_ws(request)
    )
    patient = view.patient
    diagnoses = list(PatientDiagnosis.objects.filter(patient=patient, is_active=True))
    chosen = request.GET.get("diagnosis", "")
    diagnosis = next((d for d in diagnoses if str(d.pk) == chosen), None)
    if diagnosis is None and diagnoses:
        diagnosis = diagnoses[0]
    latest = latest_measures(patient.pk)
    orders = selectors.patient_orders(user=actor, patient_id=patient.pk)
    last = orders.first()
    return render(
        request,
        "prescribing/patient.html",
        {
            "view": view,
            "patient": patient,
            "diagnoses": diagnoses,
            "diagnosis": diagnosis,
            "regimens": prescribable_versions(diagnosis_code=diagnosis.code if diagnosis else None),
            "latest": latest,
            "orders": orders[:30],
            "kinds": MeasurementKind.choices,
            "today": timezone.localdate(),
            "next_cycle": (last.cycle_number + 1) if last else 1,
            "intents": INTENT_LABELS_IT.items(),
            "cumulative": cumulative.patient_cumulative_view(
                user=actor, patient_id=patient.pk, workstation=_ws(request)
            ),
            "prior_units": PriorDoseUnit.choices,
            "allergies": patient_selectors.allergy_summary(patient_id=patient.pk),
        },
    )


# any unreadable field of the prior-dose form (drug, dates) is refused with this message
_PRIOR_DOSE_UNREADABLE = "Farmaco non valido."


@require_perm(PRESCRIBE)
@require_POST
def prior_dose_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record a dose given elsewhere (or correct one): the service validates and audits."""
    post = request.POST
    with refusals_as_messages(request, not_found_is_404=False):
        amount = _decimal(post.get("amount"), "amount")
        given_from = _posted_date(post.get("given_from"), "given_from", _PRIOR_DOSE_UNREADABLE)
        if amount is None or given_from is None:
            raise ValidationFailed(
                "Indicare dose e data di inizio.", code="prior_dose_field_required", field="amount"
            )
        corrects = post.get("corrects_id", "")
        cumulative.prior_dose_record(
            actor=request_actor(request),
            workstation=_ws(request),
            patient_id=patient_id,
            ingredient_id=_posted_int(
                post.get("ingredient_id"), 0, "ingredient_id", _PRIOR_DOSE_UNREADABLE
            ),
            amount=amount,
            unit=post.get("unit", ""),
            hospital=post.get("hospital", ""),
            given_from=given_from,
            given_to=_posted_date(post.get("given_to"), "given_to", _PRIOR_DOSE_UNREADABLE),
            bsa_m2=_decimal(post.get("bsa_m2"), "bsa_m2"),
            document_ref=post.get("document_ref", ""),
            reason=post.get("reason", ""),
            corrects_id=parse_id(corrects),
        )
        messages.success(request, "Dose ricevuta altrove registrata.")
    return redirect("prescribing:patient", patient_id=patient_id)


@require_perm(MEASURE)
@require_POST
def measure(request: HttpRequest, patient_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        recorded = 0
        for kind, _label in MeasurementKind.choices:
            value = _decimal(request.POST.get(kind), kind)
            if value is not None:
                services.measurement_record(
                    actor=request_actor(request),
                    workstation=_ws(request),
                    patient_id=patient_id,
                    kind=kind,
                    value=value,
                )
                recorded += 1
        if not recorded:
            raise ValidationFailed("Inserire almeno una misura.", code="measurement_empty")
        messages.success(request, "Misure registrate.")
    return redirect("prescribing:patient", patient_id=patient_id)


@require_perm(PRESCRIBE)
@require_POST
def diagnosis_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        services.diagnosis_record(
            actor=request_actor(request),
            workstation=_ws(request),
            patient_id=patient_id,
            code=request.POST.get("code", ""),
            label=request.POST.get("label", ""),
        )
    return redirect("prescribing:patient", patient_id=patient_id)


@require_perm(PRESCRIBE)
@require_POST
def order_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    post = request.POST
    unreadable = "Dati non validi."
    with refusals_as_messages(request, not_found_is_404=False):
        start = _posted_date(post.get("start_date"), "start_date", unreadable)
        if start is None:
            raise ValidationFailed(
                "Indicare la data di inizio del ciclo.", code="start_required", field="start_date"
            )
        version_id = parse_id(post.get("regimen_version"))
        if version_id is None:
            raise ValidationFailed(
                "Scegliere lo schema di terapia.", code="regimen_required", field="regimen_version"
            )
        diagnosis = post.get("diagnosis", "")
        order = services.order_create(
            actor=request_actor(request),
            workstation=_ws(request),
            patient_id=patient_id,
            regimen_version_id=version_id,
            start_date=start,
            cycle_number=_posted_int(post.get("cycle_number"), 1, "cycle_number", unreadable),
            line=_posted_int(post.get("line"), 1, "line", unreadable),
            diagnosis_id=parse_id(diagnosis),
            intent=post.get("intent") or None,
            bsa_formula=post.get("bsa_formula") or "mosteller",
            schedule_reason=post.get("schedule_reason", ""),
            allergy_override_reason=post.get("allergy_override_reason", ""),
            allergy_acknowledged=post.get("allergy_acknowledged") == "yes",
        )
        return redirect("prescribing:order", order_id=order.pk)
    return redirect("prescribing:patient", patient_id=patient_id)


def _actions(request: HttpRequest, order: TherapyOrder) -> list[dict[str, Any]]:
    actor = request_actor(request)
    actions = []
    # decisions only: the loop's milestones are recorded by the UFA and bedside services
    for event in decisions_available(OrderState(order.state), user_roles(actor)):
        if event is OrderEvent.VALIDATE and actor.pk in services.order_authors(order):
            continue  # independent double check: not who wrote the order
        actions.append(
            {
                "event": event.value,
                "label": EVENT_LABELS_IT[event].capitalize(),
                "reason": event in REASON_REQUIRED,
                "danger": event in (OrderEvent.CANCEL, OrderEvent.SUSPEND),
            }
        )
    return actions


def _days(order: TherapyOrder) -> list[dict[str, Any]]:
    days: dict[int, dict[str, Any]] = {}
    for item in order.items.all():
        day = days.setdefault(
            item.day_of_cycle,
            {"number": item.day_of_cycle, "date": item.scheduled_date, "items": []},
        )
        item.per_unit = display_unit(item.dose_unit)  # type: ignore[attr-defined]  # template-only attribute
        day["items"].append(item)
    return [days[k] for k in sorted(days)]


@dataclass(frozen=True)
class RefusedAdjustment:
    """A dose change the service refused, shown again beside its line: what was typed
    (kept, not cleared), the message and the field it names (focused)."""

    item_id: int
    message: str
    field: str
    reduction_percent: str
    final_dose: str
    reason: str
    override_reason: str


@require_perm(VIEW)
@require_GET
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    actor = request_actor(request)
    if (
        actor.has_perm(PHARMACY_VALIDATE)
        and not actor.has_perm(PRESCRIBE)
        and selectors.order_state(order_id) in selectors.PHARMACY_STATES
    ):
        return redirect("compounding:order", order_id=order_id)
    return _order_page(request, order_id)


def _order_page(
    request: HttpRequest,
    order_id: int,
    *,
    refused: RefusedAdjustment | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request_actor(request)
    order = selectors.order_view(user=actor, order_id=order_id, workstation=_ws(request))
    editable = (
        actor.has_perm(PRESCRIBE)
        and can_physician_edit(OrderState(order.state))
        and order.signed_at is None
    )
    first_day = min((i.scheduled_date for i in order.items.all()), default=order.start_date)
    choices = biosimilar_choices({i.ingredient_id for i in order.items.all()})
    for item in order.items.all():
        item.product_choices = choices.get(item.ingredient_id, [])  # type: ignore[attr-defined]  # template-only attribute
    toxicity = None
    if actor.has_perm("toxicity.view_toxicity"):
        toxicity = latest_toxicity_summary(
            user=actor,
            patient_id=order.patient_id,
            since=selectors.previous_cycle_start(order) or order.start_date,
            workstation=_ws(request),
        )
    return render(
        request,
        "prescribing/order.html",
        {
            "order": order,
            "days": _days(order),
            "editable": editable,
            "actions": _actions(request, order),
            "transitions": order.transitions.select_related("actor"),
            "interactions": selectors.order_interactions(order),
            "fluid_ml": selectors.fluid_load_ml(order, first_day),
            "regimen": order.regimen_version,
            "intent_label": INTENT_LABELS_IT.get(order.intent, order.intent),  # type: ignore[call-overload]  # str key into StrEnum map
            "unit": display_unit,
            "toxicity": toxicity,
            "allergies": patient_selectors.allergy_summary(patient_id=order.patient_id),
            "allergy_matches": services.order_allergy_rows(order),
            "refused": refused,
        },
        status=status,
    )


@require_perm(VIEW)
@require_POST
def order_transition(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        order = services.order_transition(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            event=request.POST.get("event", ""),
            expected_version=_version(request),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"Prescrizione: {order.state_label.lower()}.")
    return redirect("prescribing:order", order_id=order_id)


# The fields of the line's dose form a refusal may name (anything else: the reason field,
# where the physician types next).
_ADJUST_FIELDS = ("reduction_percent", "final_dose", "reason", "override_reason")


@require_perm(PRESCRIBE)
@require_POST
def item_adjust(request: HttpRequest, order_id: int, item_id: int) -> HttpResponse:
    """Change one line's dose. A refusal is shown beside the line, with what was typed
    kept and the named field focused (422), not as a message at the top of the page."""
    post = request.POST
    with refusal_kept() as kept:
        reduction = _decimal(post.get("reduction_percent"), "reduction_percent")
        final = _decimal(post.get("final_dose"), "final_dose")
        if final is None and reduction is None:
            # overriding the block of the dose as it stands: the value shown on the page
            final = _decimal(post.get("override_value"), "final_dose")
        services.order_item_adjust(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            item_id=item_id,
            reason=post.get("reason", ""),
            reduction_percent=reduction if final is None else None,
            final_dose=final,
            override_reason=post.get("override_reason", ""),
            expected_version=_version(request),
        )
        messages.success(request, "Dose aggiornata.")
    error = kept.error
    if error is None:
        return redirect(f"{reverse('prescribing:order', args=[order_id])}#item-{item_id}")
    if isinstance(error, NotFound):  # no such order or line: nothing to show beside
        messages.error(request, error.message)
        return redirect("prescribing:order", order_id=order_id)
    refused = RefusedAdjustment(
        item_id=item_id,
        message=error.message,
        field=error.field if error.field in _ADJUST_FIELDS else "reason",
        reduction_percent=post.get("reduction_percent", ""),
        final_dose=post.get("final_dose", ""),
        reason=post.get("reason", ""),
        override_reason=post.get("override_reason", ""),
    )
    return _order_page(request, order_id, refused=refused, status=error.status)


@require_perm(PRESCRIBE)
@require_POST
def reduce_all(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        percent = _decimal(request.POST.get("reduction_percent"), "reduction_percent")
        if percent is None:
            raise ValidationFailed("Indicare la percentuale.", code="reduction_required")
        services.order_reduce_all(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            reduction_percent=percent,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )
        messages.success(request, "Riduzione applicata a tutti gli antiblastici.")
    return redirect("prescribing:order", order_id=order_id)


@require_perm(PRESCRIBE)
@require_POST
def item_status(request: HttpRequest, order_id: int, item_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        services.order_item_set_status(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            item_id=item_id,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            whole_day=request.POST.get("whole_day") == "1",
            expected_version=_version(request),
        )
    return redirect("prescribing:order", order_id=order_id)


@require_perm(PRESCRIBE)
@require_POST
def recalculate(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        services.order_recalculate(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            expected_version=_version(request),
        )
        messages.success(request, "Dosi ricalcolate sulle misure più recenti.")
    return redirect("prescribing:order", order_id=order_id)


@require_perm(PRESCRIBE)
@require_POST
def duplicate(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        start = _posted_date(request.POST.get("start_date"), "start_date", "Data non valida.")
        if start is None:
            raise ValidationFailed("Indicare la data di inizio.", code="start_required")
        order = services.order_duplicate(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            start_date=start,
            schedule_reason=request.POST.get("schedule_reason", ""),
            allergy_override_reason=request.POST.get("allergy_override_reason", ""),
            allergy_acknowledged=request.POST.get("allergy_acknowledged") == "yes",
        )
        messages.success(request, f"Ciclo {order.cycle_number} creato dal ciclo precedente.")
        return redirect("prescribing:order", order_id=order.pk)
    return redirect("prescribing:order", order_id=order_id)


@require_perm(VIEW)
@require_GET
def reduction_preview(request: HttpRequest, order_id: int, item_id: int) -> HttpResponse:
    """The dose after the reduction being typed (htmx, nothing saved)."""
    order = selectors.order_get(user=request_actor(request), order_id=order_id)
    item = next((i for i in order.items.all() if i.pk == item_id), None)
    text = ""
    with refusal_kept() as kept:
        if item is not None:
            percent = _decimal(request.GET.get("reduction_percent"), "reduction_percent")
            dose = reduced_dose(
                item.calculated_dose,
                percent or Decimal(0),
                decimals=order.regimen_version.dose_decimals,
            )
            text = dose_text(dose, item.amount_unit, lang=lang_of(get_language()))
    error = kept.error.message if kept.error is not None else ""
    return render(
        request, "prescribing/partials/reduction_preview.html", {"text": text, "error": error}
    )


@require_perm(PRESCRIBE)
@require_POST
def move_day(request: HttpRequest, order_id: int, day: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        new_date = _posted_date(request.POST.get("new_date"), "new_date", "Data non valida.")
        if new_date is None:
            raise ValidationFailed(
                "Indicare la nuova data.", code="date_required", field="new_date"
            )
        services.order_day_move(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            day_of_cycle=day,
            new_date=new_date,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )
        messages.success(request, f"Giorno {day} spostato al {new_date:%d/%m/%Y}.")
    return redirect("prescribing:order", order_id=order_id)


@require_perm(PRESCRIBE)
@require_POST
def general(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        services.order_update_general(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            aifa_registry_code=request.POST.get("aifa_registry_code"),
            notes=request.POST.get("notes"),
            expected_version=_version(request),
        )
        messages.success(request, "Dati generali salvati.")
    return redirect("prescribing:order", order_id=order_id)


@require_perm(PRESCRIBE)
@require_POST
def choose_product(request: HttpRequest, order_id: int, item_id: int) -> HttpResponse:
    raw = request.POST.get("product", "")
    with refusals_as_messages(request, not_found_is_404=False):
        services.order_item_choose_product(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            item_id=item_id,
            product_id=parse_id(raw),
            expected_version=_version(request),
        )
        messages.success(request, "Scelta del prodotto registrata.")
    return redirect("prescribing:order", order_id=order_id)


@require_perm(PRESCRIBE)
@require_POST
def sign(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        # a draft is confirmed and signed in one act ("Conferma e firma"), at its version
        services.order_confirm_and_sign(
            actor=request_actor(request),
            workstation=_ws(request),
            order_id=order_id,
            expected_version=_version(request),
            allergy_override_reason=request.POST.get("allergy_override_reason", ""),
            allergy_acknowledged=request.POST.get("allergy_acknowledged") == "yes",
        )
        messages.success(request, "Prescrizione firmata digitalmente e archiviata.")
    return redirect("prescribing:order", order_id=order_id)
