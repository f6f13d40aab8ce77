from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from corsia.accounts import views
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
]
