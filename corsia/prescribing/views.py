"""Pages of prescribing: physician worklist, a patient's therapy, the prescription page,
the pharmacy's queue. Thin: reads through selectors, writes through services.

A service's refusal on a button becomes an error message and the page the button was on
(``core.refusals.refusals_as_messages``; a missing order or line too, as a message);
a read that finds nothing is the 404 page (``PageRefusalMiddleware``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.paging import paginate, paginate_read
from corsia.core.read_together import ReadPart, read_parts
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import acting, parse_id, posted_date, posted_int, request_actor, viewing
from corsia.core.web import posted_decimal as _decimal
from corsia.core.web import request_workstation as _ws
from corsia.patients import selectors as patient_selectors
from corsia.patients.selectors import allergy_summary_read
from corsia.patients.selectors_pgx import pgx_current_read
from corsia.prescribing import cumulative, selectors, services
from corsia.prescribing.cumulative_page import patient_cumulative_read
from corsia.prescribing.dosing_basis import latest_measures_read, protected_measures
from corsia.prescribing.interactions_check import patient_interactions_read
from corsia.prescribing.models import MeasurementKind, PatientDiagnosis, PriorDoseUnit
from corsia.regimens.domain.spec import INTENT_LABELS_IT
from corsia.regimens.selectors import prescribable_versions_read

VIEW = services.VIEW
PRESCRIBE = services.PRESCRIBE
MEASURE = services.RECORD_MEASUREMENT


def _today(request: HttpRequest) -> date:
    try:
        return parse_date(request.GET.get("day", "")) or timezone.localdate()
    except ValueError:
        return timezone.localdate()


@require_perm(VIEW)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    day = _today(request)
    mine = request.GET.get("mine") == "1"
    rows = selectors.physician_worklist(**viewing(request), day=day, mine_only=mine)
    return render(
        request,
        "prescribing/worklist.html",
        {"rows": rows, "day": day, "mine": mine, "today": timezone.localdate()},
    )


# How many days the pharmacy's queue shows (from the chosen day): today, the next days.
QUEUE_SPANS = (1, 3, 7, 14)
QUEUE_SPAN_DEFAULT = 3
QUEUE_PAGE_SIZE = 50  # orders per page of each of the queue's lists
ORDERS_PAGE_SIZE = 30  # a patient's orders per page, the newest first (every one reachable)


@require_perm(VIEW)
@require_GET
def pharmacy(request: HttpRequest) -> HttpResponse:
    day = _today(request)
    span = parse_id(request.GET.get("days")) or QUEUE_SPAN_DEFAULT
    if span not in QUEUE_SPANS:
        span = QUEUE_SPAN_DEFAULT
    queue = selectors.pharmacy_queue(user=request_actor(request), day=day, days_ahead=span - 1)
    # paged (issue 27): the earliest day's orders on page 1, the total in each heading
    pharmacy_page = paginate(request, queue["pharmacy"], param="page", page_size=QUEUE_PAGE_SIZE)
    potential_page = paginate(
        request, queue["potential"], param="potential_page", page_size=QUEUE_PAGE_SIZE
    )
    template = (
        "prescribing/partials/pharmacy_table.html"
        if getattr(request, "htmx", False)
        else "prescribing/pharmacy.html"
    )
    return render(
        request,
        template,
        {
            "queue": {
                "pharmacy": selectors.worklist_rows(pharmacy_page.page),
                "potential": selectors.worklist_rows(potential_page.page),
            },
            "pharmacy_page": pharmacy_page,
            "potential_page": potential_page,
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
    """The physician's page of one patient's therapies. The patient (one query), then what
    the page shows in two statements (``corsia.core.read_together``, issue 27): everything
    that depends only on the patient, then the archive's cumulative limits and the known
    interactions of the drugs found. Logged as before: the patient's therapies, the
    cumulative doses and the interactions, a row each, in one append."""
    actor = request_actor(request)
    patient = patient_selectors.patient_shown(
        user=actor, patient_id=patient_id, what="terapie del paziente", workstation=_ws(request)
    )
    orders = selectors.patient_orders(user=actor, patient_id=patient.pk)
    diagnoses_query = PatientDiagnosis.objects.filter(patient=patient, is_active=True)
    parts: list[ReadPart[Any]] = [
        ReadPart(
            # the latest cycle (the next one's number) and the patient's active diagnoses
            querysets=(orders.values_list("cycle_number", flat=True)[:1], diagnoses_query),
            decode=lambda rows: rows,
        ),
        latest_measures_read(patient.pk),
        # paged (issue 27): every past cycle reachable, the newest on page 1
        paginate_read(request, orders, param="orders_page", page_size=ORDERS_PAGE_SIZE),
        prescribable_versions_read(),
        allergy_summary_read(patient_id=patient.pk),
        pgx_current_read(patient_id=patient.pk),
        patient_cumulative_read(user=actor, patient_id=patient.pk, workstation=_ws(request)),
        patient_interactions_read(user=actor, patient_id=patient.pk, workstation=_ws(request)),
    ]
    own, latest, orders_page, versions, allergies, pgx_results, exposures, drugs = read_parts(parts)
    tallies, interactions = read_parts([exposures.tallies_read(), drugs.interactions_read()])
    last_cycle, diagnoses = own
    chosen = request.GET.get("diagnosis", "")
    diagnosis = next((d for d in diagnoses if str(d.pk) == chosen), None)
    if diagnosis is None and diagnoses:
        diagnosis = diagnoses[0]
    return render(
        request,
        "prescribing/patient.html",
        {
            "patient": patient,
            "diagnoses": diagnoses,
            "diagnosis": diagnosis,
            "regimens": versions.for_diagnosis(diagnosis.code if diagnosis else None),
            "latest": latest,
            "protected": protected_measures(user=actor, patient_id=patient.pk, latest=latest),
            "orders": orders_page.page,
            "orders_page": orders_page,
            "kinds": MeasurementKind.choices,
            "today": timezone.localdate(),
            "next_cycle": (last_cycle[0] + 1) if last_cycle else 1,
            "intents": INTENT_LABELS_IT.items(),
            "cumulative": tallies,
            "prior_units": PriorDoseUnit.choices,
            "allergies": allergies,
            "pgx_results": pgx_results,
            "interactions": interactions,
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
        given_from = posted_date(post.get("given_from"), "given_from", _PRIOR_DOSE_UNREADABLE)
        if amount is None or given_from is None:
            raise ValidationFailed(
                "Indicare dose e data di inizio.", code="prior_dose_field_required", field="amount"
            )
        corrects = post.get("corrects_id", "")
        cumulative.prior_dose_record(
            **acting(request),
            patient_id=patient_id,
            ingredient_id=posted_int(
                post.get("ingredient_id"), 0, "ingredient_id", _PRIOR_DOSE_UNREADABLE
            ),
            amount=amount,
            unit=post.get("unit", ""),
            hospital=post.get("hospital", ""),
            given_from=given_from,
            given_to=posted_date(post.get("given_to"), "given_to", _PRIOR_DOSE_UNREADABLE),
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
                    **acting(request),
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
            **acting(request),
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
        start = posted_date(post.get("start_date"), "start_date", unreadable)
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
            **acting(request),
            patient_id=patient_id,
            regimen_version_id=version_id,
            start_date=start,
            cycle_number=posted_int(post.get("cycle_number"), 1, "cycle_number", unreadable),
            line=posted_int(post.get("line"), 1, "line", unreadable),
            diagnosis_id=parse_id(diagnosis),
            intent=post.get("intent") or None,
            bsa_formula=post.get("bsa_formula") or "mosteller",
            schedule_reason=post.get("schedule_reason", ""),
            allergy_override_reason=post.get("allergy_override_reason", ""),
            allergy_acknowledged=post.get("allergy_acknowledged") == "yes",
            pgx_override_reason=post.get("pgx_override_reason", ""),
            pgx_acknowledged=post.get("pgx_acknowledged") == "yes",
            pgx_apply_suggested=post.get("pgx_apply_suggested") == "yes",
        )
        return redirect("prescribing:order", order_id=order.pk)
    return redirect("prescribing:patient", patient_id=patient_id)
