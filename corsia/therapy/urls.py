from django.urls import path

from corsia.therapy import views, views_cabinet

app_name = "therapy"

urlpatterns = [
    path("", views.index, name="index"),
    path("ward/<str:ward_code>/", views.ward_round, name="round"),
    path("ward/<str:ward_code>/print/", views.ward_round_print, name="round_print"),
    path("ward/<str:ward_code>/round.pdf", views.round_pdf, name="round_pdf"),
    path("patient/<int:patient_id>/", views.patient_page, name="patient"),
    path("patient/<int:patient_id>/prescribe/", views.prescribe, name="prescribe"),
    path("prescriptions/<int:prescription_id>/", views.prescription_page, name="prescription"),
    path(
        "prescriptions/<int:prescription_id>/print/",
        views.prescription_print,
        name="prescription_print",
    ),
    path(
        "prescriptions/<int:prescription_id>/print.pdf",
        views.prescription_pdf,
        name="prescription_pdf",
    ),
    path("prescriptions/<int:prescription_id>/suspend/", views.suspend, name="suspend"),
    path("prescriptions/<int:prescription_id>/replace/", views.replace, name="replace"),
    path("prescriptions/<int:prescription_id>/dose/", views.dose_record, name="dose"),
    path("doses/<int:record_id>/correct/", views.dose_correct, name="dose_correct"),
    path("ward/<str:ward_code>/cabinet/", views_cabinet.cabinet, name="cabinet"),
    path(
        "ward/<str:ward_code>/cabinet/levels/<int:product_id>/",
        views_cabinet.cabinet_level,
        name="cabinet_level",
    ),
]
