"""Pages of the staged AIFA updates of the archive: the list with the upload, and the
review of one import (the diff by kind with filters, approve all or per change, reject
with a reason, apply). Every action is also an API call (``api_archive``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from corsia.core.access import require_perm
from corsia.core.domain import clinical_format as fmt
from corsia.core.refusals import act_with_reason, form_refusals, refusals_as_messages
from corsia.core.web import acting
from corsia.drugs import selectors_archive, services_archive
from corsia.drugs.domain.aifa_open.diff import CHANGE_KIND_LABELS_IT, FIELD_LABELS_IT, ChangeKind
from corsia.drugs.models_archive_import import ArchiveChange, ArchiveImportKind, ChangeDecision

REVIEW = services_archive.REVIEW_PERMISSION
PAGE_SIZE = 50


@dataclass(frozen=True)
class ChangeRow:
    """A proposed change with its values as the page shows them."""

    change: ArchiveChange
    before: str
    after: str
    price: str


class StageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo di file AIFA"), choices=ArchiveImportKind.choices)
    file_date = forms.DateField(
        label=_("Data di pubblicazione del file"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    file = forms.FileField(label=_("File CSV"))


@require_perm(REVIEW)
def archive_imports(request: HttpRequest) -> HttpResponse:
    form = StageForm(
        request.POST or None,
        request.FILES or None,
        initial={"file_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with form_refusals(form, rename={"content": "file"}):
            item = services_archive.archive_import_stage(
                **acting(request),
                content=upload.read(services_archive.MAX_FILE_BYTES + 1),
                file_name=upload.name,
                kind=form.cleaned_data["kind"],
                file_date=form.cleaned_data["file_date"],
            )
            services_archive.archive_import_diff(import_id=item.pk)
            return redirect("drugs:archive_import", import_id=item.pk)
    status = 422 if form.errors else 200
    return render(
        request,
        "drugs/archive_imports.html",
        {"form": form, "imports": selectors_archive.archive_imports_recent(limit=30)},
        status=status,
    )


@require_perm(REVIEW)
def archive_import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    item = selectors_archive.archive_import_get(import_id=import_id)
    kind = request.GET.get("kind", "")
    decision = request.GET.get("decision", "")
    field = request.GET.get("field", "")
    changes = None
    with refusals_as_messages(request):
        changes = selectors_archive.archive_changes(
            archive_import=item, kind=kind, decision=decision, field=field
        )
    if changes is None:  # an unknown filter: said as a message, the filters dropped
        kind = decision = field = ""
        changes = selectors_archive.archive_changes(archive_import=item)
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        ChangeRow(
            change=c,
            before=_shown(c.field, c.before),
            after=_shown(c.field, c.after),
            price=_shown("price_eur", c.data.get("price_eur", ""))
            if c.data.get("price_eur")
            else "",
        )
        for c in page
    ]
    counts = selectors_archive.archive_change_counts(archive_import=item)
    context = {
        "item": item,
        "page": page,
        "rows": rows,
        "counts": counts,
        "kinds": [(k.value, CHANGE_KIND_LABELS_IT[k], counts.get(k.value, 0)) for k in ChangeKind],
        "kind_labels": {k.value: label for k, label in CHANGE_KIND_LABELS_IT.items()},
        "field_labels": FIELD_LABELS_IT,
        "decisions": ChangeDecision.choices,
        "filters": {"kind": kind, "decision": decision, "field": field},
        "reviewable": item.status == "diffed",
        "percent": (100 * item.processed_rows // item.total_rows) if item.total_rows else 0,
    }
    template = "drugs/archive_import.html"
    if request.headers.get("HX-Request") and request.GET.get("progress"):
        template = "drugs/partials/archive_progress.html"
    return render(request, template, context)


def _shown(field: str, text: str) -> str:
    """A proposed value as the page shows it: prices in euro with the language's decimal
    separator, dates as dd/mm/yyyy; the rest as written."""
    if not text:
        return "—"
    if field in ("price_eur", "reference_price_eur"):
        value = Decimal(text)
        exponent = value.normalize().as_tuple().exponent
        places = max(2, -exponent) if isinstance(exponent, int) else 2  # 4 decimals kept
        amount = f"{value:,.{places}f}"  # 1,234.56
        if fmt.lang_of(get_language()) == "it":
            amount = amount.translate(str.maketrans(",.", ".,"))  # 1.234,56
        return f"{amount} €"
    if field == "withdrawn_on":
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    return text


def _back(import_id: int) -> HttpResponse:
    return redirect("drugs:archive_import", import_id=import_id)


@require_perm(REVIEW)
def archive_changes_decide(request: HttpRequest, import_id: int) -> HttpResponse:
    if request.method != "POST":
        return _back(import_id)
    ids = [int(v) for v in request.POST.getlist("change") if v.isdigit() and len(v) < 12]
    decision = request.POST.get("decision", "")
    with refusals_as_messages(request):
        count = services_archive.archive_changes_decide(
            **acting(request),
            import_id=import_id,
            change_ids=ids,
            decision=decision,
            reason=request.POST.get("reason", ""),
        )
        if decision == ChangeDecision.APPROVED:
            messages.success(request, gettext("Modifiche approvate: %(n)d.") % {"n": count})
        else:
            messages.success(request, gettext("Modifiche rifiutate: %(n)d.") % {"n": count})
    return _back(import_id)


@require_perm(REVIEW)
def archive_import_approve(request: HttpRequest, import_id: int) -> HttpResponse:
    if request.method == "POST":
        with refusals_as_messages(request):
            services_archive.archive_import_approve(**acting(request), import_id=import_id)
            messages.success(request, gettext("Aggiornamento approvato: ora si può applicare."))
    return _back(import_id)


@require_perm(REVIEW)
def archive_import_reject(request: HttpRequest, import_id: int) -> HttpResponse:
    if request.method == "POST":
        act_with_reason(
            request,
            services_archive.archive_import_reject,
            done=gettext("Aggiornamento rifiutato: l'archivio resta com'era."),
            import_id=import_id,
        )
    return _back(import_id)


@require_perm(REVIEW)
def archive_import_apply(request: HttpRequest, import_id: int) -> HttpResponse:
    if request.method == "POST":
        with refusals_as_messages(request):
            item = services_archive.archive_import_apply(**acting(request), import_id=import_id)
            messages.success(
                request,
                gettext("Aggiornamento applicato: %(n)d modifiche scritte nell'archivio.")
                % {"n": item.applied_changes},
            )
    return _back(import_id)
