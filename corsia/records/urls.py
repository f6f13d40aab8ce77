from django.urls import path

from corsia.records import views

app_name = "records"

urlpatterns = [
    path("patients/<int:patient_id>/", views.chart, name="chart"),
    path("patients/<int:patient_id>/diary/", views.diary_sign, name="diary_sign"),
    path("diary/<int:entry_id>/correct/", views.diary_correct, name="diary_correct"),
]
