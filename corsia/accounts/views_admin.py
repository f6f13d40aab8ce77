"""Administration pages for IT staff: users, roles, workstations.

Thin: each view validates the shape of the input and calls one service; the
service checks the permission again, writes the change and its audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from corsia.accounts import admin_selectors, admin_services, role_requests, services
from corsia.accounts.domain.roles import Role
from corsia.accounts.forms_admin import (
    ROLE_LABELS,
    PasswordResetForm,
    ReasonForm,
    RoleRejectForm,
    UserCreateForm,
    UserRolesForm,
    WorkstationForm,
)
from corsia.accounts.models import RoleRequest, User, Workstation
from corsia.core.access import require_perm
from corsia.core.refusals import form_refusals, refusals_as_messages
from corsia.core.web import request_actor, request_workstation

MANAGE_USERS = "accounts.manage_users"
MANAGE_WORKSTATIONS = "accounts.manage_workstations"
APPROVE_ROLES = "accounts.approve_roles"


_actor = request_actor
_workstation = request_workstation


def _role_labels(user: User) -> list[str]:
    names = {group.name for group in user.groups.all()}
    return [str(ROLE_LABELS[role]) for role in Role if role.value in names]


def _labels(codes: list[str]) -> list[str]:
    return [str(ROLE_LABELS[role]) for role in Role if role.value in set(codes)]


def _request_row(request: RoleRequest) -> dict[str, Any]:
    return {
        "request": request,
        "before": _labels(request.roles_before),
        "after": _labels(request.roles_after),
    }


# --- Users -----------------------------------------------------------------------------


@require_perm(MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    users = admin_selectors.user_list(actor=_actor(request), query=query)
    rows = [{"user": user, "roles": _role_labels(user)} for user in users]
    pending = [_request_row(r) for r in role_requests.role_requests_pending()]
    context = {"rows": rows, "query": query, "pending": pending}
    return render(request, "accounts/users/list.html", context)


@require_perm(MANAGE_USERS)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_refusals(form, not_found_is_404=False):
            created = services.user_create(
                actor=_actor(request),
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                tax_code=data["tax_code"],
                badge_code=data["badge_code"] or None,
                roles=data["roles"],
                reason=data["reason"],
                password=data["password"] or None,
                workstation=_workstation(request),
            )
            # (the roles asked for wait for approval: the user's page shows them as pending)
            messages.success(request, _("Utente «%(name)s» creato.") % {"name": created.username})
            return redirect("accounts:user_detail", user_id=created.pk)
    return render(request, "accounts/users/create.html", {"form": form})


def _pending_message() -> str:
    return _("I ruoli chiesti valgono dopo l'approvazione di un secondo amministratore.")


def _detail(request: HttpRequest, user_id: int, **forms: Any) -> HttpResponse:
    subject = User.objects.prefetch_related("groups").filter(pk=user_id).first()
    if subject is None:
        raise Http404
    current = [g.name for g in subject.groups.all() if g.name in {r.value for r in Role}]
    context = {
        "subject": subject,
        "roles": _role_labels(subject),
        "is_self": subject.pk == request.user.pk,
        "roles_form": forms.get("roles_form") or UserRolesForm(initial={"roles": current}),
        "status_form": forms.get("status_form") or ReasonForm(),
        "password_form": forms.get("password_form") or PasswordResetForm(),
        "pending": [
            _request_row(r) for r in role_requests.role_requests_pending().filter(user=subject)
        ],
        "reject_form": RoleRejectForm(),
    }
    return render(request, "accounts/users/detail.html", context)


@require_perm(MANAGE_USERS)
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    return _detail(request, user_id)


@require_perm(MANAGE_USERS)
@require_POST
def user_roles(request: HttpRequest, user_id: int) -> HttpResponse:
    form = UserRolesForm(request.POST)
    if form.is_valid():
        with form_refusals(form):
            pending = services.user_set_roles(
                actor=_actor(request),
                user_id=user_id,
                roles=form.cleaned_data["roles"],
                reason=form.cleaned_data["reason"],
                workstation=_workstation(request),
            )
            if pending is None:
                messages.success(request, _("Ruoli aggiornati."))
            else:
                messages.info(request, _pending_message())
            return redirect("accounts:user_detail", user_id=user_id)
    return _detail(request, user_id, roles_form=form)


def _set_active(request: HttpRequest, user_id: int, *, active: bool) -> HttpResponse:
    form = ReasonForm(request.POST)
    if form.is_valid():
        action = admin_services.user_reactivate if active else services.user_deactivate
        with form_refusals(form):
            action(
                actor=_actor(request),
                user_id=user_id,
                reason=form.cleaned_data["reason"],
                workstation=_workstation(request),
            )
            text = _("Utente riattivato.") if active else _("Utente disattivato.")
            messages.success(request, text)
            return redirect("accounts:user_detail", user_id=user_id)
    return _detail(request, user_id, status_form=form)


@require_perm(MANAGE_USERS)
@require_POST
def user_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    return _set_active(request, user_id, active=False)


@require_perm(MANAGE_USERS)
@require_POST
def user_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    return _set_active(request, user_id, active=True)


@require_perm(MANAGE_USERS)
@require_POST
def user_password(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = User.objects.filter(pk=user_id).first()
    if subject is None:
        raise Http404
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        with form_refusals(form, not_found_is_404=False):
            services.user_set_password(
                actor=_actor(request),
                user=subject,
                password=form.cleaned_data["password"],
                workstation=_workstation(request),
            )
            messages.success(request, _("Password reimpostata."))
            return redirect("accounts:user_detail", user_id=user_id)
    return _detail(request, user_id, password_form=form)


@require_perm(APPROVE_ROLES)
@require_POST
def role_request_approve(request: HttpRequest, request_id: int) -> HttpResponse:
    pending = RoleRequest.objects.filter(pk=request_id).first()
    if pending is None:
        raise Http404
    with refusals_as_messages(request):
        role_requests.role_request_approve(
            actor=_actor(request), request_id=request_id, workstation=_workstation(request)
        )
        messages.success(request, _("Richiesta approvata: i ruoli sono in vigore."))
    return redirect("accounts:user_detail", user_id=pending.user_id)


@require_perm(APPROVE_ROLES)
@require_POST
def role_request_reject(request: HttpRequest, request_id: int) -> HttpResponse:
    pending = RoleRequest.objects.filter(pk=request_id).first()
    if pending is None:
        raise Http404
    form = RoleRejectForm(request.POST)
    with refusals_as_messages(request):
        role_requests.role_request_reject(
            actor=_actor(request),
            request_id=request_id,
            reason=form.data.get("reason", ""),
            workstation=_workstation(request),
        )
        messages.success(request, _("Richiesta respinta."))
    return redirect("accounts:user_detail", user_id=pending.user_id)


# --- Workstations -----------------------------------------------------------------------


@require_perm(MANAGE_WORKSTATIONS)
def workstation_list(request: HttpRequest) -> HttpResponse:
    workstations = admin_selectors.workstation_list(actor=_actor(request))
    return render(request, "accounts/workstations/list.html", {"workstations": workstations})


@require_perm(MANAGE_WORKSTATIONS)
def workstation_create(request: HttpRequest) -> HttpResponse:
    form = WorkstationForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        with form_refusals(form, not_found_is_404=False):
            admin_services.workstation_create(
                actor=_actor(request),
                name=form.cleaned_data["name"],
                ip_address=form.cleaned_data["ip_address"],
                location=form.cleaned_data["location"],
                workstation=_workstation(request),
            )
            messages.success(request, _("Postazione creata."))
            return redirect("accounts:workstations")
    return render(request, "accounts/workstations/form.html", {"form": form, "editing": None})


@require_perm(MANAGE_WORKSTATIONS)
def workstation_edit(request: HttpRequest, workstation_id: int) -> HttpResponse:
    row = Workstation.objects.filter(pk=workstation_id).first()
    if row is None:
        raise Http404
    initial = {
        "name": row.name,
        "ip_address": row.ip_address or "",
        "location": row.location,
        "is_active": row.is_active,
    }
    form = WorkstationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_refusals(form, not_found_is_404=False):
            admin_services.workstation_update(
                actor=_actor(request),
                workstation_id=row.pk,
                name=form.cleaned_data["name"],
                ip_address=form.cleaned_data["ip_address"],
                location=form.cleaned_data["location"],
                is_active=form.cleaned_data["is_active"],
                workstation=_workstation(request),
            )
            messages.success(request, _("Postazione aggiornata."))
            return redirect("accounts:workstations")
    return render(request, "accounts/workstations/form.html", {"form": form, "editing": row})
