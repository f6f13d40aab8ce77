"""Pages of the drug archive: search, ingredient sheet, product sheet, import upload."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError
from corsia.core.refusals import refusal_kept
from corsia.core.web import request_actor, request_workstation
from corsia.drugs import selectors, services
from corsia.drugs.domain.interactions import SEVERITY_LABELS_IT, Severity
from corsia.drugs.models import ImportRun

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@require_perm("drugs.view_drug")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = selectors.drug_search(text=query) if query else None
    template = (
        "drugs/partials/results.html" if request.headers.get("HX-Request") else "drugs/search.html"
    )
    return render(request, template, {"query": query, "found": found})


@require_perm("drugs.view_drug")
def ingredient_detail(request: HttpRequest, code: str) -> HttpResponse:
    ingredient = selectors.ingredient_get(code=code)  # NotFound: the 404 page
    return render(
        request,
        "drugs/ingredient.html",
        {
            "ingredient": ingredient,
            "products": ingredient.products.order_by("name", "strength"),
            "markers": ingredient.pgx_markers.all(),
        },
    )


@require_perm("drugs.view_drug")
def product_detail(request: HttpRequest, code: str) -> HttpResponse:
    product = selectors.product_get(code=code)  # NotFound: the 404 page
    packs = product.packs.prefetch_related("shortages")
    return render(request, "drugs/product.html", {"product": product, "packs": packs})


@require_perm("drugs.view_drug")
def interactions(request: HttpRequest) -> HttpResponse:
    codes = [c.strip() for c in request.GET.get("codes", "").replace(",", " ").split() if c.strip()]
    found = selectors.interactions_among(codes) if codes else []
    rows = [{"item": i, "label": SEVERITY_LABELS_IT[Severity(i.severity)]} for i in found]
    return render(request, "drugs/interactions.html", {"codes": " ".join(codes), "rows": rows})


class ImportForm(forms.Form):
    KINDS = (
        ("catalogue", _("Banca dati farmaci (.jsonl o .csv per confezione)")),
        ("aifa_a", _("Lista AIFA farmaci di classe A (.csv)")),
        ("aifa_h", _("Lista AIFA farmaci di classe H (.csv)")),
    )
    kind = forms.ChoiceField(label=_("Tipo di file"), choices=KINDS)
    source = forms.CharField(label=_("Fonte dei dati"), max_length=160, required=False)
    file = forms.FileField(label=_("File"))


@require_perm("drugs.import_drugs")
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    run: ImportRun | None = None
    error: CorsiaError | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            error = CorsiaError("Il file è troppo grande (massimo 50 MB).", code="file_too_large")
        else:
            content = upload.read()
            kind = form.cleaned_data["kind"]
            with refusal_kept() as kept:
                if kind == "catalogue":
                    run = services.catalogue_import(
                        content=content,
                        file_name=upload.name,
                        source=form.cleaned_data["source"] or f"caricamento {upload.name}",
                        user=request_actor(request),
                        workstation=request_workstation(request),
                    )
                else:
                    run = services.aifa_list_import(
                        content=content,
                        file_name=upload.name,
                        reimbursement_class="A" if kind == "aifa_a" else "H",
                        user=request_actor(request),
                        workstation=request_workstation(request),
                    )
            error = kept.error
    recent = ImportRun.objects.all()[:10]
    status = 422 if error is not None else 200
    return render(
        request,
        "drugs/import.html",
        {"form": form, "run": run, "error": error, "recent": recent},
        status=status,
    )
