"""Pages of the clinical document archive: a document with its signature check and
versions, its PDF, a patient's documents, and the print templates (list, edit, preview)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import form_refusals, refusals_as_messages
from corsia.core.web import acting, query_int, request_actor, viewing
from corsia.documents import selectors, services
from corsia.documents.domain.fields import field_docs
from corsia.documents.domain.search import DocumentFilters
from corsia.documents.forms import ActivationForm, DocumentSearchForm, TemplateForm
from corsia.documents.schemas import SCHEMAS
from corsia.patients import selectors as patient_selectors

VIEW = "documents.view_document"
MANAGE = "documents.manage_templates"


def _search_filters(form: DocumentSearchForm) -> DocumentFilters:
    data = form.cleaned_data
    return DocumentFilters(
        mrn=data.get("mrn") or "",
        kind=data.get("kind") or "",
        template_code=data.get("template_code") or "",
        author=data.get("author") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@require_perm(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    """The archive: with no filter, my documents of the last 30 days; with filters, every
    readable document matching them (by patient, kind, template, author, period), paged."""
    user = request_actor(request)
    form = DocumentSearchForm(
        request.GET or None,
        kinds=selectors.document_kinds(user=user),
        codes=sorted(SCHEMAS),
    )
    context: dict[str, Any] = {"form": form, "can_manage": user.has_perm(MANAGE)}
    status = 200
    if form.is_bound and form.is_valid() and not _search_filters(form).is_empty():
        with form_refusals(form, not_found_is_404=False):
            found = selectors.document_search(
                **viewing(request),
                filters=_search_filters(form),
                page=query_int(request.GET.get("page"), 1, low=1, high=10_000),
            )
            params = request.GET.copy()
            params.pop("page", None)
            context.update(
                searched=True,
                documents=found.documents,
                superseded=found.superseded,
                result=found,
                querystring=params.urlencode(),
            )
    elif form.is_bound and form.errors:
        status = 422
    if "documents" not in context:
        documents = selectors.my_recent_documents(**viewing(request))
        context.update(documents=documents, superseded=selectors.superseded_ids(documents))
    if form.errors:
        status = 422
    return render(request, "documents/index.html", context, status=status)


@require_perm(VIEW)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.document_view(
        **viewing(request),
        document_id=pk,
    )
    return render(request, "documents/detail.html", {"v": view, "d": view.document})


@require_perm(VIEW)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document, content = selectors.document_content(
        **viewing(request),
        document_id=pk,
    )
    response = HttpResponse(content, content_type=document.mime_type)
    response["Content-Disposition"] = f'inline; filename="{selectors.filename_of(document)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_perm(VIEW)
def patient_list(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_selectors.patient_get(user=request_actor(request), patient_id=patient_id)
    documents = selectors.patient_documents(
        **viewing(request),
        patient_id=patient.pk,
    )
    context = {
        "patient": patient,
        "documents": documents,
        "superseded": selectors.superseded_ids(documents),
    }
    return render(request, "documents/patient_list.html", context)


@require_perm(MANAGE)
def templates(request: HttpRequest) -> HttpResponse:
    summaries = selectors.templates_overview(user=request_actor(request))
    return render(request, "documents/templates.html", {"templates": summaries})


@require_perm(MANAGE)
def template_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a template (saving stores a new version), with its documented fields, a
    preview with the example data in the page (sandboxed frame) or as PDF, the versions."""
    user = request_actor(request)
    schema = selectors.template_schema_get(user=user, code=code)
    version, title, body = selectors.template_current_body(user=user, code=code)
    initial = {"title": title, "body": body, "expected_version": version}
    form = TemplateForm(request.POST or None, initial=initial)
    preview_html = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_refusals(form, not_found_is_404=False):
            if "preview" in request.POST:
                content = services.template_preview_pdf(actor=user, code=code, body=data["body"])
                response = HttpResponse(content, content_type="application/pdf")
                response["Content-Disposition"] = f'inline; filename="anteprima-{code}.pdf"'
                return response
            if "preview_html" in request.POST:
                preview_html = services.template_preview_html(
                    actor=user, code=code, body=data["body"]
                )
            else:
                saved = services.template_update(
                    **acting(request),
                    code=code,
                    title=data["title"],
                    body=data["body"],
                    expected_version=data["expected_version"],
                )
                messages.success(request, _("Salvata la versione %s del modello.") % saved.version)
                return redirect("documents:template_edit", code=code)
    context = {
        "code": code,
        "schema": schema,
        "fields": field_docs(schema),
        "form": form,
        "current_version": version,
        "preview_html": preview_html,
        "versions": selectors.template_versions(user=user, code=code),
    }
    return render(
        request, "documents/template_edit.html", context, status=422 if form.errors else 200
    )


@require_perm(MANAGE)
def template_diff(request: HttpRequest, code: str) -> HttpResponse:
    """What changed between two versions of a template (0 = the shipped default)."""
    user = request_actor(request)
    selectors.template_schema_get(user=user, code=code)
    old = query_int(request.GET.get("from"), 0, low=0, high=2**31 - 1)
    new = query_int(request.GET.get("to"), 0, low=0, high=2**31 - 1)
    lines = selectors.template_diff(user=user, code=code, old_version=old, new_version=new)
    context = {"code": code, "old": old, "new": new, "lines": lines}
    return render(request, "documents/template_diff.html", context)


@require_perm(MANAGE)
@require_POST
def template_activation(request: HttpRequest, code: str, template_id: int) -> HttpResponse:
    form = ActivationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indica il motivo dell'attivazione o disattivazione."))
        return redirect("documents:template_edit", code=code)
    with refusals_as_messages(request):
        services.template_set_active(
            **acting(request),
            template_id=template_id,
            active=form.cleaned_data["active"],
            reason=form.cleaned_data["reason"],
        )
    return redirect("documents:template_edit", code=code)
