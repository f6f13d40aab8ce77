from django.urls import path

from corsia.nutrition import views, views_bedside, views_labels, views_orders, views_templates

app_name = "nutrition"

urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("compounder.csv", views.compounder_csv_download, name="compounder_csv"),
    path("patients/<int:patient_id>/", views_orders.patient_page, name="patient"),
    path("patients/<int:patient_id>/new/", views_orders.order_new, name="order_new"),
    path("orders/<int:order_id>/", views_orders.order_page, name="order"),
    path("orders/<int:order_id>/edit/", views_orders.order_edit, name="order_edit"),
    path("orders/<int:order_id>/sign/", views_orders.order_sign, name="order_sign"),
    path("orders/<int:order_id>/validate/", views_orders.order_validate, name="order_validate"),
    path("orders/<int:order_id>/reject/", views_orders.order_reject, name="order_reject"),
    path("orders/<int:order_id>/prepare/", views_orders.order_prepare, name="order_prepare"),
    path("orders/<int:order_id>/cancel/", views_orders.order_cancel, name="order_cancel"),
    path("orders/<int:order_id>/compounder.csv", views_orders.order_csv, name="order_csv"),
    path("templates/", views_templates.templates_page, name="templates"),
    path("templates/new/", views_templates.template_new, name="template_new"),
    path(
        "templates/<int:template_id>/retire/",
        views_templates.template_retire,
        name="template_retire",
    ),
    path("orders/<int:order_id>/label.pdf", views_labels.label_pdf, name="label_pdf"),
    path("orders/<int:order_id>/label.zpl", views_labels.label_zpl, name="label_zpl"),
    path("work-plan/", views_orders.work_plan_page, name="work_plan"),
    path("check-out/", views_bedside.check_out, name="check_out"),
    path("patients/<int:patient_id>/bedside/", views_bedside.bedside_page, name="bedside"),
    path(
        "patients/<int:patient_id>/bedside/start/",
        views_bedside.bedside_start,
        name="bedside_start",
    ),
    path(
        "patients/<int:patient_id>/bedside/end/<int:order_id>/",
        views_bedside.bedside_end,
        name="bedside_end",
    ),
]
