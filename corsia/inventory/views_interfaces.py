"""The procurement and accounting interfaces' pages: goods receipts from the hospital's
procurement system (upload → preview, each line matched to a pack or flagged → confirm)
and the consumption export by cost centre (CSV, JSON). Thin: ``services`` decide."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError, ValidationFailed
from corsia.core.domain.files import ensure_file_size
from corsia.core.refusals import refusal_kept
from corsia.core.web import acting, request_actor
from corsia.inventory import selectors, services
from corsia.inventory.domain.accounting import consumption_json
from corsia.inventory.domain.procurement import MAX_FILE_BYTES

VIEW = "inventory.view_stock"
MANAGE = "inventory.manage_stock"


def _posted_content(request: HttpRequest) -> tuple[bytes, str]:
    """The file uploaded (preview) or carried back from the preview (confirm)."""
    upload = request.FILES.get("file")
    if upload is not None:
        ensure_file_size(upload.size or 0, MAX_FILE_BYTES, field="file")
        return upload.read(), upload.name or "consegne.csv"
    carried = request.POST.get("content", "")
    if not carried or len(carried) > MAX_FILE_BYTES * 4 // 3 + 4:
        raise ValidationFailed("Scegliere il file CSV del sistema acquisti.", field="file")
    try:
        return base64.b64decode(carried, validate=True), request.POST.get("file_name", "")[:200]
    except (binascii.Error, ValueError):
        raise ValidationFailed("Anteprima non valida: ricaricare il file.", field="file") from None


@require_perm(MANAGE)
def procurement_page(request: HttpRequest) -> HttpResponse:
    locations = selectors.location_options()
    context: dict[str, object] = {
        "locations": locations,
        "location": request.POST.get("location", ""),
    }
    action = request.POST.get("action", "")
    error: CorsiaError | None = None
    if action in ("preview", "confirm"):
        location = locations.filter(code=request.POST.get("location", "")).first()
        with refusal_kept() as kept:
            if location is None:
                raise ValidationFailed("Scegliere l'ubicazione di carico.", field="location")
            content, file_name = _posted_content(request)
            if action == "confirm":
                services.procurement_import(
                    **acting(request),
                    content=content,
                    file_name=file_name,
                    location=location,
                    now=timezone.now(),
                )
                return redirect(f"{reverse('inventory:movements')}?kind=load")
            context["preview"] = services.procurement_preview(
                actor=request_actor(request), content=content, today=timezone.localdate()
            )
            context["content"] = base64.b64encode(content).decode("ascii")
            context["file_name"] = file_name
        error = kept.error
    context["error"] = error
    return render(
        request, "inventory/procurement.html", context, status=422 if error is not None else 200
    )


def _day(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw or "") if raw else default
    except ValueError:
        raise ValidationFailed(
            f"Data non valida: «{(raw or '')[:20]}».", code="date_invalid"
        ) from None


@require_perm(VIEW)
def consumption_export_page(request: HttpRequest) -> HttpResponse:
    """``?since=&until=&format=csv|json`` (default: this month so far, CSV)."""
    today = timezone.localdate()
    fmt = request.GET.get("format", "csv")
    with refusal_kept() as kept:
        since = _day(request.GET.get("since"), today.replace(day=1))
        until = _day(request.GET.get("until"), today)
        export = services.consumption_export(**acting(request), since=since, until=until)
        name = f"consumi-{since:%Y%m%d}-{until:%Y%m%d}"
        if fmt == "json":
            body = json.dumps(
                consumption_json(export.lines, since=since, until=until), ensure_ascii=False
            )
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.json"'
            return response
        response = HttpResponse(export.csv_bytes(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    assert kept.error is not None
    return HttpResponse(kept.error.message, status=422, content_type="text/plain; charset=utf-8")
