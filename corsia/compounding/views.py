"""UFA pages: work plan, order validation, the preparation at the hood, vial plan,
leftovers, exposure register, check-out. Thin: selectors to read, services to write."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from corsia.accounts.models import User
from corsia.compounding import documents, selectors, services
from corsia.compounding.domain.workflow import PrepState
from corsia.compounding.services import PREPARE, RELEASE, VALIDATE, VIEW
from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, NotFound, ValidationFailed
from corsia.core.web import posted_decimal as _decimal
from corsia.core.web import request_workstation as _ws

F = TypeVar("F", bound=Callable[..., HttpResponse])


def _found(view: F) -> F:
    """A missing preparation, order or check-out is a 404 page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper  # type: ignore[return-value]  # same signature as the wrapped view


def _day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _plan_context(request: HttpRequest) -> dict[str, Any]:
    day = _day(request.GET.get("day"))
    filters = {
        k: request.GET.get(k, "").strip() for k in ("ward", "regimen", "ingredient", "patient")
    }
    rows = selectors.workplan(user=request.user, day=day, **filters)
    return {"day": day, "filters": filters, "rows": rows}


@require_perm(VIEW)
def workplan(request: HttpRequest) -> HttpResponse:
    context = _plan_context(request) | {
        "sessions": selectors.sessions(user=request.user, day=_day(request.GET.get("day"))),
        "hoods": selectors.hoods(),
        "technicians": User.objects.filter(groups__name="technician", is_active=True),
    }
    return render(request, "compounding/workplan.html", context)


@require_perm(VIEW)
def workplan_rows(request: HttpRequest) -> HttpResponse:
    return render(request, "compounding/partials/workplan_rows.html", _plan_context(request))


@require_perm(VIEW)
def scan_label(request: HttpRequest) -> HttpResponse:
    """The work plan's scan field: a preparation label opens the preparation."""
    from corsia.compounding.domain.workflow import preparation_id_from_label

    pk = preparation_id_from_label(request.GET.get("code", ""))
    if pk is None:
        messages.error(request, "Codice non riconosciuto: leggere l'etichetta della preparazione.")
        return redirect("compounding:workplan")
    return redirect("compounding:preparation", preparation_id=pk)


