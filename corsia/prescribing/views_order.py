"""The prescription page and its actions: the order as the physician sees it, the decisions
on it (sign, validate, suspend…), each line's dose, status and product, the days moved, the
order duplicated as the next cycle. Thin: reads through selectors, writes through services.

A service's refusal on a button becomes an error message and the page the button was on
(``core.refusals.refusals_as_messages``); a refused dose change is shown beside its line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import DateField, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from corsia.accounts.selectors import user_roles
from corsia.core.access import require_perm
from corsia.core.actors import User
from corsia.core.domain.clinical_format import dose_text, lang_of
from corsia.core.domain.errors import NotFound, ValidationFailed
from corsia.core.read_together import ReadPart, read_parts
from corsia.core.refusals import refusal_kept, refusals_as_messages
from corsia.core.web import acting, parse_id, posted_date, request_actor
from corsia.core.web import posted_decimal as _decimal
from corsia.core.web import posted_version as _version
from corsia.core.web import request_workstation as _ws
from corsia.drugs.selectors import (
    biosimilar_choices_from,
    biosimilar_choices_query,
    pgx_markers_read,
)
from corsia.patients import selectors as patient_selectors
from corsia.patients.selectors import allergy_summary_read
from corsia.patients.selectors_pgx import pgx_current_read
from corsia.prescribing import selectors, services
from corsia.prescribing.domain.order_lines import display_unit, reduced_dose
from corsia.prescribing.domain.states import (
    EVENT_LABELS_IT,
    REASON_REQUIRED,
    OrderEvent,
    OrderState,
    can_physician_edit,
    decisions_available,
    may_fire,
)
from corsia.prescribing.interactions_check import (
    order_interaction_warnings,
    order_interactions_pending,
    order_interactions_read,
)
from corsia.prescribing.models import OrderTransition, TherapyOrder
from corsia.prescribing.selectors_regulatory import order_requirements_read
from corsia.regimens.domain.spec import INTENT_LABELS_IT
from corsia.toxicity.selectors import (
    TOXICITY_SUMMARY_READ,
    ToxicitySummaryRows,
    toxicity_summary_read,
)

VIEW = services.VIEW
PRESCRIBE = services.PRESCRIBE
# The UFA's validation page (compounding:order) is the pharmacist's one screen for an
# order the pharmacy works on; a pharmacist opening the order page is sent there.
PHARMACY_VALIDATE = "compounding.validate"


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


@dataclass(frozen=True)
class _PageReads:
    products: list[Any]  # the products of the order's drugs (the biosimilar choice)
    previous_start: date | None
    toxicity: ToxicitySummaryRows | None  # None: not for the user's role
    transitions: list[OrderTransition]


def _page_reads(actor: User, order: TherapyOrder, *, toxicity: bool) -> _PageReads:
    """What the page shows beside the order, in one statement (issue 27): each module's
    selector in its batched variant (``corsia.core.read_together``). The allergies, the
    pharmacogenomic results and the drugs' markers, the interactions across therapies and
    the regulatory requirements are kept for the request, where their selectors answer
    them; the checks (permission, the patient's scope) are made as each part is asked
    for."""
    previous = selectors.previous_cycle_start_query(order)
    transitions = order.transitions.select_related("actor")
    products = biosimilar_choices_query(i.ingredient_id for i in order.items.all())
    parts: list[ReadPart[Any]] = [
        ReadPart(querysets=(products, previous, transitions), decode=lambda rows: rows),
        allergy_summary_read(patient_id=order.patient_id),
        pgx_current_read(patient_id=order.patient_id),
        # the recommendations of the order's drugs: read by the pharmacogenomic rows when
        # the patient has a result
        pgx_markers_read(i.ingredient_id for i in order.items.all()),
        order_interactions_read(order),
        order_requirements_read(order.pk),
    ]
    if toxicity:
        since = Coalesce(Subquery(previous), Value(order.start_date), output_field=DateField())
        parts.append(toxicity_summary_read(user=actor, patient_id=order.patient_id, since=since))
    answers = read_parts(parts)
    product_rows, previous_rows, transition_rows = answers[0]
    return _PageReads(
        products=product_rows,
        previous_start=previous_rows[0] if previous_rows else None,
        toxicity=answers[-1] if toxicity else None,
        transitions=transition_rows,
    )


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
    order = selectors.order_get(user=actor, order_id=order_id)
    editable = (
        actor.has_perm(PRESCRIBE)
        and can_physician_edit(OrderState(order.state))
        and order.signed_at is None
    )
    first_day = min((i.scheduled_date for i in order.items.all()), default=order.start_date)
    may_see_toxicity = actor.has_perm("toxicity.view_toxicity")
    reads = _page_reads(actor, order, toxicity=may_see_toxicity)
    choices = biosimilar_choices_from(reads.products)
    for item in order.items.all():
        item.product_choices = choices.get(item.ingredient_id, [])  # type: ignore[attr-defined]  # template-only attribute
    toxicity = None
    if reads.toxicity is not None:
        toxicity = reads.toxicity.summary(reads.previous_start or order.start_date)
    # the order and the toxicity summary beside it: two rows of the access log, one append
    selectors.order_read_log(
        user=actor,
        order=order,
        workstation=_ws(request),
        also=(TOXICITY_SUMMARY_READ,) if toxicity is not None else (),
    )
    pgx_rows = services.order_pgx_rows(order)
    pgx_pending = any(r.pending for r in pgx_rows)
    return render(
        request,
        "prescribing/order.html",
        {
            "order": order,
            "days": _days(order),
            "editable": editable,
            "actions": _actions(request, order),
            "transitions": reads.transitions,
            "interactions": order_interaction_warnings(order),
            "interactions_pending": order_interactions_pending(order),
            "fluid_ml": selectors.fluid_load_ml(order, first_day),
            "regimen": order.regimen_version,
            "intent_label": INTENT_LABELS_IT.get(order.intent, order.intent),  # type: ignore[call-overload]  # str key into StrEnum map
            "unit": display_unit,
            "toxicity": toxicity,
            "allergies": patient_selectors.allergy_summary(patient_id=order.patient_id),
            "allergy_matches": services.order_allergy_rows(order, order.items.all()),
            # a late result once: the barrier's rows name it (with what it asks), so the
            # warnings list repeats it only when no row does
            "pgx_since": [] if pgx_rows else services.order_pgx_since(order),
            "pgx_rows": pgx_rows,
            "pgx_pending": pgx_pending,
            "pgx_ack_allowed": pgx_pending
            and order.state in services.PGX_AFTER_VALIDATION_STATES
            and (actor.has_perm(PRESCRIBE) or may_fire(OrderEvent.VALIDATE, user_roles(actor))),
            "refused": refused,
        },
        status=status,
    )


@require_perm(VIEW)
@require_POST
def order_transition(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        order = services.order_transition(
            **acting(request),
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
            **acting(request),
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
            **acting(request),
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
            **acting(request),
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
            **acting(request),
            order_id=order_id,
            expected_version=_version(request),
            **_pgx_fields(request),
        )
        messages.success(request, "Dosi ricalcolate sulle misure più recenti.")
    return redirect("prescribing:order", order_id=order_id)


@require_perm(PRESCRIBE)
@require_POST
def duplicate(request: HttpRequest, order_id: int) -> HttpResponse:
    with refusals_as_messages(request, not_found_is_404=False):
        start = posted_date(request.POST.get("start_date"), "start_date", "Data non valida.")
        if start is None:
            raise ValidationFailed("Indicare la data di inizio.", code="start_required")
        order = services.order_duplicate(
            **acting(request),
            order_id=order_id,
            start_date=start,
            schedule_reason=request.POST.get("schedule_reason", ""),
            allergy_override_reason=request.POST.get("allergy_override_reason", ""),
            allergy_acknowledged=request.POST.get("allergy_acknowledged") == "yes",
            **_pgx_fields(request),
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
        new_date = posted_date(request.POST.get("new_date"), "new_date", "Data non valida.")
        if new_date is None:
            raise ValidationFailed(
                "Indicare la nuova data.", code="date_required", field="new_date"
            )
        services.order_day_move(
            **acting(request),
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
            **acting(request),
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
            **acting(request),
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
            **acting(request),
            order_id=order_id,
            expected_version=_version(request),
            allergy_override_reason=request.POST.get("allergy_override_reason", ""),
            allergy_acknowledged=request.POST.get("allergy_acknowledged") == "yes",
            **_pgx_fields(request),
        )
        messages.success(request, "Prescrizione firmata digitalmente e archiviata.")
    return redirect("prescribing:order", order_id=order_id)


def _pgx_fields(request: HttpRequest) -> dict[str, Any]:
    """Going past the pharmacogenomic barrier (``pgx_override_fields.html``)."""
    return {
        "pgx_override_reason": request.POST.get("pgx_override_reason", ""),
        "pgx_acknowledged": request.POST.get("pgx_acknowledged") == "yes",
    }


@require_perm(PRESCRIBE)
@require_POST
def pgx_apply(request: HttpRequest, order_id: int) -> HttpResponse:
    """ "Applica la dose suggerita": the drug's lines reduced to the recommended dose; with
    ``what=thrice_weekly``, CPIC's three days a week proposed (the refusal's message, nothing
    written) and applied once the physician ticks ``confirmed`` (H67)."""
    if request.POST.get("what") == "thrice_weekly":
        with refusals_as_messages(request, not_found_is_404=False):
            plan = services.order_pgx_apply_thrice_weekly(
                **acting(request),
                order_id=order_id,
                ingredient_id=parse_id(request.POST.get("ingredient_id")) or 0,
                confirmed=request.POST.get("confirmed") == "yes",
                expected_version=_version(request),
            )
            messages.success(
                request,
                f"Frequenza ridotta a tre volte a settimana: {plan.summary_it()}.",
            )
        return redirect("prescribing:order", order_id=order_id)
    with refusals_as_messages(request, not_found_is_404=False):
        services.order_pgx_apply_suggested(
            **acting(request),
            order_id=order_id,
            ingredient_id=parse_id(request.POST.get("ingredient_id")) or 0,
            expected_version=_version(request),
        )
        messages.success(
            request, "Dose suggerita dalla farmacogenomica applicata come riduzione motivata."
        )
    return redirect("prescribing:order", order_id=order_id)


@require_perm(VIEW)
@require_POST
def pgx_acknowledge(request: HttpRequest, order_id: int) -> HttpResponse:
    """A pharmacogenomic result recorded after the validation gone past by the physician or
    the validating pharmacist: the same service as ``POST /api/v1/orders/{id}/pgx/acknowledge``
    (the bedside refuses the drug until then)."""
    with refusals_as_messages(request, not_found_is_404=False):
        done = services.order_pgx_acknowledge(
            **acting(request),
            order_id=order_id,
            override_reason=request.POST.get("pgx_override_reason", "")[:2000],
            acknowledged=request.POST.get("pgx_acknowledged") == "yes",
        )
        if done:
            messages.success(
                request,
                "Referto farmacogenomico preso in visione: registrato con il tuo nome; "
                "la somministrazione può proseguire.",
            )
    return redirect("prescribing:order", order_id=order_id)
