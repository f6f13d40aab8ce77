"""Pages of the drug archive: search, ingredient sheet, product sheet, import upload."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import CorsiaError
from corsia.core.refusals import refusal_kept, refusals_as_messages
from corsia.core.web import request_actor, request_workstation
from corsia.drugs import selectors, services, services_archive, services_compounding
from corsia.drugs.domain.compounding_data import CONTAINERS, FIELD_LABELS_IT
from corsia.drugs.domain.interactions import SEVERITY_LABELS_IT, Severity
from corsia.drugs.models import ImportRun, MedicinalProduct

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
    return render(
        request,
        "drugs/product.html",
        {
            "product": product,
            "packs": product.packs.prefetch_related("shortages"),
            "compounding": _compounding_sheet(product),
            "can_verify": request.user.has_perm(services_compounding.VERIFY_PERMISSION),
        },
    )


def _compounding_sheet(product: MedicinalProduct) -> dict[str, object]:
    """The product's compounding data as the page shows it: missing, sources, conditions."""
    return {
        "missing": [FIELD_LABELS_IT[k] for k in product.compounding_missing],
        "sources": [
            (FIELD_LABELS_IT.get(k, k), text) for k, text in product.compounding_sources.items()
        ],
        "not_applicable": [
            (FIELD_LABELS_IT.get(k, k), text)
            for k, text in product.compounding_not_applicable.items()
        ],
        "conditions": [
            {**c, "container_label": CONTAINERS.get(c.get("container", ""), "")}
            for c in product.diluted_stability_conditions
        ],
    }


@require_perm(services_compounding.VERIFY_PERMISSION)
@require_POST
def product_compounding_verify(request: HttpRequest, code: str) -> HttpResponse:
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    with refusals_as_messages(request):
        services_compounding.product_compounding_verify(
            actor=request_actor(request),
            workstation=request_workstation(request),
            code=code,
            expected_version=version,
        )
        messages.success(request, _("Dati di allestimento confermati."))
    return redirect("drugs:product", code=code)


@require_perm("drugs.view_drug")
def compounding_data(request: HttpRequest) -> HttpResponse:
    """The compounded products with the compounding data each lacks; a count per field."""
    incomplete_only = request.GET.get("incompleti") == "1"
    overview = selectors.compounding_overview(incomplete_only=incomplete_only)
    rows = [
        {"product": p, "missing": [FIELD_LABELS_IT[k] for k in missing]}
        for p, missing in overview.rows
    ]
    counts = [(FIELD_LABELS_IT[k], n) for k, n in overview.counts.items()]
    return render(
        request,
        "drugs/compounding.html",
        {
            "rows": rows,
            "counts": counts,
            "overview": overview,
            "incomplete_only": incomplete_only,
        },
    )


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
                    # An AIFA class A/H list is staged for a pharmacist's review like
                    # the other AIFA files (it used to be written into the archive here).
                    item = services_archive.archive_import_stage(
                        content=content,
                        file_name=upload.name,
                        kind="class_a" if kind == "aifa_a" else "class_h",
                        file_date=timezone.localdate(),
                        actor=request_actor(request),
                        workstation=request_workstation(request),
                    )
                    services_archive.archive_import_diff(import_id=item.pk)
                    return redirect("drugs:archive_import", import_id=item.pk)
            error = kept.error
    recent = ImportRun.objects.all()[:10]
    status = 422 if error is not None else 200
    return render(
        request,
        "drugs/import.html",
        {"form": form, "run": run, "error": error, "recent": recent},
        status=status,
    )
