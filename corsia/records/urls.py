from django.urls import path

from corsia.records import views

app_name = "records"

urlpatterns = [
    path("patients/<int:patient_id>/", views.chart, name="chart"),
]
