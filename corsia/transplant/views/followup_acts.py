"""Pages of the follow-up's other acts: the correction of a signed visit (a new draft
superseding it, with the reason), the disease's response, the consents and the adverse
events (JACIE). The same services and permissions as the API; a refusal is shown in
Italian beside its form and nothing is saved."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.domain.errors import ValidationFailed
from corsia.core.refusals import refusal_kept
from corsia.core.web import acting, posted_date
from corsia.transplant.permissions import RECORD
from corsia.transplant.services import followup_records as records
from corsia.transplant.services import followup_visits as visits
from corsia.transplant.views.common import render_refused
from corsia.transplant.views.followup import (
    TEMPLATE,
    followup_context,
    post_int,
    required_date,
    visit_input,
)


def _refused(request: HttpRequest, transplant_id: int, error: Any, form: str) -> HttpResponse:
    return render_refused(request, TEMPLATE, followup_context(request, transplant_id), error, form)


def _back(transplant_id: int) -> HttpResponse:
    return redirect("transplant:followup", transplant_id=transplant_id)


@require_perm(RECORD)
@require_POST
def visit_correct(request: HttpRequest, transplant_id: int, visit_id: int) -> HttpResponse:
    """Correct a signed visit: the signed one stays, read-only; the new draft supersedes it."""
    with refusal_kept() as kept:
        visits.visit_correct(
            **acting(request), visit_id=visit_id,
            reason=request.POST.get("reason", "")[:2001], data=visit_input(request.POST),
        )  # fmt: skip
        messages.success(
            request, _("Correzione registrata: una nuova bozza sostituisce la visita firmata.")
        )
        return _back(transplant_id)
    assert kept.error is not None
    context = followup_context(request, transplant_id)
    form = "visits"  # a visit with no correction form (a draft, corrected already): the list
    for correction in context["corrections"]:  # the typed values back in the refused form
        if correction["form"] == f"correct-{visit_id}":
            correction["values"] = {k: v[:8000] for k, v in request.POST.items()}
            form = correction["form"]
    return render_refused(request, TEMPLATE, context, kept.error, form)


@require_perm(RECORD)
@require_POST
def response_record(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST
    with refusal_kept() as kept:
        records.response_record(
            **acting(request), transplant_id=transplant_id,
            assessed_on=required_date(post, "response_on"),
            response=post.get("response", "")[:30], note=post.get("response_note", "")[:8001],
        )  # fmt: skip
        messages.success(request, _("Risposta della malattia registrata."))
        return _back(transplant_id)
    assert kept.error is not None
    return _refused(request, transplant_id, kept.error, "response")


def _granted(raw: str | None) -> bool:
    if raw in ("yes", "no"):
        return raw == "yes"
    raise ValidationFailed(
        "Indica se il consenso è stato accordato o negato.", code="granted_required",
        field="granted",
    )  # fmt: skip


@require_perm(RECORD)
@require_POST
def consent_record(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST
    with refusal_kept() as kept:
        records.consent_record(
            **acting(request), transplant_id=transplant_id, kind=post.get("kind", "")[:20],
            given_on=required_date(post, "given_on"), granted=_granted(post.get("granted")),
            document_version=post.get("document_version", "")[:100],
            note=post.get("consent_note", "")[:8001],
        )  # fmt: skip
        messages.success(request, _("Consenso registrato."))
        return _back(transplant_id)
    assert kept.error is not None
    return _refused(request, transplant_id, kept.error, "consent")


@require_perm(RECORD)
@require_POST
def adverse_event_record(request: HttpRequest, transplant_id: int) -> HttpResponse:
    post = request.POST
    with refusal_kept() as kept:
        grade = post_int(post.get("ctcae_grade"), "ctcae_grade")
        if grade is None:
            raise ValidationFailed(
                "Indica il grado CTCAE (da 1 a 5).", code="ctcae_grade_required",
                field="ctcae_grade",
            )  # fmt: skip
        records.adverse_event_record(
            **acting(request), transplant_id=transplant_id,
            occurred_on=required_date(post, "occurred_on"), term=post.get("term", "")[:400],
            ctcae_grade=grade, severity=post.get("severity", "")[:20],
            relation=post.get("relation", "")[:20],
            reported_on=posted_date(post.get("reported_on"), "reported_on"),
            note=post.get("adverse_note", "")[:8001],
        )  # fmt: skip
        messages.success(request, _("Evento avverso registrato."))
        return _back(transplant_id)
    assert kept.error is not None
    return _refused(request, transplant_id, kept.error, "adverse")
