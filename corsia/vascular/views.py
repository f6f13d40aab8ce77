"""Pages of the venous access register: the ward's devices in place (and the requests
waiting), a patient's devices with the insertion and request forms, one device with its
care, complications, removal and corrections, the statistics with their CSV. Thin: parse,
call the service or selector, render. A refusal re-renders the page with the Italian
message beside the form (422, or 409 for a stale version or a removed device)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.core.paging import paginate
from corsia.core.refusals import refusal_kept
from corsia.core.web import (
    acting,
    posted_date,
    posted_decimal,
    posted_int,
    posted_moment,
    posted_version,
    viewing,
)
from corsia.core.web import request_actor as _actor
from corsia.core.web import request_workstation as _ws
from corsia.patients.selectors import care_wards, patient_get
from corsia.vascular import selectors, services
from corsia.vascular.chart import bars
from corsia.vascular.domain import codes
from corsia.vascular.permissions import RECORD, VIEW

NUMBER = "Valore numerico non valido."
PAGE_SIZE = 50  # devices per page of the ward's list, what needs doing first


def _optional_int(raw: str | None, field: str) -> int | None:
    return None if not (raw or "").strip() else posted_int(raw, 0, field, NUMBER)


def _choices() -> dict[str, Any]:
    return {
        "device_types": codes.DeviceType.labels_it().items(),
        "indications": codes.Indication.labels_it().items(),
        "veins": codes.Vein.labels_it().items(),
        "sides": codes.Side.labels_it().items(),
        "tip_locations": codes.TipLocation.labels_it().items(),
        "incidents": codes.Incident.labels_it().items(),
        "care_kinds": codes.CareKind.labels_it().items(),
        "dressings": codes.Dressing.labels_it().items(),
        "complications": codes.Complication.labels_it().items(),
        "certainties": codes.Certainty.labels_it().items(),
        "removal_reasons": codes.RemovalReason.labels_it().items(),
    }


def _render_refused(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    error: CorsiaError,
    form: str,
    *,
    event_id: int | None = None,
) -> HttpResponse:
    if error.status == 404:
        raise Http404
    context["refused"] = {
        "form": form,
        "message": error.message,
        "code": error.code,
        "event": event_id,
    }
    context["values"] = {k: v[:2000] for k, v in request.POST.items()}
    return render(request, template, context, status=error.status)


# --- the ward's list ---------------------------------------------------------------------------


@require_perm(VIEW)
def ward_list(request: HttpRequest) -> HttpResponse:
    ward = request.GET.get("ward", "").strip()[:20]
    user, ws = _actor(request), _ws(request)
    # paged (issue 27): every device reachable, what needs doing first (before: 500 at most)
    in_place = paginate(
        request, selectors.ward_devices_sorted(user=user, ward_code=ward), page_size=PAGE_SIZE
    )
    planned = paginate(
        request,
        selectors.ward_devices_sorted(user=user, ward_code=ward, state="planned"),
        param="planned_page",
        page_size=PAGE_SIZE,
    )
    shown = selectors.ward_devices_shown(
        user=user, views=[*in_place.page, *planned.page], workstation=ws
    )
    return render(
        request,
        "vascular/list.html",
        {
            "wards": care_wards(),
            "ward": ward,
            "in_place": shown[: len(in_place.page)],
            "planned": shown[len(in_place.page) :],
            "paged_in_place": in_place,
            "paged_planned": planned,
            "today": timezone.localdate(),
        },
    )


# --- a patient's devices -----------------------------------------------------------------------


def _patient_context(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    patient = patient_get(user=_actor(request), patient_id=patient_id)
    return {
        "patient": patient,
        "devices": selectors.patient_devices(
            **viewing(request),
            patient_id=patient.pk,
        ),
        "may_record": request.user.has_perm(RECORD),
        "values": {},
        "refused": {},
        **_choices(),
    }


@require_perm(VIEW)
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    context = _patient_context(request, patient_id)
    if context["patient"].pk != patient_id:
        return redirect("vascular:patient", patient_id=context["patient"].pk)
    return render(request, "vascular/patient.html", context)


def _insertion(request: HttpRequest) -> services.InsertionInput:
    post = request.POST
    return services.InsertionInput(
        device_type=post.get("device_type", "")[:20],
        indication=post.get("indication", "")[:20],
        lumens=posted_int(post.get("lumens"), 1, "lumens", NUMBER),
        size=posted_decimal(post.get("size"), "size"),
        size_unit=post.get("size_unit", "")[:2],
        vein=post.get("vein", "")[:20],
        side=post.get("side", "")[:10],
        tip_location=post.get("tip_location", "")[:20],
        attempts=posted_int(post.get("attempts"), 1, "attempts", NUMBER),
        length_cm=posted_decimal(post.get("length_cm"), "length_cm"),
        brand=post.get("brand", "")[:120],
        lot=post.get("lot", "")[:60],
        ultrasound_guided=post.get("ultrasound_guided") == "1",
        tip_confirmed=post.get("tip_confirmed") == "1",
        operator=post.get("operator", "")[:150],
        incidents=tuple(i[:40] for i in post.getlist("incidents")[:10]),
        incident_note=post.get("incident_note", "")[:4000],
        planned_dwell_days=_optional_int(post.get("planned_dwell_days"), "planned_dwell_days"),
        inserted_at=posted_moment(post.get("inserted_at"), "inserted_at"),
    )


@require_perm(RECORD)
@require_POST
def insert(request: HttpRequest, patient_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        device = services.device_insert(
            **acting(request), patient_id=patient_id, data=_insertion(request)
        )
        messages.success(request, _("Inserimento registrato."))
        return redirect("vascular:device", device_id=device.pk)
    assert kept.error is not None
    context = _patient_context(request, patient_id)
    return _render_refused(request, "vascular/patient.html", context, kept.error, "insert")


@require_perm(RECORD)
@require_POST
def request_device(request: HttpRequest, patient_id: int) -> HttpResponse:
    post = request.POST
    with refusal_kept() as kept:
        services.device_request(
            **acting(request),
            patient_id=patient_id,
            data=services.RequestInput(
                device_type=post.get("device_type", "")[:20],
                indication=post.get("indication", "")[:20],
                planned_dwell_days=_optional_int(
                    post.get("planned_dwell_days"), "planned_dwell_days"
                ),
                note=post.get("note", "")[:4000],
            ),
        )
        messages.success(request, _("Richiesta di impianto registrata."))
        return redirect("vascular:patient", patient_id=patient_id)
    assert kept.error is not None
    context = _patient_context(request, patient_id)
    return _render_refused(request, "vascular/patient.html", context, kept.error, "request")


# --- one device --------------------------------------------------------------------------------


def _device_context(request: HttpRequest, device_id: int) -> dict[str, Any]:
    view = selectors.device_get(
        **viewing(request),
        device_id=device_id,
    )
    return {
        "view": view,
        "device": view.device,
        "history": selectors.device_history(device=view.device),
        "may_record": request.user.has_perm(RECORD),
        "now": timezone.localtime(),
        "values": {},
        "refused": {},
        **_choices(),
    }


@require_perm(VIEW)
def device_page(request: HttpRequest, device_id: int) -> HttpResponse:
    return render(request, "vascular/device.html", _device_context(request, device_id))


def _device_act(
    request: HttpRequest,
    device_id: int,
    form: str,
    act: Callable[[], object],
    done: str,
    *,
    event_id: int | None = None,
) -> HttpResponse:
    with refusal_kept() as kept:
        act()
        messages.success(request, done)
        return redirect("vascular:device", device_id=device_id)
    assert kept.error is not None
    if kept.error.code == "device_not_found":
        raise Http404
    context = _device_context(request, device_id)
    return _render_refused(
        request, "vascular/device.html", context, kept.error, form, event_id=event_id
    )


@require_perm(RECORD)
@require_POST
def insert_planned(request: HttpRequest, device_id: int) -> HttpResponse:
    return _device_act(
        request, device_id, "insert",
        lambda: services.device_insert(
            **acting(request), device_id=device_id, expected_version=posted_version(request),
            data=_insertion(request),
        ),
        _("Inserimento registrato."),
    )  # fmt: skip


@require_perm(RECORD)
@require_POST
def cancel(request: HttpRequest, device_id: int) -> HttpResponse:
    return _device_act(
        request, device_id, "cancel",
        lambda: services.device_request_cancel(
            **acting(request), device_id=device_id, expected_version=posted_version(request),
            reason=request.POST.get("reason", "")[:2000],
        ),
        _("Richiesta annullata."),
    )  # fmt: skip


@require_perm(RECORD)
@require_POST
def care(request: HttpRequest, device_id: int) -> HttpResponse:
    post = request.POST

    def act() -> object:
        return services.care_record(
            **acting(request),
            device_id=device_id,
            data=services.CareInput(
                kind=post.get("kind", "")[:20],
                occurred_at=posted_moment(post.get("occurred_at"), "occurred_at"),
                vip=_optional_int(post.get("vip"), "vip"),
                dressing=post.get("dressing", "")[:20],
                solution=post.get("solution", "")[:100],
                volume_ml=posted_decimal(post.get("volume_ml"), "volume_ml"),
                note=post.get("note", "")[:4000],
            ),
        )

    return _device_act(request, device_id, "care", act, _("Gestione registrata."))


@require_perm(RECORD)
@require_POST
def complication(request: HttpRequest, device_id: int) -> HttpResponse:
    post = request.POST
    return _device_act(
        request, device_id, "complication",
        lambda: services.complication_record(
            **acting(request), device_id=device_id,
            data=services.ComplicationInput(
                kind=post.get("kind", "")[:20],
                occurred_at=posted_moment(post.get("occurred_at"), "occurred_at"),
                certainty=post.get("certainty", "confirmed")[:20],
                note=post.get("note", "")[:4000],
            ),
        ),
        _("Complicanza registrata."),
    )  # fmt: skip


@require_perm(RECORD)
@require_POST
def removal(request: HttpRequest, device_id: int) -> HttpResponse:
    post = request.POST
    return _device_act(
        request, device_id, "removal",
        lambda: services.device_remove(
            **acting(request), device_id=device_id, expected_version=posted_version(request),
            data=services.RemovalInput(
                reason=post.get("reason", "")[:30],
                removed_at=posted_moment(post.get("removed_at"), "removed_at"),
                note=post.get("note", "")[:4000],
                tip_culture_sent=post.get("tip_culture_sent") == "1",
            ),
        ),
        _("Rimozione registrata."),
    )  # fmt: skip


@require_perm(RECORD)
@require_POST
def correct(request: HttpRequest, event_id: int) -> HttpResponse:
    post = request.POST
    device_id = posted_int(post.get("device"), 0, "device", NUMBER)
    return _device_act(
        request, device_id, "correct",
        lambda: services.event_correct(
            **acting(request), event_id=event_id, reason=post.get("reason", "")[:2000],
            occurred_at=posted_moment(post.get("occurred_at"), "occurred_at"),
            certainty=post.get("certainty", "")[:20],
            entered_in_error=post.get("entered_in_error") == "1",
        ),
        _("Correzione registrata."),
        event_id=event_id,
    )  # fmt: skip


# --- statistics --------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        end = posted_date(request.GET.get("end"), "end") or today
        start = posted_date(request.GET.get("start"), "start") or end - timedelta(days=89)
    except ValidationFailed:
        return today - timedelta(days=89), today
    return start, end


@require_perm(VIEW)
def statistics_page(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    context: dict[str, Any] = {"start": start, "end": end, "stats": None, "error": ""}
    with refusal_kept() as kept:
        stats = selectors.register_statistics(user=_actor(request), start=start, end=end)
        context["stats"] = stats
        context["groups"] = [
            (_("Per tipo di accesso"), "type", [(selectors.type_label(f.key), f) for f in stats.by_type]),
            (_("Per operatore"), "operator", [(f.key, f) for f in stats.by_operator]),
            (_("Per materiale (marca)"), "brand", [(f.key, f) for f in stats.by_brand]),
        ]  # fmt: skip
        context["chart"] = bars(
            [(selectors.type_label(f.key), f.rate or Decimal(0)) for f in stats.by_type]
        )
    if kept.error is not None:
        context["error"] = kept.error.message
    return render(request, "vascular/statistics.html", context)


def _blank(value: Decimal | None) -> object:
    """An empty cell for a figure that cannot be computed (no catheter-day); 0 stays 0."""
    return "" if value is None else value


@require_perm(VIEW)
def statistics_csv(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    stats = selectors.register_statistics(user=_actor(request), start=start, end=end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="accessi-vascolari-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    )
    writer = csv.writer(response, delimiter=";")
    writer.writerow([
        "gruppo", "chiave", "accessi", "giorni_catetere", "complicanze", "complicanze_per_1000",
        "crbsi_confermate", "crbsi_sospette", "crbsi_per_1000", "rimossi", "permanenza_mediana",
    ])  # fmt: skip
    rows = [("totale", stats.total)]
    rows += [("tipo", f) for f in stats.by_type] + [("operatore", f) for f in stats.by_operator]
    rows += [("materiale", f) for f in stats.by_brand]
    for group, f in rows:
        writer.writerow([
            group, f.key, f.devices, f.catheter_days, f.complications, _blank(f.rate),
            f.crbsi_confirmed, f.crbsi_suspected, _blank(f.crbsi_rate), f.removed,
            _blank(f.median_dwell_days),
        ])  # fmt: skip
    return response
