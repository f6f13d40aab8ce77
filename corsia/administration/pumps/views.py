"""The live dashboard of the ward's pumps: a page, and the partial htmx polls every 2 s."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from corsia.administration.permissions import VIEW_PUMPS
from corsia.administration.pumps import selectors
from corsia.core.access import require_perm


def _context(request: HttpRequest) -> dict[str, object]:
    ward = request.GET.get("ward", "").strip()
    return {"ward": ward, "rows": selectors.pump_board(ward_code=ward)}


@require_perm(VIEW_PUMPS)
def pump_dashboard(request: HttpRequest) -> HttpResponse:
    context = _context(request) | {"wards": selectors.ward_codes()}
    return render(request, "administration/pumps.html", context)


@require_perm(VIEW_PUMPS)
def pump_board_partial(request: HttpRequest) -> HttpResponse:
    return render(request, "administration/partials/pump_board.html", _context(request))
