"""The parenteral nutrition calculator page: the patient's measures and the components of a
bag in, the composition with its formulas and every check out — the page of
``POST /api/v1/nutrition/preview``, through the same selector and permission. Nothing is
saved. A refusal re-renders the form with the Italian message (422)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import refusal_kept
from corsia.core.web import posted_date, posted_decimal, request_actor
from corsia.nutrition import reference, selectors
from corsia.nutrition.domain.catalogue import Kind
from corsia.nutrition.domain.checks import Assessment, Patient, Route
from corsia.nutrition.domain.composition import Item, Unit
from corsia.nutrition.domain.limits import BAND_LABELS, PARAMETERS
from corsia.nutrition.domain.sheet import compounder_csv, compounding_sequence
from corsia.nutrition.permissions import PREVIEW
from corsia.nutrition.schemas import FORMULAS

ROWS = 10
KIND_LABELS = {
    Kind.AMINO_ACIDS: "Aminoacidi",
    Kind.GLUCOSE: "Glucosio",
    Kind.LIPID: "Emulsioni lipidiche",
    Kind.ELECTROLYTE: "Elettroliti",
    Kind.TRACE_ELEMENTS: "Oligoelementi",
    Kind.VITAMINS: "Vitamine",
    Kind.WATER: "Acqua",
    Kind.BAG: "Sacche multicamera",
}
NUTRIENT_LABELS = {
    "amino_acids_g": "Aminoacidi (g)",
    "nitrogen_g": "Azoto (g)",
    "glucose_g": "Glucosio anidro (g)",
    "lipid_g": "Lipidi (g)",
    "sodium_mmol": "Sodio (mmol)",
    "potassium_mmol": "Potassio (mmol)",
    "calcium_mmol": "Calcio (mmol)",
    "magnesium_mmol": "Magnesio (mmol)",
    "phosphate_mmol": "Fosfato (mmol)",
    "chloride_mmol": "Cloro (mmol)",
    "acetate_mmol": "Acetato (mmol)",
}


def _catalogue_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[Kind, list[tuple[str, str]]] = {}
    for component in reference.catalogue().values():
        groups.setdefault(component.kind, []).append((component.code, component.name))
    return [(KIND_LABELS[kind], groups[kind]) for kind in Kind if kind in groups]


def _rows(request: HttpRequest) -> list[dict[str, str]]:
    codes = request.POST.getlist("code")
    amounts = request.POST.getlist("amount")
    units = request.POST.getlist("unit")
    rows = [
        {"code": c.strip()[:40], "amount": a.strip()[:30], "unit": u.strip()[:10]}
        for c, a, u in zip(codes, amounts, units, strict=False)
    ][:40]
    return rows + [{"code": "", "amount": "", "unit": "mL"}] * max(0, ROWS - len(rows))


def _items(rows: list[dict[str, str]]) -> list[Item]:
    items = []
    for index, row in enumerate(rows):
        if not row["code"] and not row["amount"]:
            continue
        amount = posted_decimal(row["amount"], f"components.{index}.amount")
        if amount is None:
            raise ValidationFailed(
                _("Indica la quantità di ogni componente scelto."),
                code="amount_not_positive",
                field=f"components.{index}.amount",
            )
        try:
            unit = Unit(row["unit"])
        except ValueError:
            raise ValidationFailed(
                _("Unità sconosciuta."), code="unit_unknown", field=f"components.{index}.unit"
            ) from None
        items.append(Item(row["code"], amount, unit))
    return items


def _patient(request: HttpRequest) -> Patient:
    post = request.POST
    age = posted_decimal(post.get("age"), "age_days")
    in_years = post.get("age_unit") == "years"
    try:
        route = Route(post.get("route", ""))
    except ValueError:
        raise ValidationFailed(_("Indica la via di infusione."), code="route_unknown") from None
    return Patient(
        weight_kg=posted_decimal(post.get("weight_kg"), "weight_kg"),
        route=route,
        age_days=None if in_years else age,
        age_years=age if in_years else None,
        preterm=post.get("preterm") == "on",
        weight_measured_on=posted_date(post.get("weight_measured_on"), "weight_measured_on"),
    )


def _assessment(request: HttpRequest, rows: list[dict[str, str]]) -> Assessment:
    return selectors.nutrition_preview(
        user=request_actor(request),
        patient=_patient(request),
        items=_items(rows),
        infusion_hours=posted_decimal(request.POST.get("infusion_hours"), "infusion_hours")
        or Decimal(24),
    )


@require_perm(PREVIEW)
def calculator(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "groups": _catalogue_groups(),
        "units": [u.value for u in Unit],
        "formulas": FORMULAS,
        "band_labels": BAND_LABELS,
        "values": request.POST if request.method == "POST" else {},
        "rows": _rows(request),
    }
    status = 200
    if request.method == "POST":
        with refusal_kept() as kept:
            assessment = _assessment(request, context["rows"])
            c = assessment.composition
            context |= {
                "assessment": assessment,
                "band_label": BAND_LABELS[assessment.band],
                "nutrients": [
                    (NUTRIENT_LABELS[k], v) for k, v in c.nutrients.items() if k in NUTRIENT_LABELS
                ],
                "per_kg": [(PARAMETERS[k], v) for k, v in c.per_kg.items()],
                "steps": compounding_sequence(c.parts),
            }
        if kept.error is not None:
            context["error"] = kept.error
            status = kept.error.status
    return render(request, "nutrition/calculator.html", context, status=status)


@require_perm(PREVIEW)
@require_POST
def compounder_csv_download(request: HttpRequest) -> HttpResponse:
    """The calculator's bag as the compounder's CSV (the API's
    ``/preview/compounder.csv``); a refusal or a blocked bag goes back to the page."""
    rows = _rows(request)
    with refusal_kept() as kept:
        assessment = _assessment(request, rows)
        text = compounder_csv(
            bag_id="NPT",
            steps=compounding_sequence(assessment.composition.parts),
            blocked=assessment.blocked,
        )
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="npt-compounder.csv"'
        return response
    context: dict[str, Any] = {
        "groups": _catalogue_groups(),
        "units": [u.value for u in Unit],
        "formulas": FORMULAS,
        "values": request.POST,
        "rows": rows,
        "error": kept.error,
    }
    status = kept.error.status if kept.error is not None else 422
    return render(request, "nutrition/calculator.html", context, status=status)