@require_perm(VIEW)
@_found
def order_page(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_for_pharmacy(
        user=request.user, order_id=order_id, workstation=_ws(request)
    )
    return render(
        request,
        "compounding/order.html",
        {
            "order": order,
            "items": services.pharmacy_items(order),
            "preparations": selectors.order_preparations(order),
        },
    )


@require_perm(VALIDATE)
@require_POST
def order_action(request: HttpRequest, order_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "validate_item":
            services.order_item_validate(
                actor=request.user,
                workstation=_ws(request),
                order_id=order_id,
                item_ids=[int(request.POST.get("item_id", "0") or 0)],
            )
            messages.success(request, "Farmaco validato.")
        elif action == "validate_all":
            services.order_item_validate(
                actor=request.user, workstation=_ws(request), order_id=order_id
            )
            messages.success(request, "Prescrizione validata.")
        elif action == "take_charge":
            created = services.order_take_charge(
                actor=request.user, workstation=_ws(request), order_id=order_id
            )
            messages.success(request, f"Presa in carico: {len(created)} preparazioni create.")
        elif action == "return":
            services.order_return_to_prescriber(
                actor=request.user,
                workstation=_ws(request),
                order_id=order_id,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, "Prescrizione restituita al prescrittore.")
        else:
            messages.error(request, "Azione sconosciuta.")
    except CorsiaError as exc:
        messages.error(request, exc.message)
    return redirect("compounding:order", order_id=order_id)


@require_perm(VIEW)
@_found
def preparation_page(request: HttpRequest, preparation_id: int) -> HttpResponse:
    prep = selectors.preparation_view(
        user=request.user, preparation_id=preparation_id, workstation=_ws(request)
    )
    return render(
        request,
        "compounding/preparation.html",
        {
            "prep": prep,
            "vials": prep.vials.select_related("product", "leftover"),
            "weighings": prep.weighings.order_by("recorded_at"),
            "can_scan": prep.state
            in (PrepState.VALIDATED, PrepState.ASSIGNED, PrepState.IN_PROGRESS),
            "can_weigh": prep.state == PrepState.IN_PROGRESS,
            "can_weigh_before": prep.state
            in (PrepState.VALIDATED, PrepState.ASSIGNED, PrepState.IN_PROGRESS),
            "has_scale": bool(prep.hood and prep.hood.scale_url),
            "can_release": prep.state == PrepState.WEIGHED,
        },
    )


@require_perm(PREPARE)
@require_POST
def preparation_action(request: HttpRequest, preparation_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "scan":
            leftover = request.POST.get("leftover_id", "").strip()
            expiry_raw = request.POST.get("expiry", "").strip()
            vial = services.preparation_scan(
                actor=request.user,
                workstation=_ws(request),
                preparation_id=preparation_id,
                barcode=request.POST.get("barcode", ""),
                lot=request.POST.get("lot", ""),
                expiry=date.fromisoformat(expiry_raw) if expiry_raw else None,
                leftover_id=int(leftover) if leftover.isdigit() else None,
            )
            messages.success(
                request, f"Flacone accettato: lotto {vial.lot}, {vial.mg_drawn.normalize():f} mg."
            )
        elif action in ("weigh", "weigh_before"):
            from_scale = request.POST.get("from_scale") == "1"
            typed_g = None if from_scale else _decimal(request.POST.get("measured_g"), "measured_g")
            reason = request.POST.get("typed_reason", "")
            if action == "weigh_before":
                prep = services.preparation_weigh_before(
                    actor=request.user,
                    workstation=_ws(request),
                    preparation_id=preparation_id,
                    measured_g=typed_g,
                    read_scale=from_scale,
                    typed_reason=reason,
                )
                messages.success(request, f"Sacca prima dell'aggiunta: {prep.bag_before_g} g.")
            else:
                weighing = services.preparation_weigh(
                    actor=request.user,
                    workstation=_ws(request),
                    preparation_id=preparation_id,
                    measured_g=typed_g,
                    read_scale=from_scale,
                    typed_reason=reason,
                )
                (messages.success if weighing.passed else messages.error)(request, weighing.message)
        elif action in ("release", "reject"):
            if not request.user.has_perm(RELEASE):
                messages.error(request, "Solo il farmacista può rilasciare o scartare.")
            elif action == "release":
                services.preparation_release(
                    actor=request.user, workstation=_ws(request), preparation_id=preparation_id
                )
                messages.success(request, "Preparazione rilasciata.")
            else:
                services.preparation_reject(
                    actor=request.user,
                    workstation=_ws(request),
                    preparation_id=preparation_id,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "Preparazione scartata.")
        else:
            messages.error(request, "Azione sconosciuta.")
    except ValueError:
        messages.error(request, "Data di scadenza non valida.")
    except CorsiaError as exc:
        messages.error(request, exc.message)
    return redirect("compounding:preparation", preparation_id=preparation_id)


def _file(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_perm(VIEW)
@_found
def label_pdf(request: HttpRequest, preparation_id: int) -> HttpResponse:
    prep = selectors.preparation_view(
        user=request.user, preparation_id=preparation_id, workstation=_ws(request)
    )
    return _file(documents.label_pdf(prep), "application/pdf", f"{prep.label_code}.pdf")


@require_perm(VIEW)
@_found
def label_zpl(request: HttpRequest, preparation_id: int) -> HttpResponse:
    prep = selectors.preparation_view(
        user=request.user, preparation_id=preparation_id, workstation=_ws(request)
    )
    return _file(documents.label_zpl(prep), "text/plain; charset=utf-8", f"{prep.label_code}.zpl")


@require_perm(VIEW)
@_found
def worksheet_pdf(request: HttpRequest, preparation_id: int) -> HttpResponse:
    prep = selectors.preparation_view(
        user=request.user, preparation_id=preparation_id, workstation=_ws(request)
    )
    return _file(documents.worksheet_pdf(prep), "application/pdf", f"foglio-{prep.label_code}.pdf")


@require_perm(VIEW)
def vial_plan(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("day") or request.POST.get("day"))
    summary = None
    if request.method == "POST":
        if not request.user.has_perm(VALIDATE):
            messages.error(request, "Solo il farmacista pianifica i flaconi.")
        else:
            try:
                summary = services.vials_plan(actor=request.user, workstation=_ws(request), day=day)
            except CorsiaError as exc:
                messages.error(request, exc.message)
    rows = [r for r in selectors.workplan(user=request.user, day=day) if r.preparation is not None]
    return render(request, "compounding/vials.html", {"day": day, "summary": summary, "rows": rows})


@require_perm(VALIDATE)
@require_POST
def session_open(request: HttpRequest) -> HttpResponse:
    day = _day(request.POST.get("day"))
    try:
        technician = User.objects.filter(pk=int(request.POST.get("technician", "0") or 0)).first()
        if technician is None:
            raise ValidationFailed("Scegliere il tecnico.", field="technician")
        session = services.work_session_open(
            actor=request.user,
            workstation=_ws(request),
            hood_id=int(request.POST.get("hood", "0") or 0),
            technician=technician,
            day=day,
        )
        ids = [
            r.preparation.pk
            for r in selectors.workplan(user=request.user, day=day)
            if r.preparation is not None and r.preparation.state == PrepState.VALIDATED
        ]
        if request.POST.get("assign_all") and ids:
            services.preparation_assign(
                actor=request.user,
                workstation=_ws(request),
                preparation_ids=ids,
                session_id=session.pk,
            )
        messages.success(request, f"Sessione aperta alla cappa {session.hood.code}.")
    except CorsiaError as exc:
        messages.error(request, exc.message)
    return redirect(f"{_workplan_url()}?day={day.isoformat()}")


def _workplan_url() -> str:
    from django.urls import reverse

    return reverse("compounding:workplan")


@require_perm(VIEW)
def leftovers(request: HttpRequest) -> HttpResponse:
    return render(
        request, "compounding/leftovers.html", {"leftovers": selectors.leftovers(user=request.user)}
    )


@require_perm(VIEW)
def exposures(request: HttpRequest) -> HttpResponse:
    return render(
        request, "compounding/exposures.html", {"records": selectors.exposures(user=request.user)}
    )


@require_perm(VIEW)
@_found
def checkout_page(request: HttpRequest, order_id: int) -> HttpResponse:
    day = _day(request.GET.get("day") or request.POST.get("day"))
    if request.method == "POST":
        if not request.user.has_perm(PREPARE):
            messages.error(request, "Non hai il permesso di fare il check-out.")
        else:
            try:
                checkout = services.checkout_record(
                    actor=request.user,
                    workstation=_ws(request),
                    order_id=order_id,
                    day=day,
                    label_codes=request.POST.get("labels", "").split(),
                    delivery_document=request.POST.get("delivery_document", ""),
                )
            except CorsiaError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Sacchetto paziente completo: consegnato al reparto.")
                return redirect("compounding:checkout_done", checkout_id=checkout.pk)
    order = selectors.order_for_pharmacy(
        user=request.user, order_id=order_id, workstation=_ws(request)
    )
    preps = [p for p in selectors.order_preparations(order) if p.scheduled_date == day]
    return render(
        request,
        "compounding/checkout.html",
        {"order": order, "day": day, "preps": preps, "labels": request.POST.get("labels", "")},
    )


@require_perm(VIEW)
@_found
def checkout_done(request: HttpRequest, checkout_id: int) -> HttpResponse:
    checkout = selectors.checkout_get(user=request.user, checkout_id=checkout_id)
    if request.method == "POST" and request.user.has_perm(PREPARE):
        upload = request.FILES.get("csv")
        try:
            if upload is None:
                raise ValidationFailed("Scegliere il file CSV del registratore.", field="csv")
            log = services.transport_import(
                actor=request.user,
                workstation=_ws(request),
                checkout_id=checkout.pk,
                file_name=upload.name or "trasporto.csv",
                content=upload.read().decode("utf-8-sig"),
            )
            (messages.success if not log.excursions else messages.error)(
                request,
                f"Trasporto: {len(log.readings)} letture, min {log.minimum_c} °C, max "
                f"{log.maximum_c} °C, {log.excursions} fuori limite.",
            )
        except (CorsiaError, UnicodeDecodeError) as exc:
            messages.error(request, getattr(exc, "message", "File non leggibile (UTF-8)."))
        return redirect("compounding:checkout_done", checkout_id=checkout.pk)
    return render(
        request,
        "compounding/checkout_done.html",
        {
            "c": checkout,
            "preps": checkout.preparations.select_related("order_item__ingredient"),
            "transports": checkout.transports.all(),
        },
    )


@require_perm(VIEW)
@_found
def bag_label_pdf(request: HttpRequest, checkout_id: int) -> HttpResponse:
    checkout = selectors.checkout_get(user=request.user, checkout_id=checkout_id)
    return _file(
        documents.bag_label_pdf(checkout), "application/pdf", f"sacchetto-{checkout.pk}.pdf"
    )
