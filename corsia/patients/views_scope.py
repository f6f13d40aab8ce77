"""Pages of the care scope (``corsia.patients.scope``): break-the-glass from the search page,
the ward staff (coordinator, IT), the review of emergency accesses (privacy officer)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.accounts.domain.roles import Role
from corsia.accounts.selectors import users_in_role
from corsia.core.access import require_perm
from corsia.core.refusals import act_with_reason, form_refusals
from corsia.core.web import acting, request_actor, viewing
from corsia.patients import selectors, services
from corsia.patients.forms import BreakGlassForm, BreakGlassReviewForm, ReasonForm, WardStaffForm

VIEW = "patients.view_patient"
ASSIGN = "patients.assign_ward_staff"
REVIEW = "patients.review_break_glass"
_WARD_ROLES = (Role.PHYSICIAN, Role.NURSE, Role.COORDINATOR, Role.PHARMACIST, Role.TECHNICIAN)


@require_perm(VIEW)
@require_POST
def break_glass(request: HttpRequest) -> HttpResponse:
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        with form_refusals(form):
            grant = services.break_glass_request(
                **acting(request),
                code=form.cleaned_data["code"],
                category=form.cleaned_data["category"],
                reason=form.cleaned_data["reason"],
            )
            messages.warning(
                request,
                _("Accesso di emergenza registrato fino alle %s: sarà rivisto.")
                % f"{grant.expires_at.astimezone():%H:%M}",
            )
            return redirect("patients:detail", pk=grant.patient_id)
    code = request.POST.get("code", "")
    outside = selectors.patient_outside_scope(user=request_actor(request), text=code)
    context = {"query": code, "found": [], "outside": outside, "glass_form": form}
    return render(request, "patients/search.html", context, status=422)


def _staff_form(data: object = None) -> WardStaffForm:
    users = {u.username: u for role in _WARD_ROLES for u in users_in_role(role=role)}
    return WardStaffForm(
        data,
        users=[
            (u.username, f"{u.last_name} {u.first_name} ({u.username})".strip())
            for u in sorted(users.values(), key=lambda u: (u.last_name, u.first_name, u.username))
        ],
        wards=[(w.code, f"{w.name} ({w.code})") for w in selectors.care_wards()],
    )


@require_perm(ASSIGN)
def ward_staff(request: HttpRequest) -> HttpResponse:
    form = _staff_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_refusals(form):
            services.ward_staff_assign(
                **acting(request),
                username=form.cleaned_data["username"],
                ward_code=form.cleaned_data["ward_code"],
            )
            messages.success(request, _("Utente assegnato al reparto."))
            return redirect("patients:ward_staff")
    rows = selectors.ward_staff(user=request_actor(request))
    return render(
        request,
        "patients/ward_staff.html",
        {"form": form, "rows": rows, "end_form": ReasonForm()},
        status=422 if form.errors else 200,
    )


@require_perm(ASSIGN)
@require_POST
def ward_staff_end(request: HttpRequest, assignment_id: int) -> HttpResponse:
    act_with_reason(
        request,
        services.ward_staff_end,
        done=_("Assegnazione terminata."),
        assignment_id=assignment_id,
    )
    return redirect("patients:ward_staff")


def _review_page(
    request: HttpRequest, *, form: BreakGlassReviewForm | None = None, status: int = 200
) -> HttpResponse:
    pending = request.GET.get("tutti") != "1"
    grants = selectors.break_glass_grants(
        **viewing(request),
        pending_only=pending,
    )
    return render(
        request,
        "patients/break_glass_review.html",
        {"grants": grants, "pending": pending, "form": form or BreakGlassReviewForm()},
        status=status,
    )


@require_perm(REVIEW)
def break_glass_list(request: HttpRequest) -> HttpResponse:
    return _review_page(request)


@require_perm(REVIEW)
@require_POST
def break_glass_review(request: HttpRequest, grant_id: int) -> HttpResponse:
    form = BreakGlassReviewForm(request.POST)
    if form.is_valid():
        with form_refusals(form, whole_form=True):
            services.break_glass_review(
                **acting(request),
                grant_id=grant_id,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Revisione registrata."))
            return redirect("privacy:break_glass")
    return _review_page(request, form=form, status=422)
