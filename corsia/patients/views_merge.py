"""The merges page (/patients/merges/): the latest merges, what each module moved or left,
and the action that undoes a wrong one (reason required)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import act_with_reason
from corsia.core.web import viewing
from corsia.patients import selectors_merge, services

UNMERGE = "patients.unmerge_patient"


@require_perm(UNMERGE)
def merges(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("stato", "")
    rows = selectors_merge.merges_list(
        **viewing(request),
        state=state,
    )
    return render(request, "patients/merges.html", {"rows": rows, "state": state})


@require_perm(UNMERGE)
@require_POST
def unmerge(request: HttpRequest, merge_id: int) -> HttpResponse:
    act_with_reason(
        request,
        services.patient_unmerge,
        done=_("Unione annullata: il duplicato è di nuovo un paziente a sé."),
        merge_id=merge_id,
    )
    return redirect("patients:merges")
