"""The pharmacy's pages: the queue (urgent first), the evaluation of each line, the pick
by pack scan (pick list by shelf in walking order, FEFO lots), the delivery document's
address (the archived print, ``corsia.dispensing.ward_delivery``), and every ward
cabinet's stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.paging import paginate
from corsia.core.refusals import refusal_kept, refusals_as_messages
from corsia.core.web import acting, parse_id, posted_version, query_int, request_actor
from corsia.drugs import selectors as drugs
from corsia.drugs.services_pack_market import pack_market
from corsia.inventory import selectors_ward_requests as wsel
from corsia.inventory.domain.ward_requests import LineDecision
from corsia.inventory.models import DecisionChoice, WardRequest
from corsia.inventory.selectors import withdrawn_stock
from corsia.inventory.services import VIEW
from corsia.inventory.services import ward_requests as wr
from corsia.inventory.views_requests.common import posted_units, request_read

QUEUE_PAGE_SIZE = 50  # requests per page of each of the queue's lists
QUEUE_STATES = (
    ("submitted", gettext_lazy("Da valutare")),
    ("evaluated", gettext_lazy("Da prelevare")),
    ("picked", gettext_lazy("Da consegnare")),
)


@require_perm(wr.VIEW_REQUESTS)
def request_queue(request: HttpRequest) -> HttpResponse:
    """The pharmacy's work: requests to evaluate, to pick, to deliver; urgent first, then
    the oldest."""
    user = request_actor(request)
    # each state's list paged (issue 27: a backlog past a page stays reachable; before,
    # the 201st request of a state was not shown)
    sections = [
        (
            state,
            label,
            paginate(
                request,
                wsel.ward_requests(state=state, user=user),
                param=f"{state}_page",
                page_size=QUEUE_PAGE_SIZE,
            ),
        )
        for state, label in QUEUE_STATES
    ]
    return render(
        request,
        "inventory/requests/queue.html",
        {
            "sections": sections,
            "tab": "queue",
            # H66: the lots of packs withdrawn from the market, on the pharmacy's worklist
            "withdrawn": withdrawn_stock(today=timezone.localdate()),
        },
    )


@require_perm(wr.EVALUATE)
def request_evaluate(request: HttpRequest, request_id: int) -> HttpResponse:
    """Each line: approve, modify the quantity (reason), refuse (reason), substitute an
    equivalent product (its code, units, reason); all lines at once. A refusal shows the
    page again with what was typed and the Italian message; nothing is saved."""
    found = request_read(request, request_id)
    lines = list(found.lines.all())
    typed = {
        ln.pk: {
            k: request.POST.get(f"{k}-{ln.pk}", "").strip()
            for k in ("decision", "units", "substitute", "reason")
        }
        for ln in lines
    }
    error = None
    if request.method == "POST":
        with refusal_kept() as kept:
            done = wr.ward_request_evaluate(
                **acting(request),
                request_id=request_id,
                version=posted_version(request),
                decisions=_decisions(lines, typed),
                note=request.POST.get("note", ""),
                now=timezone.now(),
            )
            messages.success(
                request,
                _("Richiesta valutata: %(state)s.") % {"state": done.get_state_display()},
            )
            return redirect("inventory:request", request_id=request_id)
        error = kept.error
    return render(
        request,
        "inventory/requests/evaluate.html",
        {
            "r": found,
            "rows": [(ln, typed[ln.pk]) for ln in lines],
            # the line the refusal names (``decisions[<id>]…``), marked on the page
            "error_line": _refused_line(error.field if error else None),
            "note": request.POST.get("note", ""),
            "error": error,
            "decisions": DecisionChoice.choices,
            "products": drugs.product_choices(),
            "tab": "queue",
        },
        status=422 if error else 200,
    )


def _refused_line(field: str | None) -> int | None:
    if not field or not field.startswith("decisions["):
        return None
    return parse_id(field[len("decisions[") :].split("]", 1)[0])


def _decisions(lines: list[Any], typed: dict[int, dict[str, str]]) -> dict[int, LineDecision]:
    """The decisions typed, per line id; a substitute code not in the archive: refused."""
    substitutes = drugs.products_by_code(
        [t["substitute"] for t in typed.values() if t["substitute"]]
    )
    decisions = {}
    for ln in lines:
        row = typed[ln.pk]
        substitute = substitutes.get(row["substitute"]) if row["decision"] == "substitute" else None
        if row["decision"] == "substitute" and row["substitute"] and substitute is None:
            raise ValidationFailed(
                _("Riga %(n)s: medicinale sostitutivo «%(code)s» non in archivio.")
                % {"n": ln.position, "code": row["substitute"][:40]},
                code="substitute_unknown",
            )
        decisions[ln.pk] = LineDecision(
            decision=row["decision"],  # type: ignore[arg-type]  # checked by the service
            units=posted_units(row["units"]),
            reason=row["reason"],
            substitute_product_id=substitute.pk if substitute else None,
        )
    return decisions


@dataclass(frozen=True)
class Take:
    location: str
    product: str
    lot: str
    expiry: date
    units: int


@require_perm(wr.PICK)
def request_pick(request: HttpRequest, request_id: int) -> HttpResponse:
    """Scan each pack (the field focused, Enter adds it): refused packs (another product,
    expired, beyond the units approved, a lot not in the pharmacy) change nothing. What is
    still to pick, from where (walking order, FEFO lots); close the pick (short: the
    reason); deliver."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        now = timezone.now()
        with refusals_as_messages(request):
            request_read(request, request_id)
            if action == "scan":
                row = wr.ward_request_pick_scan(
                    **acting(request),
                    request_id=request_id,
                    barcode=request.POST.get("barcode", ""),
                    lot=request.POST.get("lot", ""),
                    now=now,
                    withdrawn_override_reason=request.POST.get("withdrawn_override_reason", "")[
                        :1000
                    ],
                )
                if row.pack is not None and (warning := pack_market(row.pack).shortage_warning()):
                    messages.warning(request, warning)
                messages.success(
                    request,
                    _("Prelevata: %(product)s, lotto %(lot)s, %(units)s unità da %(place)s.")
                    % {
                        "product": row.product.name,
                        "lot": row.lot,
                        "units": row.units,
                        "place": row.location.code if row.location else "",
                    },
                )
            elif action == "close":
                wr.ward_request_close_pick(
                    **acting(request),
                    request_id=request_id,
                    reason=request.POST.get("reason", ""),
                    now=now,
                )
                messages.success(request, _("Prelievo chiuso: pronta per la consegna."))
            elif action == "deliver":
                wr.ward_request_deliver(**acting(request), request_id=request_id, now=now)
                messages.success(request, _("Consegnata all'armadio del reparto."))
                return redirect("inventory:request", request_id=request_id)
        return redirect("inventory:request_pick", request_id=request_id)
    found = request_read(request, request_id)
    return render(request, "inventory/requests/pick.html", _pick_context(found))


