"""Pages of the case: the unit's transplants, a patient's cases with the taking-in-charge
form, one case (its header and the parts of the pathway), its change and cancellation.
Thin: parse, call the service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.paging import paginate
from corsia.core.refusals import refusal_kept
from corsia.core.web import acting, posted_date, posted_version
from corsia.core.web import request_actor as _actor
from corsia.core.web import request_workstation as _ws
from corsia.patients.selectors import patient_get
from corsia.transplant import selectors, services
from corsia.transplant.domain import codes
from corsia.transplant.permissions import DECIDE, RECORD, VIEW
from corsia.transplant.views.common import optional_url, render_refused

PAGE_SIZE = 50  # cases per page of the unit's list


def case_choices() -> dict[str, Any]:
    return {
        "transplant_types": codes.TransplantType.labels_it().items(),
        "sources": codes.StemCellSource.labels_it().items(),
    }


@require_perm(VIEW)
def unit_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    user = _actor(request)
    # paged (issue 27): every case reachable, the most recent first (before: the newest 500)
    paged = paginate(
        request, selectors.unit_transplants(user=user, open_only=not show_all), page_size=PAGE_SIZE
    )
    cases = selectors.unit_transplants_shown(user=user, cases=paged.page, workstation=_ws(request))
    return render(
        request,
        "transplant/list.html",
        {"cases": cases, "paged": paged, "show_all": show_all},
    )


def _patient_context(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    patient = patient_get(user=_actor(request), patient_id=patient_id)
    return {
        "patient": patient,
        "cases": selectors.patient_transplants(
            user=_actor(request), patient_id=patient.pk, workstation=_ws(request)
        ),
        "may_decide": request.user.has_perm(DECIDE),
        "values": {},
        "refused": {},
        **case_choices(),
    }


@require_perm(VIEW)
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    context = _patient_context(request, patient_id)
    if context["patient"].pk != patient_id:
        return redirect("transplant:patient", patient_id=context["patient"].pk)
    return render(request, "transplant/patient.html", context)


def case_input(request: HttpRequest) -> services.CaseInput:
    post = request.POST
    return services.CaseInput(
        transplant_type=post.get("transplant_type", "")[:20],
        source=post.get("source", "")[:20],
        indication=post.get("indication", "")[:4000],
        diagnosis_code=post.get("diagnosis_code", "")[:10],
        disease_status=post.get("disease_status", "")[:120],
        coordinator=post.get("coordinator", "")[:150],
        taken_in_charge_on=posted_date(post.get("taken_in_charge_on"), "taken_in_charge_on"),
        note=post.get("note", "")[:4000],
    )


@require_perm(DECIDE)
@require_POST
def case_open(request: HttpRequest, patient_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        case = services.transplant_open(
            **acting(request), patient_id=patient_id, data=case_input(request)
        )
        messages.success(request, _("Paziente preso in carico per il trapianto."))
        return redirect("transplant:case", transplant_id=case.pk)
    assert kept.error is not None
    context = _patient_context(request, patient_id)
    return render_refused(request, "transplant/patient.html", context, kept.error, "open")


# --- one case ----------------------------------------------------------------------------------

# Each part of the pathway adds what its section of the case page needs: a function of
# (request, case) returning context, registered here by the part's own views module.
CASE_SECTIONS: list[Any] = []


def case_context(request: HttpRequest, transplant_id: int) -> dict[str, Any]:
    case = selectors.transplant_get(
        user=_actor(request), transplant_id=transplant_id, workstation=_ws(request)
    )
    context: dict[str, Any] = {
        "case": case,
        "patient": case.patient,
        "may_record": request.user.has_perm(RECORD) and case.is_open,
        "may_decide": request.user.has_perm(DECIDE) and case.is_open,
        "followup_url": optional_url("transplant:followup", case.pk),
        "values": {},
        "refused": {},
        **case_choices(),
    }
    for section in CASE_SECTIONS:
        context.update(section(request, case))
    return context


@require_perm(VIEW)
def case_page(request: HttpRequest, transplant_id: int) -> HttpResponse:
    return render(request, "transplant/case.html", case_context(request, transplant_id))


def case_refused(request: HttpRequest, transplant_id: int, error: Any, form: str) -> HttpResponse:
    """The case page again, with the refusal beside ``form``."""
    context = case_context(request, transplant_id)
    return render_refused(request, "transplant/case.html", context, error, form)


@require_perm(DECIDE)
@require_POST
def case_update(request: HttpRequest, transplant_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        services.transplant_update(
            **acting(request), transplant_id=transplant_id,
            expected_version=posted_version(request), data=case_input(request),
        )  # fmt: skip
        messages.success(request, _("Dati del trapianto aggiornati."))
        return redirect("transplant:case", transplant_id=transplant_id)
    assert kept.error is not None
    return case_refused(request, transplant_id, kept.error, "update")


@require_perm(DECIDE)
@require_POST
def case_cancel(request: HttpRequest, transplant_id: int) -> HttpResponse:
    with refusal_kept() as kept:
        services.transplant_cancel(
            **acting(request), transplant_id=transplant_id,
            expected_version=posted_version(request),
            reason=request.POST.get("reason", "")[:4000],
        )  # fmt: skip
        messages.success(request, _("Percorso di trapianto annullato."))
        return redirect("transplant:case", transplant_id=transplant_id)
    assert kept.error is not None
    return case_refused(request, transplant_id, kept.error, "cancel")
