"""UFA pages: work plan, order validation, the preparation at the hood, vial plan,
leftovers, exposure register, check-out. Thin: selectors to read, services to write;
a service's refusal becomes the page's message (``corsia.core.refusals``), a missing
preparation, order or check-out the 404 page (the refusal middleware)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from corsia.compounding import documents, selectors, services
from corsia.compounding.domain.product import it_number
from corsia.compounding.domain.transport import MAX_LOGGER_BYTES
from corsia.compounding.domain.workflow import PrepState, preparation_id_from_label
from corsia.compounding.hood_panel import DONE_AT_THE_HOOD, hood_panel
from corsia.compounding.models import Preparation
from corsia.compounding.services import PREPARE, RELEASE, VALIDATE, VIEW
from corsia.core.access import require_perm
from corsia.core.actors import require_permission
from corsia.core.domain.errors import ValidationFailed
from corsia.core.domain.files import ensure_file_size
from corsia.core.paging import paginate
from corsia.core.read_together import ReadPart, read_parts
from corsia.core.refusals import refusal_kept, refusals_as_messages
from corsia.core.web import (
    acting,
    parse_id,
    posted_decimal,
    request_actor,
    request_workstation,
    viewing,
)
from corsia.drugs.services_pack_market import pack_market
from corsia.prescribing.pharmacist_review import pharmacist_review, pharmacist_review_read


def _day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _expiry(raw: str) -> date | None:
    """The expiry typed beside a scanned pack (empty: the barcode carries it)."""
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise ValidationFailed("Data di scadenza non valida.", field="expiry") from None


def _csv_bytes(upload: UploadedFile | None) -> bytes:
    """The data logger's file, refused by its size before it is read."""
    if upload is None:
        raise ValidationFailed("Scegliere il file CSV del registratore.", field="csv")
    ensure_file_size(upload.size or 0, MAX_LOGGER_BYTES, field="csv")
    content: bytes = upload.read()
    return content


def _plan_context(request: HttpRequest) -> dict[str, Any]:
    day = _day(request.GET.get("day"))
    filters = {
        k: request.GET.get(k, "").strip() for k in ("ward", "regimen", "ingredient", "patient")
    }
    rows = selectors.workplan_view(
        user=request_actor(request), day=day, workstation=request_workstation(request), **filters
    )
    return {"day": day, "filters": filters, "rows": rows}


@require_perm(VIEW)
def workplan(request: HttpRequest) -> HttpResponse:
    context = _plan_context(request) | {
        "sessions": selectors.sessions(
            user=request_actor(request), day=_day(request.GET.get("day"))
        ),
        "hoods": selectors.hoods(),
        "technicians": selectors.technicians(),
    }
    return render(request, "compounding/workplan.html", context)


@require_perm(VIEW)
def workplan_rows(request: HttpRequest) -> HttpResponse:
    return render(request, "compounding/partials/workplan_rows.html", _plan_context(request))


@require_perm(VIEW)
def scan_label(request: HttpRequest) -> HttpResponse:
    """The work plan's scan field: a preparation label opens the preparation."""
    pk = preparation_id_from_label(request.GET.get("code", ""))
    if pk is None:
        messages.error(request, "Codice non riconosciuto: leggere l'etichetta della preparazione.")
        return redirect("compounding:workplan")
    return redirect("compounding:preparation", preparation_id=pk)


