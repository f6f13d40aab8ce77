from django.urls import path

from corsia.nursing import views, views_care

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
    path(
        "scales/<int:item_id>/activation/",
        views_care.activation,
        {"kind": "scale"},
        name="scale_activation",
    ),
    path("patients/<int:patient_id>/plan/", views_care.plan_page, name="plan"),
    path(
        "patients/<int:patient_id>/plan/<slug:action>/<int:item_id>/",
        views_care.plan_action,
        name="plan_action",
    ),
    path("patients/<int:patient_id>/discharge/", views_care.discharge_page, name="discharge"),
    path(
        "patients/<int:patient_id>/corrections/<slug:kind>/<int:row_id>/",
        views_care.correct_written,
        name="correct_written",
    ),
    path("care-templates/", views_care.care_templates_page, name="care_templates"),
    path(
        "care-templates/<int:item_id>/activation/",
        views_care.activation,
        {"kind": "template"},
        name="care_template_activation",
    ),
]
