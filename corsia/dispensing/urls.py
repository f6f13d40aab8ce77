from django.urls import path

from corsia.dispensing import views, views_prints

app_name = "dispensing"

urlpatterns = [
    path("", views.desk_page, name="desk"),
    path("patients/<int:patient_id>/", views.patient_page, name="patient"),
    path("patients/<int:patient_id>/dispense/", views.dispense, name="dispense"),
    path("patients/<int:patient_id>/plans/new/", views.plan_create, name="plan_create"),
    path(
        "patients/<int:patient_id>/delegations/new/",
        views.delegation_create,
        name="delegation_create",
    ),
    # the receipt and the ward's delivery document: archived prints (views_prints.py)
    path("dispensings/<int:dispensing_id>/receipt/", views_prints.receipt, name="receipt"),
    path(
        "dispensings/<int:dispensing_id>/receipt.pdf",
        views_prints.receipt_pdf,
        name="receipt_pdf",
    ),
    path(
        "ward-requests/<int:request_id>/delivery-document.pdf",
        views_prints.delivery_document_pdf,
        name="delivery_document_pdf",
    ),
    path("lots/", views.lots, name="lots"),
    path("plans/<int:plan_id>/close/", views.plan_close, name="plan_close"),
    path(
        "delegations/<int:delegation_id>/revoke/",
        views.delegation_revoke,
        name="delegation_revoke",
    ),
]
