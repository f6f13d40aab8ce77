"""Pages of the galenic laboratory: the formulary (with the new formula's form), a
formula with its versions and the batch form, a batch with its worksheet, weighings,
controls, release or rejection, label and dispensings. Thin: parse, call the service or
selector, render or redirect; a refusal comes back as the page's message
(``PageRefusalMiddleware``)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.web import acting, parse_id, posted_decimal, posted_int, posted_version, viewing
from corsia.core.web import request_actor as _actor
from corsia.drugs.selectors import product_choices
from corsia.galenics import documents, selectors, services
from corsia.galenics.domain.batch import QualityControl, control_label
from corsia.galenics.domain.units import Unit
from corsia.galenics.models import FormulaKind, PreviousFate
from corsia.galenics.permissions import DISPENSE, FORMULARY, PREPARE, RELEASE, VIEW
from corsia.inventory.selectors import cost_center_options
from corsia.patients.selectors import care_wards

INGREDIENT_ROWS = 6
NUMBER = "Valore numerico non valido."


def _amount(request: HttpRequest, name: str) -> Decimal:
    value = posted_decimal(request.POST.get(name, "")[:60], name)
    if value is None:
        raise ValidationFailed("Indica la quantità.", code="quantity_required", field=name)
    return value


@require_perm(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    patient_text = request.GET.get("patient", "").strip()[:100]
    return render(
        request,
        "galenics/index.html",
        {
            "formulas": selectors.formulas(user=user),
            "batches": selectors.recent_batches(user=user),
            "patient_text": patient_text,
            "by_patient": (
                selectors.batches_by_patient(**viewing(request), text=patient_text)
                if patient_text
                else None
            ),
            "may_edit": request.user.has_perm(FORMULARY),
            "kinds": FormulaKind.choices,
            "units": [(u.value, u.label_it) for u in Unit],
            "controls": QualityControl.labels_it().items(),
            "products": product_choices()[:500],
            "rows": range(1, INGREDIENT_ROWS + 1),
        },
    )


def _ingredients(request: HttpRequest) -> list[services.IngredientInput]:
    rows = []
    for n in range(1, INGREDIENT_ROWS + 1):
        code = request.POST.get(f"product_{n}", "").strip()[:120]
        if not code:
            continue
        stock = posted_decimal(request.POST.get(f"stock_amount_{n}", "")[:60], f"stock_amount_{n}")
        qs = request.POST.get(f"qs_{n}") == "1"
        rows.append(
            services.IngredientInput(
                product_code=code,
                quantity=None if qs else _amount(request, f"quantity_{n}"),
                quantum_satis=qs,
                unit=request.POST.get(f"unit_{n}", "")[:8],
                stock_amount=stock if stock is not None else Decimal(1),
                stock_unit=request.POST.get(f"stock_unit_{n}", "")[:8],
                excipient=request.POST.get(f"excipient_{n}") == "1",
            )
        )
    return rows


@require_perm(FORMULARY)
@require_POST
def formula_create(request: HttpRequest) -> HttpResponse:
    post = request.POST
    formula = services.formula_create(
        **acting(request),
        data=services.FormulaInput(
            code=post.get("code", "")[:60],
            name=post.get("name", "")[:200],
            kind=post.get("kind", "")[:12],
            pharmaceutical_form=post.get("pharmaceutical_form", "")[:120],
            batch_unit=post.get("batch_unit", "")[:20],
            method=post.get("method", "")[:8000],
            stability_days=posted_int(post.get("stability_days"), 0, "stability_days", NUMBER),
            storage=post.get("storage", "")[:200],
            quality_controls=tuple(c[:30] for c in post.getlist("quality_controls")[:10]),
            ingredients=_ingredients(request),
        ),
    )
    messages.success(request, _("Formula creata in bozza."))
    return redirect("galenics:formula", formula_id=formula.pk)


@require_perm(VIEW)
def formula_page(request: HttpRequest, formula_id: int) -> HttpResponse:
    formula = selectors.formula_get(user=_actor(request), formula_id=formula_id)
    return render(
        request,
        "galenics/formula.html",
        {
            "formula": formula,
            "ingredients": formula.ingredients.select_related("product"),
            "controls": [control_label(c) for c in formula.quality_controls],
            "versions": selectors.formula_versions(formula),
            "cost_centers": cost_center_options(),
            "may_edit": request.user.has_perm(FORMULARY),
            "may_prepare": request.user.has_perm(PREPARE),
        },
    )


@require_perm(FORMULARY)
@require_POST
def formula_publish(request: HttpRequest, formula_id: int) -> HttpResponse:
    services.formula_publish(
        **acting(request), formula_id=formula_id, expected_version=posted_version(request) or 0
    )
    messages.success(request, _("Formula pubblicata."))
    return redirect("galenics:formula", formula_id=formula_id)


@require_perm(FORMULARY)
@require_POST
def formula_new_version(request: HttpRequest, formula_id: int) -> HttpResponse:
    draft = services.formula_new_version(**acting(request), formula_id=formula_id)
    messages.success(request, _("Nuova versione aperta in bozza."))
    return redirect("galenics:formula", formula_id=draft.pk)


@require_perm(PREPARE)
@require_POST
def batch_open(request: HttpRequest, formula_id: int) -> HttpResponse:
    batch = services.batch_open(
        **acting(request),
        formula_id=formula_id,
        quantity=_amount(request, "quantity"),
        cost_center_code=request.POST.get("cost_center", "")[:20],
        patient_id=parse_id(request.POST.get("patient_id")),
    )
    messages.success(request, _("Lotto aperto: foglio di lavorazione pronto."))
    return redirect("galenics:batch", batch_id=batch.pk)


@require_perm(VIEW)
def batch_page(request: HttpRequest, batch_id: int) -> HttpResponse:
    view = selectors.batch_view(**viewing(request), batch_id=batch_id)
    return render(
        request,
        "galenics/batch.html",
        {
            "view": view,
            "batch": view.batch,
            "units": [(u.value, u.label_it) for u in Unit],
            "controls": QualityControl.labels_it().items(),
            "previous_fates": PreviousFate.choices,
            "wards": care_wards(),
            "may_prepare": request.user.has_perm(PREPARE),
            "may_release": request.user.has_perm(RELEASE),
            "may_dispense": request.user.has_perm(DISPENSE),
        },
    )


@require_perm(PREPARE)
@require_POST
def line_weigh(request: HttpRequest, line_id: int) -> HttpResponse:
    result = services.line_weigh(
        **acting(request),
        line_id=line_id,
        quantity=_amount(request, "quantity"),
        unit=request.POST.get("unit", "")[:8],
        lot=request.POST.get("lot", "")[:60],
        previous=request.POST.get("previous", "")[:10],
    )
    if result.discarded is not None and result.discarded.waste_refusal:
        messages.warning(
            request,
            _("Materiale della pesata precedente non scaricato dal magazzino (%(code)s): "
              "avvisare il magazzino.") % {"code": result.discarded.waste_refusal},
        )  # fmt: skip
    if result.within_tolerance:
        messages.success(request, _("Pesata registrata."))
    else:
        messages.warning(request, _("Pesata fuori tolleranza: ripesare il componente."))
    return redirect("galenics:batch", batch_id=result.line.batch_id)


@require_perm(PREPARE)
@require_POST
def qc_record(request: HttpRequest, batch_id: int) -> HttpResponse:
    services.qc_record(
        **acting(request),
        batch_id=batch_id,
        control=request.POST.get("control", "")[:30],
        passed=request.POST.get("passed") == "1",
        value=request.POST.get("value", "")[:200],
    )
    messages.success(request, _("Controllo registrato."))
    return redirect("galenics:batch", batch_id=batch_id)


@require_perm(PREPARE)
@require_POST
def batch_prepared(request: HttpRequest, batch_id: int) -> HttpResponse:
    services.batch_prepared(**acting(request), batch_id=batch_id)
    messages.success(request, _("Lotto dichiarato preparato: attende il rilascio."))
    return redirect("galenics:batch", batch_id=batch_id)


@require_perm(RELEASE)
@require_POST
def batch_release(request: HttpRequest, batch_id: int) -> HttpResponse:
    services.batch_release(**acting(request), batch_id=batch_id)
    messages.success(request, _("Lotto rilasciato: materie prime scaricate dal magazzino."))
    return redirect("galenics:batch", batch_id=batch_id)


@require_perm(RELEASE)
@require_POST
def batch_reject(request: HttpRequest, batch_id: int) -> HttpResponse:
    services.batch_reject(
        **acting(request), batch_id=batch_id, reason=request.POST.get("reason", "")[:1000]
    )
    messages.warning(request, _("Lotto respinto: materie prime pesate scaricate a scarto."))
    return redirect("galenics:batch", batch_id=batch_id)


@require_perm(DISPENSE)
@require_POST
def batch_dispense(request: HttpRequest, batch_id: int) -> HttpResponse:
    services.batch_dispense(
        **acting(request),
        batch_id=batch_id,
        quantity=_amount(request, "quantity"),
        patient_id=parse_id(request.POST.get("patient_id")),
        ward_code=request.POST.get("ward", "")[:20],
        note=request.POST.get("note", "")[:500],
    )
    messages.success(request, _("Dispensazione registrata."))
    return redirect("galenics:batch", batch_id=batch_id)


@require_perm(VIEW)
def batch_label_pdf(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The released batch's label as PDF (before the release: 409 ``batch_not_released``)."""
    batch, label = selectors.batch_label_view(**viewing(request), batch_id=batch_id)
    response = HttpResponse(
        documents.label_pdf(batch, label, **acting(request)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="lotto-{batch.number}.pdf"'
    return response
