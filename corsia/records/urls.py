from django.urls import path

from corsia.records import (
    views,
    views_course,
    views_letters,
    views_reports,
    views_staging,
    views_wristband,
)

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
    path(
        "patients/<int:patient_id>/wristband.pdf",
        views_wristband.wristband_pdf,
        name="wristband_pdf",
    ),
    path("patients/<int:patient_id>/reports/", views_reports.reports, name="reports"),
    path(
        "patients/<int:patient_id>/reports/<int:report_id>/correct/",
        views_reports.report_correct,
        name="report_correct",
    ),
    path("diagnosis/<int:diagnosis_id>/edit/", views.diagnosis_edit, name="diagnosis_edit"),
    path("diary/<int:entry_id>/correct/", views.diary_correct, name="diary_correct"),
    path("patients/<int:patient_id>/staging/", views_staging.staging, name="staging"),
    path("patients/<int:patient_id>/scores/", views_staging.scores, name="scores"),
    # the treatment course (views_course.py)
    path("patients/<int:patient_id>/course/", views_course.course, name="course"),
    path("patients/<int:patient_id>/course/lines/", views_course.line_start, name="line_start"),
    path(
        "patients/<int:patient_id>/course/lines/<int:line_id>/close/",
        views_course.line_close,
        name="line_close",
    ),
    path(
        "patients/<int:patient_id>/course/lines/<int:line_id>/orders/",
        views_course.line_orders,
        name="line_orders",
    ),
    path(
        "patients/<int:patient_id>/course/lines/<int:line_id>/evaluation/",
        views_course.evaluation,
        name="evaluation",
    ),
    path("patients/<int:patient_id>/course/plan/", views_course.plan_item, name="plan_item"),
    path(
        "patients/<int:patient_id>/course/home-therapy/",
        views_course.home_therapy,
        name="home_therapy",
    ),
    path(
        "patients/<int:patient_id>/course/home-therapy/<int:therapy_id>/stop/",
        views_course.home_therapy_stop,
        name="home_therapy_stop",
    ),
    path(
        "patients/<int:patient_id>/course/appointments/",
        views_course.appointment,
        name="appointment",
    ),
    path(
        "patients/<int:patient_id>/course/appointments/<int:appointment_id>/cancel/",
        views_course.appointment_cancel,
        name="appointment_cancel",
    ),
    path("patients/<int:patient_id>/letters/", views_letters.letters, name="letters"),
    path(
        "patients/<int:patient_id>/stay-diary.pdf",
        views_letters.stay_diary_pdf,
        name="stay_diary_pdf",
    ),
    path("letters/<int:letter_id>/", views_letters.letter, name="letter"),
    path("letters/<int:letter_id>/sign/", views_letters.letter_sign, name="letter_sign"),
    path("letters/<int:letter_id>/correct/", views_letters.letter_correct, name="letter_correct"),
    path("patients/<int:patient_id>/tumour-boards/", views_letters.boards, name="boards"),
    path("tumour-boards/<int:board_id>/", views_letters.board, name="board"),
    path("tumour-boards/<int:board_id>/sign/", views_letters.board_sign, name="board_sign"),
]
