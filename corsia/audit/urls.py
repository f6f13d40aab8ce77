from django.urls import path

from corsia.audit import views

app_name = "audit"

urlpatterns = [
    path("accesses/", views.access_log, name="access_log"),
    path("accesses/export.fhir.json", views.access_log_export, name="access_log_export"),
    path("history/<str:app_label>/<str:model_name>/<str:pk>/", views.history, name="history"),
]