@require_perm(VIEW)
def order_page(request: HttpRequest, order_id: int) -> HttpResponse:
    """The pharmacist's validation page. The order and its lines (two queries), then the
    review's reads and the preparations in one statement (``corsia.core.read_together``,
    issue 27); the order and the toxicity summary are logged, a row each."""
    order = selectors.order_for_pharmacy(**viewing(request), order_id=order_id, for_review=True)
    actor = request_actor(request)
    reads, preparations = read_parts(
        [
            pharmacist_review_read(user=actor, order=order),
            ReadPart(querysets=(selectors.order_preparations(order),), decode=lambda rows: rows[0]),
        ]
    )
    review = pharmacist_review(
        user=actor, order=order, workstation=request_workstation(request), reads=reads
    )
    holds = services.order_pgx_holds(order)
    return render(
        request,
        "compounding/order.html",
        {
            "order": order,
            "review": review,
            "preparations": preparations,
            # bags of a drug with a late pharmacogenomic result: on hold, never discarded
            "pgx_holds": [
                (p, holds[p.order_item.ingredient_id])
                for p in preparations
                if p.order_item.ingredient_id in holds and p.state != "rejected"
            ],
            "may_validate": order.state == "sent_to_pharmacy" and actor.has_perm(VALIDATE),
            # taken in charge without its preparations (from the order page): create them
            "take_charge_pending": order.state == "validated"
            or (order.state == "taken_in_charge" and not preparations),
        },
    )


def _pgx_fields(request: HttpRequest) -> dict[str, Any]:
    """The pharmacist going past a pharmacogenomic result recorded after signing."""
    return {
        "pgx_override_reason": request.POST.get("pgx_override_reason", ""),
        "pgx_acknowledged": request.POST.get("pgx_acknowledged") == "yes",
    }


