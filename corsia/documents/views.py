"""Pages of the clinical document archive: a document with its signature check and
versions, its PDF, a patient's documents, and the print templates (list, edit, preview)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import form_refusals, refusals_as_messages
from corsia.core.web import acting, request_actor, viewing
from corsia.documents import selectors, services
from corsia.documents.forms import ActivationForm, TemplateForm
from corsia.patients import selectors as patient_selectors

VIEW = "documents.view_document"
MANAGE = "documents.manage_templates"


@require_perm(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    documents = selectors.my_recent_documents(
        **viewing(request),
    )
    context = {
        "documents": documents,
        "superseded": selectors.superseded_ids(documents),
        "can_manage": request_actor(request).has_perm(MANAGE),
    }
    return render(request, "documents/index.html", context)


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
    version, title, body = selectors.template_current_body(user=request_actor(request), code=code)
    initial = {"title": title, "body": body, "expected_version": version}
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_refusals(form, not_found_is_404=False):
            if "preview" in request.POST:
                content = services.template_preview_pdf(
                    actor=request_actor(request), code=code, body=data["body"]
                )
                response = HttpResponse(content, content_type="application/pdf")
                response["Content-Disposition"] = f'inline; filename="anteprima-{code}.pdf"'
                return response
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
        "form": form,
        "current_version": version,
        "versions": selectors.template_versions(user=request_actor(request), code=code),
    }
    return render(
        request, "documents/template_edit.html", context, status=422 if form.errors else 200
    )


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
