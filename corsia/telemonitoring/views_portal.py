"""The patient's pages in the portal: the home of telemonitoring (latest readings, those to
confirm, today's diary, what to do now), a measurement (Web Bluetooth or typed), the
confirmation of an unusual value, the symptom diary. Only the signed-in patient's data;
every act in the portal's activity log (through the services and selectors)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.portal.access import portal_login_required, portal_patient
from corsia.telemonitoring import selectors, services
from corsia.telemonitoring.context import PatientActor
from corsia.telemonitoring.domain.gatt import (
    BLOOD_PRESSURE,
    HEART_RATE,
    PLX_SPOT_CHECK,
    TEMPERATURE,
    WEIGHT,
)
from corsia.telemonitoring.domain.parameters import LABELS, UNITS
from corsia.telemonitoring.questionnaires import SYMPTOM_DIARY, questionnaire
from corsia.telemonitoring.services.readings import MANUAL_PARAMETERS

# The GATT services the browser asks for, and the measurement characteristic of each.
DEVICE_SERVICES = [
    {"service": 0x1810, "characteristic": BLOOD_PRESSURE, "label": "Misuratore di pressione"},
    {"service": 0x180D, "characteristic": HEART_RATE, "label": "Cardiofrequenzimetro"},
    {"service": 0x1822, "characteristic": PLX_SPOT_CHECK, "label": "Saturimetro"},
    {"service": 0x1809, "characteristic": TEMPERATURE, "label": "Termometro"},
    {"service": 0x181D, "characteristic": WEIGHT, "label": "Bilancia"},
]


def _me(request: HttpRequest) -> PatientActor:
    patient = portal_patient(request)
    assert patient is not None  # portal_login_required let the request in
    return patient


@portal_login_required
def home(request: HttpRequest) -> HttpResponse:
    data = selectors.own_home(patient=_me(request))
    return render(
        request,
        "telemonitoring/portal/home.html",
        {"home": data, "labels": LABELS, "units": UNITS},
    )


def _measure_context(values: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "devices": DEVICE_SERVICES,
        "manual": [
            (p.value, LABELS[p], UNITS[p], (values or {}).get(p.value, ""))
            for p in MANUAL_PARAMETERS
        ],
        "refused": None,
    }


@portal_login_required
def measure(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "telemonitoring/portal/measure.html", _measure_context())
    values = {p.value: request.POST.get(p.value, "")[:20] for p in MANUAL_PARAMETERS}
    try:
        outcome = services.reading_record_manual(patient=_me(request), values=values)
    except CorsiaError as error:
        context = _measure_context(values)
        context["refused"] = {"message": error.message, "field": error.field}
        return render(request, "telemonitoring/portal/measure.html", context, status=error.status)
    return _after(request, outcome)


def _after(request: HttpRequest, outcome: services.ReadingOutcome) -> HttpResponse:
    if outcome.doubts:
        return redirect("telemonitoring:portal_confirm", measurement=outcome.measurement)
    messages.success(request, _("Misura registrata. Grazie."))
    return redirect("telemonitoring:portal_home")


@portal_login_required
@require_POST
def measure_device(request: HttpRequest) -> HttpResponse:
    """The browser's Web Bluetooth notification: ``{"characteristic": 10805, "payload":
    "<base64>"}``; answers JSON (where to go next, or the refusal)."""
    try:
        body = json.loads(request.body.decode("utf-8")[:4096] or "{}")
        if not isinstance(body, dict):
            raise ValueError
        characteristic = int(body.get("characteristic", 0))
        payload = str(body.get("payload", ""))
    except (ValueError, TypeError, UnicodeDecodeError):
        return JsonResponse(
            {"code": "gatt_payload", "message": _("Dati del dispositivo illeggibili.")},
            status=422,
        )
    try:
        outcome = services.reading_record_device(
            patient=_me(request), characteristic=characteristic, payload=payload
        )
    except CorsiaError as error:
        return JsonResponse({"code": error.code, "message": error.message}, status=error.status)
    if outcome.doubts:
        target = reverse("telemonitoring:portal_confirm", args=[outcome.measurement])
    else:
        target = reverse("telemonitoring:portal_home")
    return JsonResponse(
        {
            "next": target,
            "values": [
                {"parameter": r.parameter, "value": f"{r.value.normalize():f}"}
                for r in outcome.readings
            ],
            "to_confirm": bool(outcome.doubts),
        }
    )


@portal_login_required
def confirm(request: HttpRequest, measurement: uuid.UUID) -> HttpResponse:
    me = _me(request)
    if request.method == "POST":
        choice = request.POST.get("decision", "")
        try:
            if choice not in {"confirm", "reject"}:
                raise ValidationFailed("Scegli se il valore è giusto.", code="decision_required")
            services.reading_decide(
                patient=me, measurement=measurement, confirm=choice == "confirm"
            )
        except CorsiaError as error:
            messages.error(request, error.message)
            return redirect("telemonitoring:portal_home")
        messages.success(
            request,
            _("Valore confermato.") if choice == "confirm" else _("Valore scartato."),
        )
        return redirect("telemonitoring:portal_home")
    readings = selectors.own_measurement(patient=me, measurement=measurement)
    if not readings:
        return render(request, "telemonitoring/portal/not_found.html", status=404)
    return render(
        request,
        "telemonitoring/portal/confirm.html",
        {"readings": readings, "labels": LABELS, "units": UNITS, "measurement": measurement},
    )


@portal_login_required
def diary(request: HttpRequest) -> HttpResponse:
    form = questionnaire(SYMPTOM_DIARY)
    context: dict[str, Any] = {
        "form": form,
        "rows": [(item, "") for item in form.items],
        "refused": None,
    }
    if request.method == "POST":
        answers = {i.link_id: request.POST.get(i.link_id, "")[:20] for i in form.items}
        try:
            outcome = services.diary_submit(patient=_me(request), answers=answers)
        except CorsiaError as error:
            context.update(
                rows=[(item, answers.get(item.link_id, "")) for item in form.items],
                refused={"message": error.message, "field": error.field},
            )
            return render(request, "telemonitoring/portal/diary.html", context, status=error.status)
        return render(request, "telemonitoring/portal/diary_done.html", {"outcome": outcome})
    return render(request, "telemonitoring/portal/diary.html", context)
