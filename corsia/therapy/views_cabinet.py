"""The ward cabinet's page: the stock on hand, what the day's doses unloaded, the products
below their reorder level, the unloads flagged for the pharmacy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.web import posted_date
from corsia.core.web import request_actor as _actor
from corsia.therapy.permissions import VIEW
from corsia.therapy.selectors_cabinet import ward_cabinet_stock


@require_perm(VIEW)
def cabinet(request: HttpRequest, ward_code: str) -> HttpResponse:
    try:
        day = posted_date(request.GET.get("day"), "day") or timezone.localdate()
    except ValidationFailed:
        day = timezone.localdate()
    stock = ward_cabinet_stock(user=_actor(request), ward_code=ward_code[:20], day=day)
    return render(request, "therapy/cabinet.html", {"cabinet": stock, "day": day})
