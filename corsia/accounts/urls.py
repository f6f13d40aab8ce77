from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from corsia.accounts import views, views_admin
from corsia.accounts.forms import CorsiaAuthenticationForm
from corsia.core.access import login_only, public

app_name = "accounts"

# Django's own auth views are declared like every other page (permission-matrix test).
urlpatterns = [
    path("", views.landing, name="landing"),
    path(
        "login/",
        public(
            auth_views.LoginView.as_view(
                template_name="accounts/login.html", authentication_form=CorsiaAuthenticationForm
            )
        ),
        name="login",
    ),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password/",
        login_only(
            views.CorsiaPasswordChangeView.as_view(
                template_name="accounts/password_change.html",
                success_url=reverse_lazy("accounts:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        login_only(
            auth_views.PasswordChangeDoneView.as_view(
                template_name="accounts/password_change_done.html"
            )
        ),
        name="password_change_done",
    ),
    # Administration (IT staff): users, roles, workstations.
    path("accounts/users/", views_admin.user_list, name="users"),
    path("accounts/users/new/", views_admin.user_create, name="user_create"),
    path("accounts/users/<int:user_id>/", views_admin.user_detail, name="user_detail"),
    path("accounts/users/<int:user_id>/roles/", views_admin.user_roles, name="user_roles"),
    path(
        "accounts/users/<int:user_id>/deactivate/",
        views_admin.user_deactivate,
        name="user_deactivate",
    ),
    path(
        "accounts/users/<int:user_id>/reactivate/",
        views_admin.user_reactivate,
        name="user_reactivate",
    ),
    path("accounts/users/<int:user_id>/password/", views_admin.user_password, name="user_password"),
    path(
        "accounts/role-requests/<int:request_id>/approve/",
        views_admin.role_request_approve,
        name="role_request_approve",
    ),
    path(
        "accounts/role-requests/<int:request_id>/reject/",
        views_admin.role_request_reject,
        name="role_request_reject",
    ),
    path("accounts/workstations/", views_admin.workstation_list, name="workstations"),
    path("accounts/workstations/new/", views_admin.workstation_create, name="workstation_create"),
    path(
        "accounts/workstations/<int:workstation_id>/",
        views_admin.workstation_edit,
        name="workstation_edit",
    ),
]
