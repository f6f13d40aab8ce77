from django.urls import path

from corsia.nursing import views

app_name = "nursing"

urlpatterns = [
    path("patients/<int:patient_id>/", views.patient_page, name="patient"),
    path("patients/<int:patient_id>/scales/<slug:code>/", views.assess, name="assess"),
    path("patients/<int:patient_id>/anamnesis/", views.anamnesis_page, name="anamnesis"),
    path("patients/<int:patient_id>/notes/", views.note_write, name="note_write"),
    path("patients/<int:patient_id>/monitoring/", views.monitoring_record, name="monitoring"),
    path("assessments/<int:assessment_id>/", views.assessment_page, name="assessment"),
    path("scales/", views.scales_page, name="scales"),
    path("scales/<int:scale_id>/", views.scale_page, name="scale"),
    path("scales/<int:scale_id>/activation/", views.scale_activation, name="scale_activation"),
]
