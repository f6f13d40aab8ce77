from django.urls import path

from corsia.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:run_id>/", views.run, name="run"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/download/", views.run_download, name="run_download"),
    path("<slug:code>/", views.report, name="report"),
    path("<slug:code>/export/", views.export, name="export"),
]
