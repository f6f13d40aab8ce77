from django.urls import path

from corsia.records import views, views_letters

app_name = "records"

urlpatterns = [
    path("", views.search, name="search"),
    path("patients/<int:patient_id>/", views.chart, name="chart"),
    path("patients/<int:patient_id>/diary/", views.diary_sign, name="diary_sign"),
    path("patients/<int:patient_id>/ward-round/", views.ward_round, name="ward_round"),
    path("patients/<int:patient_id>/vitals/", views.vitals_record, name="vitals_record"),
    path("patients/<int:patient_id>/anamnesis/", views.anamnesis, name="anamnesis"),
    path("patients/<int:patient_id>/anamnesis/note/", views.anamnesis_note, name="anamnesis_note"),
    path("patients/<int:patient_id>/diagnosis/", views.diagnosis, name="diagnosis"),
    path(
        "patients/<int:patient_id>/performance-status/",
        views.performance_status,
        name="performance_status",
    ),
    path("patients/<int:patient_id>/labs/", views.lab_results, name="labs"),
    path("diagnosis/<int:diagnosis_id>/edit/", views.diagnosis_edit, name="diagnosis_edit"),
    path("diary/<int:entry_id>/correct/", views.diary_correct, name="diary_correct"),
    path("patients/<int:patient_id>/letters/", views_letters.letters, name="letters"),
    path("letters/<int:letter_id>/", views_letters.letter, name="letter"),
    path("letters/<int:letter_id>/sign/", views_letters.letter_sign, name="letter_sign"),
    path("letters/<int:letter_id>/correct/", views_letters.letter_correct, name="letter_correct"),
    path("patients/<int:patient_id>/tumour-boards/", views_letters.boards, name="boards"),
    path("tumour-boards/<int:board_id>/", views_letters.board, name="board"),
    path("tumour-boards/<int:board_id>/sign/", views_letters.board_sign, name="board_sign"),
]
