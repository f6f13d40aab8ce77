from django.urls import path

from corsia.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("accesso/", views.sign_in, name="sign_in"),
    path("accesso/codice/", views.sign_in_code, name="sign_in_code"),
    path("accesso/spid-cie/", views.oidc_start, name="oidc_start"),
    path("accesso/spid-cie/ritorno/", views.oidc_callback, name="oidc_callback"),
    path("esci/", views.sign_out, name="sign_out"),
]
