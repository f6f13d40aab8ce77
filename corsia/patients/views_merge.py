"""The merges page (/patients/merges/): the latest merges, what each module moved or left,
and the action that undoes a wrong one (reason required)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.core.access import require_perm
from corsia.core.refusals import refusals_as_messages
from corsia.core.web import acting, request_actor
from corsia.core.web import request_workstation as _ws
from corsia.patients import selectors_merge, services

UNMERGE = "patients.unmerge_patient"


@require_perm(UNMERGE)
def merges(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("stato", "")
    rows = selectors_merge.merges_list(
        user=request_actor(request), state=state, workstation=_ws(request)
    )
    return render(request, "patients/merges.html", {"rows": rows, "state": state})


@require_perm(UNMERGE)
@require_POST
def unmerge(request: HttpRequest, merge_id: int) -> HttpResponse:
    with refusals_as_messages(request):
        services.patient_unmerge(
            **acting(request),
            merge_id=merge_id,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Unione annullata: il duplicato è di nuovo un paziente a sé."))
    return redirect("patients:merges")