@require_perm(VALIDATE)
@require_POST
def order_action(request: HttpRequest, order_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    actor, workstation = request_actor(request), request_workstation(request)
    with refusals_as_messages(request, not_found_is_404=False):
        if action == "validate_item":
            services.order_item_validate(
                actor=actor,
                workstation=workstation,
                order_id=order_id,
                item_ids=[parse_id(request.POST.get("item_id")) or 0],
                **_pgx_fields(request),
            )
            messages.success(request, "Farmaco validato.")
        elif action == "validate_all":
            services.order_item_validate(
                actor=actor, workstation=workstation, order_id=order_id, **_pgx_fields(request)
            )
            messages.success(request, "Prescrizione validata.")
        elif action == "take_charge":
            created = services.order_take_charge(
                actor=actor, workstation=workstation, order_id=order_id
            )
            messages.success(request, f"Presa in carico: {len(created)} preparazioni create.")
        elif action == "return":
            services.order_return_to_prescriber(
                actor=actor,
                workstation=workstation,
                order_id=order_id,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, "Prescrizione restituita al prescrittore.")
        else:
            messages.error(request, "Azione sconosciuta.")
    return redirect("compounding:order", order_id=order_id)


@require_perm(VIEW)
def preparation_page(request: HttpRequest, preparation_id: int) -> HttpResponse:
    """The hood page. ``?codice=`` keeps a scanned code that lacks lot or expiry (a Code
    39 stamp) until they are typed: a scan is never lost."""
    prep = selectors.preparation_view(**viewing(request), preparation_id=preparation_id)
    pending = request.GET.get("codice", "")[:120].replace("\x00", "")
    return render(
        request,
        "compounding/preparation.html",
        {
            "prep": prep,
            "pgx_hold": services.preparation_pgx_hold(prep),
            "panel": hood_panel(user=request_actor(request), prep=prep, now=timezone.now()),
            "pending_code": pending,
            "pending_field": request.GET.get("campo", "") if pending else "",
            "vials": prep.vials.select_related("product", "leftover"),
            "weighings": prep.weighings.order_by("recorded_at"),
            "can_scan": prep.state
            in (PrepState.VALIDATED, PrepState.ASSIGNED, PrepState.IN_PROGRESS),
            "can_weigh": prep.state == PrepState.IN_PROGRESS,
            "can_weigh_before": prep.state
            in (PrepState.VALIDATED, PrepState.ASSIGNED, PrepState.IN_PROGRESS),
            "has_scale": bool(prep.hood and prep.hood.scale_url),
            "can_release": prep.state == PrepState.WEIGHED,
            "done_at_hood": prep.state in DONE_AT_THE_HOOD,
        },
    )


def _scan(request: HttpRequest, preparation_id: int) -> None:
    leftover = request.POST.get("leftover_id", "").strip()
    vial = services.preparation_scan(
        **acting(request),
        preparation_id=preparation_id,
        barcode=request.POST.get("barcode", ""),
        lot=request.POST.get("lot", ""),
        expiry=_expiry(request.POST.get("expiry", "").strip()),
        leftover_id=int(leftover) if leftover.isdigit() else None,
        withdrawn_override_reason=request.POST.get("withdrawn_override_reason", "")[:1000],
    )
    source = "residuo" if vial.leftover_id else "flacone"
    if vial.pack is not None and (warning := pack_market(vial.pack).shortage_warning()):
        messages.warning(request, warning)
    messages.success(
        request,
        f"{source.capitalize()} accettato: lotto {vial.lot}, scadenza "
        f"{vial.lot_expiry:%d/%m/%Y}, {it_number(vial.mg_drawn)} {vial.preparation.dose_unit} "
        f"= {it_number(vial.ml_drawn)} mL.",
    )


def _leftover(request: HttpRequest) -> None:
    """The volume left in a part-used vial, kept for reuse or thrown away."""
    waste = request.POST.get("waste") == "1"
    leftover = services.leftover_volume_record(
        **acting(request),
        leftover_id=parse_id(request.POST.get("leftover_id")) or 0,
        volume_ml=None if waste else posted_decimal(request.POST.get("volume_ml"), "volume_ml"),
        waste=waste,
    )
    if leftover.state == "open":
        messages.success(
            request,
            f"Residuo conservato: lotto {leftover.lot}, {it_number(leftover.volume_ml)} mL, "
            "utilizzabile "
            f"fino al {timezone.localtime(leftover.expires_at):%d/%m/%Y %H:%M}.",
        )
    else:
        messages.success(request, f"Residuo del lotto {leftover.lot} eliminato.")


def _weigh(request: HttpRequest, preparation_id: int, *, before: bool) -> None:
    """The bag weighed before the addition, or the gravimetric check after it."""
    from_scale = request.POST.get("from_scale") == "1"
    typed_g = None if from_scale else posted_decimal(request.POST.get("measured_g"), "measured_g")
    actor, workstation = request_actor(request), request_workstation(request)
    reason = request.POST.get("typed_reason", "")
    if before:
        prep = services.preparation_weigh_before(
            actor=actor,
            workstation=workstation,
            preparation_id=preparation_id,
            measured_g=typed_g,
            read_scale=from_scale,
            typed_reason=reason,
        )
        messages.success(request, f"Sacca prima dell'aggiunta: {prep.bag_before_g} g.")
    else:
        weighing = services.preparation_weigh(
            actor=actor,
            workstation=workstation,
            preparation_id=preparation_id,
            measured_g=typed_g,
            read_scale=from_scale,
            typed_reason=reason,
        )
        (messages.success if weighing.passed else messages.error)(request, weighing.message)


def _release_or_reject(request: HttpRequest, preparation_id: int, *, release: bool) -> None:
    actor = require_permission(
        request_actor(request), RELEASE, "Solo il farmacista può rilasciare o scartare."
    )
    if release:
        services.preparation_release(
            actor=actor, workstation=request_workstation(request), preparation_id=preparation_id
        )
        messages.success(request, "Preparazione rilasciata.")
    else:
        services.preparation_reject(
            actor=actor,
            workstation=request_workstation(request),
            preparation_id=preparation_id,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, "Preparazione scartata.")


@require_perm(PREPARE)
@require_POST
def preparation_action(request: HttpRequest, preparation_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    if action == "scan":
        with refusal_kept() as kept:
            _scan(request, preparation_id)
        if kept.error is not None:
            messages.error(request, kept.error.message)
            if kept.error.code == "lot_required":  # keep the code until lot and expiry come
                query = urlencode(
                    {"codice": request.POST.get("barcode", ""), "campo": kept.error.field or "lot"}
                )
                return redirect(
                    f"{reverse('compounding:preparation', args=[preparation_id])}?{query}"
                )
        return redirect("compounding:preparation", preparation_id=preparation_id)
    with refusals_as_messages(request, not_found_is_404=False):
        if action == "leftover":
            _leftover(request)
        elif action in ("weigh", "weigh_before"):
            _weigh(request, preparation_id, before=action == "weigh_before")
        elif action in ("release", "reject"):
            _release_or_reject(request, preparation_id, release=action == "release")
        else:
            messages.error(request, "Azione sconosciuta.")
    return redirect("compounding:preparation", preparation_id=preparation_id)


def _file(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _preparation_file(
    request: HttpRequest,
    preparation_id: int,
    render_file: Callable[[Preparation], bytes | str],
    content_type: str,
    name: str,
) -> HttpResponse:
    """A print of the preparation (``name`` formatted with its label code), read with the
    access log like the preparation page."""
    prep = selectors.preparation_view(**viewing(request), preparation_id=preparation_id)
    return _file(render_file(prep), content_type, name.format(code=prep.label_code))


def _archived_print(
    request: HttpRequest, render: Callable[..., bytes]
) -> Callable[[Preparation], bytes]:
    """A PDF printed through its editable template and archived (``documents``)."""
    return lambda prep: render(prep, **acting(request))


@require_perm(VIEW)
def label_pdf(request: HttpRequest, preparation_id: int) -> HttpResponse:
    return _preparation_file(
        request,
        preparation_id,
        _archived_print(request, documents.label_pdf),
        "application/pdf",
        "{code}.pdf",
    )


@require_perm(VIEW)
def label_zpl(request: HttpRequest, preparation_id: int) -> HttpResponse:
    return _preparation_file(
        request, preparation_id, documents.label_zpl, "text/plain; charset=utf-8", "{code}.zpl"
    )


@require_perm(VIEW)
def worksheet_pdf(request: HttpRequest, preparation_id: int) -> HttpResponse:
    return _preparation_file(
        request,
        preparation_id,
        _archived_print(request, documents.worksheet_pdf),
        "application/pdf",
        "foglio-{code}.pdf",
    )


@require_perm(VIEW)
def vial_plan(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("day") or request.POST.get("day"))
    summary = None
    if request.method == "POST":
        with refusals_as_messages(request, not_found_is_404=False):
            actor = require_permission(
                request_actor(request), VALIDATE, "Solo il farmacista pianifica i flaconi."
            )
            summary = services.vials_plan(
                actor=actor, workstation=request_workstation(request), day=day
            )
    rows = [
        r
        for r in selectors.workplan_view(
            **viewing(request),
            day=day,
        )
        if r.preparation is not None
    ]
    return render(request, "compounding/vials.html", {"day": day, "summary": summary, "rows": rows})


@require_perm(VALIDATE)
@require_POST
def session_open(request: HttpRequest) -> HttpResponse:
    day = _day(request.POST.get("day"))
    actor, workstation = request_actor(request), request_workstation(request)
    with refusals_as_messages(request, not_found_is_404=False):
        technician = selectors.user_find(user_id=parse_id(request.POST.get("technician")) or 0)
        if technician is None:
            raise ValidationFailed("Scegliere il tecnico.", field="technician")
        session = services.work_session_open(
            actor=actor,
            workstation=workstation,
            hood_id=parse_id(request.POST.get("hood")) or 0,
            technician=technician,
            day=day,
        )
        ids = [
            r.preparation.pk
            for r in selectors.workplan(user=actor, day=day)
            if r.preparation is not None and r.preparation.state == PrepState.VALIDATED
        ]
        if request.POST.get("assign_all") and ids:
            services.preparation_assign(
                actor=actor, workstation=workstation, preparation_ids=ids, session_id=session.pk
            )
        messages.success(request, f"Sessione aperta alla cappa {session.hood.code}.")
    return redirect(f"{reverse('compounding:workplan')}?day={day.isoformat()}")


LEFTOVERS_PAGE_SIZE = 50  # closed leftovers per page, the latest expiry first (issue 27)
EXPOSURES_PAGE_SIZE = 100  # exposures per page, the latest first (issue 27)


@require_perm(VIEW)
def leftovers(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    closed = paginate(request, selectors.leftovers_closed(user=user), page_size=LEFTOVERS_PAGE_SIZE)
    return render(
        request,
        "compounding/leftovers.html",
        {"leftovers": selectors.leftovers(user=user), "closed": closed},
    )


@require_perm(VIEW)
def exposures(request: HttpRequest) -> HttpResponse:
    paged = paginate(
        request, selectors.exposures(user=request_actor(request)), page_size=EXPOSURES_PAGE_SIZE
    )
    return render(request, "compounding/exposures.html", {"records": paged.page, "paged": paged})


@require_perm(VIEW)
def checkout_page(request: HttpRequest, order_id: int) -> HttpResponse:
    day = _day(request.GET.get("day") or request.POST.get("day"))
    if request.method == "POST":
        with refusals_as_messages(request, not_found_is_404=False):
            actor = require_permission(
                request_actor(request), PREPARE, "Non hai il permesso di fare il check-out."
            )
            checkout = services.checkout_record(
                actor=actor,
                workstation=request_workstation(request),
                order_id=order_id,
                day=day,
                label_codes=request.POST.get("labels", "").split(),
                delivery_document=request.POST.get("delivery_document", ""),
            )
            messages.success(request, "Sacchetto paziente completo: consegnato al reparto.")
            return redirect("compounding:checkout_done", checkout_id=checkout.pk)
    order = selectors.order_for_pharmacy(
        **viewing(request),
        order_id=order_id,
    )
    preps = [p for p in selectors.order_preparations(order) if p.scheduled_date == day]
    return render(
        request,
        "compounding/checkout.html",
        {"order": order, "day": day, "preps": preps, "labels": request.POST.get("labels", "")},
    )


@require_perm(VIEW)
def checkout_done(request: HttpRequest, checkout_id: int) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") in ("release", "reject"):
        return _transport_decision(request, checkout_id)
    if request.method == "POST" and request.user.has_perm(PREPARE):
        checkout = selectors.checkout_get(user=request_actor(request), checkout_id=checkout_id)
        with refusals_as_messages(request, not_found_is_404=False):
            upload = request.FILES.get("csv")
            log = services.transport_import(
                **acting(request),
                checkout_id=checkout.pk,
                file_name=(upload.name if upload is not None else "") or "trasporto.csv",
                content=_csv_bytes(upload),
            )
            (messages.success if not log.excursions else messages.error)(
                request,
                f"Trasporto: {len(log.readings)} letture, min {log.minimum_c} °C, max "
                f"{log.maximum_c} °C, {log.excursions} fuori limite "
                f"({log.minutes_outside} min fuori intervallo).",
            )
        return redirect("compounding:checkout_done", checkout_id=checkout.pk)
    checkout = selectors.checkout_view(
        **viewing(request),
        checkout_id=checkout_id,
        what="check-out",
    )
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
def bag_label_pdf(request: HttpRequest, checkout_id: int) -> HttpResponse:
    checkout = selectors.checkout_view(
        **viewing(request),
        checkout_id=checkout_id,
        what="etichetta del sacchetto del check-out",
    )
    return _file(
        documents.bag_label_pdf(checkout, **acting(request)),
        "application/pdf",
        f"sacchetto-{checkout.pk}.pdf",
    )


def _transport_decision(request: HttpRequest, checkout_id: int) -> HttpResponse:
    """The pharmacist's decision after a transport excursion: release or reject, reasoned."""
    with refusals_as_messages(request, not_found_is_404=False):
        actor = require_permission(
            request_actor(request), RELEASE, "Non hai il permesso di decidere sul trasporto."
        )
        decide = (
            services.transport_excursion_release
            if request.POST.get("action") == "release"
            else services.transport_excursion_reject
        )
        decide(
            actor=actor,
            workstation=request_workstation(request),
            transport_id=parse_id(request.POST.get("transport")) or 0,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, "Decisione del farmacista registrata.")
    return redirect("compounding:checkout_done", checkout_id=checkout_id)
