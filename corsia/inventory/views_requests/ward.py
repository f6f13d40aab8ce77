"""The ward's pages: its requests, a new request (for named patients or the cabinet's
stock, the latter possibly from the par levels' proposal), one request with its steps
(submit, cancel with the reason), and the receipt by pack scan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.paging import paginate
from corsia.core.refusals import refusal_kept, refusals_as_messages
from corsia.core.web import acting, parse_id, posted_version, request_actor
from corsia.drugs import selectors as drugs
from corsia.drugs.services_pack_market import pack_market
from corsia.inventory import selectors_ward_requests as wsel
from corsia.inventory.models import RequestKindChoice, RequestStateChoice, UrgencyChoice
from corsia.inventory.services import ward_requests as wr
from corsia.inventory.views_requests.common import posted_units, request_read
from corsia.patients.selectors import patient_by_mrn

LINE_ROWS = 8
MAX_ROWS = 200  # as the API's lines
REQUESTS_PAGE_SIZE = 50  # requests per page of the list, the newest first


@require_perm(wr.VIEW_REQUESTS)
def request_list(request: HttpRequest) -> HttpResponse:
    """The requests of the user's wards (the pharmacy: every ward's), newest first."""
    state = request.GET.get("state", "").strip()[:12]
    rows = wsel.ward_requests(state=state, user=request_actor(request)).order_by(
        "-requested_at", "-id"
    )
    # paged (issue 27): every request of the history reachable (before: the newest 200)
    paged = paginate(request, rows, page_size=REQUESTS_PAGE_SIZE)
    return render(
        request,
        "inventory/requests/list.html",
        {
            "rows": paged.page,
            "paged": paged,
            "state": state,
            "states": RequestStateChoice.choices,
            "tab": "requests",
        },
    )


def _cabinet_by_code(user: Any, code: str) -> Any:
    for cabinet in wsel.ward_cabinets(user):
        if cabinet.code == code:
            return cabinet
    return None


def _lines_posted(request: HttpRequest) -> tuple[list[dict[str, str]], list[wr.RequestLineInput]]:
    """The rows typed (kept to show again) and the lines they make; a product code not in
    the archive, a quantity or an MRN unreadable: a refusal naming the row."""
    rows, lines = [], []
    codes = []
    for i in range(min(parse_id(request.POST.get("rows")) or LINE_ROWS, MAX_ROWS)):
        row = {k: request.POST.get(f"{k}-{i}", "").strip() for k in ("product", "units", "mrn")}
        rows.append(row)
        if row["product"]:
            codes.append(row["product"])
    products = drugs.products_by_code(codes)
    for n, row in enumerate(rows, start=1):
        if not row["product"]:
            continue
        product = products.get(row["product"])
        if product is None:
            raise ValidationFailed(
                _("Riga %(n)s: medicinale «%(code)s» non presente nell'archivio.")
                % {"n": n, "code": row["product"][:40]},
                code="product_unknown",
            )
        units = posted_units(row["units"])
        patient_id = None
        if row["mrn"]:
            patient = patient_by_mrn(row["mrn"])
            if patient is None:
                raise ValidationFailed(
                    _("Riga %(n)s: nessun paziente con nosologico %(mrn)s.")
                    % {"n": n, "mrn": row["mrn"][:20]},
                    code="patient_not_found",
                )
            patient_id = patient.pk
        lines.append(wr.RequestLineInput(product, -1 if units is None else units, patient_id))
    return rows, lines


@require_perm(wr.REQUEST)
def request_new(request: HttpRequest) -> HttpResponse:
    """A new request; ``?cabinet=…&restock=1``: the lines from the cabinet's restock
    proposal (par − on hand − in transit of each product at or below its reorder point)."""
    user = request_actor(request)
    cabinets = wsel.ward_cabinets(user)
    error = None
    values = {
        "cabinet": request.GET.get("cabinet", cabinets[0].code if cabinets else ""),
        "kind": request.GET.get("kind", "ward_stock"),
        "urgency": "routine",
        "note": "",
    }
    rows = [{"product": "", "units": "", "mrn": ""} for _row in range(LINE_ROWS)]
    proposal: list[tuple[str, Any]] = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        with refusal_kept() as kept:
            rows, lines = _lines_posted(request)
            cabinet = _cabinet_by_code(user, values["cabinet"])
            if cabinet is None:
                raise ValidationFailed(_("Scegli l'armadio del reparto."), code="cabinet_unknown")
            created = wr.ward_request_create(
                **acting(request),
                cabinet=cabinet,
                kind=values["kind"],
                urgency=values["urgency"],
                note=values["note"],
                submit=request.POST.get("action") == "submit",
                now=timezone.now(),
                lines=lines,
            )
            messages.success(request, _message(created))
            return redirect("inventory:request", request_id=created.pk)
        error = kept.error
    elif request.GET.get("restock") and values["cabinet"]:
        cabinet = _cabinet_by_code(user, values["cabinet"])
        if cabinet is not None:
            restock = wsel.cabinet_restock(cabinet, today=timezone.localdate())
            names = drugs.products_by_id(ln.product_id for ln in restock)
            proposal = [(names[ln.product_id].name, ln) for ln in restock]
            filled = [
                {"product": names[ln.product_id].code, "units": str(ln.units), "mrn": ""}
                for ln in restock
            ]
            rows = filled + rows[len(filled) :] if len(filled) < LINE_ROWS else filled
            values["kind"] = "ward_stock"
            if not proposal:
                messages.info(
                    request, _("Nessun medicinale dell'armadio è sotto il punto di riordino.")
                )
    return render(
        request,
        "inventory/requests/new.html",
        {
            "cabinets": cabinets,
            "values": values,
            "rows": rows,
            "error": error,
            "proposal": proposal,
            "products": drugs.product_choices(),
            "kinds": RequestKindChoice.choices,
            "urgencies": UrgencyChoice.choices,
            "tab": "new",
        },
        status=422 if error else 200,
    )


def _message(created: Any) -> str:
    if created.state == "submitted":
        return _("Richiesta %(number)s inviata alla farmacia.") % {"number": created.number}
    return _("Richiesta %(number)s salvata come bozza.") % {"number": created.number}


@require_perm(wr.VIEW_REQUESTS)
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request: lines, decisions, steps, discrepancies; the acts its state allows
    (submit, cancel with the reason, deliver), each checked again by its service."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        now = timezone.now()
        with refusals_as_messages(request):
            request_read(request, request_id)  # out of scope: 404
            if action == "submit":
                wr.ward_request_submit(
                    **acting(request),
                    request_id=request_id,
                    version=posted_version(request),
                    now=now,
                )
                messages.success(request, _("Richiesta inviata alla farmacia."))
            elif action == "cancel":
                wr.ward_request_cancel(
                    **acting(request),
                    request_id=request_id,
                    version=posted_version(request),
                    reason=request.POST.get("reason", ""),
                    now=now,
                )
                messages.success(request, _("Richiesta annullata."))
            elif action == "deliver":
                moved = wr.ward_request_deliver(**acting(request), request_id=request_id, now=now)
                messages.success(
                    request,
                    _("Consegnata: %(n)s movimenti verso l'armadio del reparto.")
                    % {"n": len(moved)},
                )
        return redirect("inventory:request", request_id=request_id)
    found = request_read(request, request_id)
    perms = request.user
    return render(
        request,
        "inventory/requests/detail.html",
        {
            "r": found,
            "lines": list(found.lines.all()),
            "steps": list(found.steps.all()),
            "discrepancies": [d for ln in found.lines.all() for d in ln.discrepancies.all()],
            "can_request": perms.has_perm(wr.REQUEST),
            "can_evaluate": perms.has_perm(wr.EVALUATE),
            "can_pick": perms.has_perm(wr.PICK),
            "tab": "requests",
        },
    )


@require_perm(wr.REQUEST)
def request_receive(request: HttpRequest, request_id: int) -> HttpResponse:
    """The ward's receipt: each pack that arrived scanned (the field focused, Enter adds
    it); per line the count (default: the packs scanned) and the reason for a difference;
    confirm."""
    if request.method == "POST":
        now = timezone.now()
        with refusals_as_messages(request):
            found = request_read(request, request_id)
            if request.POST.get("action") == "scan":
                row = wr.ward_request_receive_scan(
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
                    _("Letta: %(product)s, lotto %(lot)s, %(units)s unità.")
                    % {"product": row.product.name, "lot": row.lot, "units": row.units},
                )
            else:
                counts, reasons = {}, {}
                for ln in found.lines.all():
                    units = posted_units(request.POST.get(f"units-{ln.pk}"))
                    if units is not None:
                        counts[ln.pk] = units
                    reason = request.POST.get(f"reason-{ln.pk}", "").strip()
                    if reason:
                        reasons[ln.pk] = reason
                wr.ward_request_receive(
                    **acting(request),
                    request_id=request_id,
                    counts=counts,
                    reasons=reasons,
                    note=request.POST.get("note", ""),
                    now=now,
                )
                messages.success(request, _("Ricevimento registrato."))
                return redirect("inventory:request", request_id=request_id)
        return redirect("inventory:request_receive", request_id=request_id)
    found = request_read(request, request_id)
    lines = []
    for ln in found.lines.all():
        scans = [s for s in ln.scans.all() if s.act == "receipt"]
        lines.append({"line": ln, "scanned": sum(s.units for s in scans), "scans": scans})
    return render(
        request,
        "inventory/requests/receive.html",
        {"r": found, "lines": lines, "tab": "requests"},
    )
