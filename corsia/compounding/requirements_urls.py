"""The requirements page's address: mounted at /inventory/requirements/ by config/urls.py."""

from django.urls import path

from corsia.compounding import requirements_views

app_name = "requirements"

urlpatterns = [
    path("", requirements_views.requirements_page, name="page"),
]
