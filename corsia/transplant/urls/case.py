from django.urls import path

from corsia.transplant.views import case as views

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("patients/<int:patient_id>/", views.patient_page, name="patient"),
    path("patients/<int:patient_id>/open/", views.case_open, name="open"),
    path("cases/<int:transplant_id>/", views.case_page, name="case"),
    path("cases/<int:transplant_id>/update/", views.case_update, name="update"),
    path("cases/<int:transplant_id>/cancel/", views.case_cancel, name="cancel"),
]
