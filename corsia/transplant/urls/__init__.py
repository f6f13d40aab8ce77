"""Addresses of the pathway's pages: one module per part (``urls/case.py``, ...),
included here (one line per part) under the one namespace ``transplant``."""

from django.urls import include, path

app_name = "transplant"

urlpatterns = [
    path("", include("corsia.transplant.urls.case")),
    path("", include("corsia.transplant.urls.pretransplant")),
    path("", include("corsia.transplant.urls.followup")),
]
