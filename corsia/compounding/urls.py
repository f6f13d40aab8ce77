from django.urls import path

from corsia.compounding import views

app_name = "compounding"

urlpatterns = [
    path("", views.workplan, name="workplan"),
    path("rows/", views.workplan_rows, name="workplan_rows"),
    path("scan/", views.scan_label, name="scan_label"),
    path("sessions/", views.session_open, name="session_open"),
    path("vials/", views.vial_plan, name="vials"),
    path("leftovers/", views.leftovers, name="leftovers"),
    path("exposures/", views.exposures, name="exposures"),
    path("orders/<int:order_id>/", views.order_page, name="order"),
    path("orders/<int:order_id>/action/", views.order_action, name="order_action"),
    path("orders/<int:order_id>/checkout/", views.checkout_page, name="checkout"),
    path("checkouts/<int:checkout_id>/", views.checkout_done, name="checkout_done"),
    path("checkouts/<int:checkout_id>/label.pdf", views.bag_label_pdf, name="bag_label"),
    path("preparations/<int:preparation_id>/", views.preparation_page, name="preparation"),
    path(
        "preparations/<int:preparation_id>/action/",
        views.preparation_action,
        name="preparation_action",
    ),
    path("preparations/<int:preparation_id>/label.pdf", views.label_pdf, name="label_pdf"),
    path("preparations/<int:preparation_id>/label.zpl", views.label_zpl, name="label_zpl"),
    path("preparations/<int:preparation_id>/worksheet.pdf", views.worksheet_pdf, name="worksheet"),
]
