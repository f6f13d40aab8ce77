from django.urls import path

from corsia.toxicity import views

app_name = "toxicity"

urlpatterns = [
    path("patient/<int:patient_id>/", views.patient_page, name="patient"),
    path("terms/", views.term_search, name="terms"),
    path("terms/<int:term_id>/grades/", views.term_grades, name="term_grades"),
    path("record/<int:record_id>/correct/", views.correct, name="correct"),
    path("record/<int:record_id>/entered-in-error/", views.entered_in_error, name="error"),
    path("extravasation/record/", views.extravasation_record, name="extravasation_record"),
    path(
        "extravasation/<int:ingredient_id>/",
        views.extravasation_procedure,
        name="extravasation",
    ),
]
