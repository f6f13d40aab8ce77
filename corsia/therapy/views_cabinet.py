"""The ward cabinet's page: the stock on hand, what the day's doses unloaded, the products
below their reorder level (set here too), the unloads flagged for the pharmacy."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import acting, parse_id, posted_date
from corsia.core.web import request_actor as _actor
from corsia.therapy import services
from corsia.therapy.permissions import MANAGE_CABINET, VIEW
from corsia.therapy.selectors_cabinet import ward_cabinet_stock


@require_perm(VIEW)
def cabinet(request: HttpRequest, ward_code: str) -> HttpResponse:
    try:
        day = posted_date(request.GET.get("day"), "day") or timezone.localdate()
    except ValidationFailed:
        day = timezone.localdate()
    stock = ward_cabinet_stock(user=_actor(request), ward_code=ward_code[:20], day=day)
    return render(request, "therapy/cabinet.html", {"cabinet": stock, "day": day})


@require_perm(MANAGE_CABINET)
@require_POST
def cabinet_level(request: HttpRequest, ward_code: str, product_id: int) -> HttpResponse:
    """A product's reorder level set from the cabinet page (the API's ``PUT``)."""
    level = parse_id(request.POST.get("reorder_level"))
    with refusals_as_messages(request):
        services.cabinet_level_set(
            **acting(request),
            ward_code=ward_code[:20],
            product_id=product_id,
            level=-1 if level is None else level,  # unreadable ("1e308", "-2"): refused
        )
        messages.success(request, _("Scorta minima aggiornata."))
    return redirect(reverse("therapy:cabinet", args=[ward_code[:20]]) + f"#level-{product_id}")