def _pick_context(found: WardRequest) -> dict[str, Any]:
    picks = wsel.request_pick_list(found, today=timezone.localdate())
    names = drugs.products_by_id({t.product_id for t in picks.lines} | set(picks.shortages))
    lines = list(found.lines.all())
    return {
        "r": found,
        "lines": [
            (ln, (ln.units_approved or 0) - ln.units_picked) for ln in lines if ln.units_approved
        ],
        "takes": [
            Take(t.location_label, names[t.product_id].name, t.lot, t.expiry, t.quantity)
            for t in picks.lines
        ],
        "shortages": [(names[pk].name, units) for pk, units in picks.shortages.items()],
        "scans": [s for ln in lines for s in ln.scans.all() if s.act == "pick"],
        "short": any((ln.units_approved or 0) > ln.units_picked for ln in lines),
        "tab": "queue",
    }


@require_perm(wr.VIEW_REQUESTS)
def delivery_document(request: HttpRequest, request_id: int) -> HttpResponse:
    """The delivery document is printed through its editable template and archived by the
    pharmacy's distribution (``corsia.dispensing.ward_delivery``: this module sits beside
    the document archive in the modules' layers): the address redirects there, behind
    the same permission; an unknown request, another ward's or one not delivered yet is
    refused there in Italian."""
    return redirect("dispensing:delivery_document_pdf", request_id=request_id)


@require_perm(VIEW)
def ward_stock(request: HttpRequest) -> HttpResponse:
    """Every ward cabinet: per product usable, expired and near-expiry units, the next
    expiry, the par level and whether to restock."""
    days = query_int(request.GET.get("days"), wsel.NEAR_EXPIRY_DAYS, low=0, high=730)
    ward = request.GET.get("ward", "").strip()[:20]
    return render(
        request,
        "inventory/requests/ward_stock.html",
        {
            "cabinets": wsel.ward_stock_overview(
                today=timezone.localdate(), days=days, ward_code=ward
            ),
            "days": days,
            "ward": ward,
            "tab": "ward_stock",
        },
    )
