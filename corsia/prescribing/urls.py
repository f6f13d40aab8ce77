from django.urls import path

from corsia.prescribing import views, views_interactions, views_order, views_regulatory

app_name = "prescribing"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("pharmacy/", views.pharmacy, name="pharmacy"),
    path("pharmacy/aifa/", views_regulatory.monitoring, name="aifa_monitoring"),
    path(
        "pharmacy/aifa/<int:requirement_id>/dispensing/",
        views_regulatory.dispensing,
        name="aifa_dispensing",
    ),
    path(
        "orders/<int:order_id>/regulatory/override/",
        views_regulatory.override,
        name="regulatory_override",
    ),
    path(
        "orders/<int:order_id>/regulatory/<int:requirement_id>/",
        views_regulatory.document,
        name="regulatory_document",
    ),
    path("patient/<int:patient_id>/", views.patient_therapy, name="patient"),
    path("patient/<int:patient_id>/measures/", views.measure, name="measure"),
    path("patient/<int:patient_id>/diagnoses/", views.diagnosis_add, name="diagnosis_add"),
    path("patient/<int:patient_id>/prior-doses/", views.prior_dose_add, name="prior_dose_add"),
    path("patient/<int:patient_id>/orders/new/", views.order_new, name="order_new"),
    path("orders/<int:order_id>/", views_order.order_detail, name="order"),
    path("orders/<int:order_id>/transition/", views_order.order_transition, name="transition"),
    path("orders/<int:order_id>/reduce-all/", views_order.reduce_all, name="reduce_all"),
    path("orders/<int:order_id>/recalculate/", views_order.recalculate, name="recalculate"),
    path("orders/<int:order_id>/duplicate/", views_order.duplicate, name="duplicate"),
    path("orders/<int:order_id>/general/", views_order.general, name="general"),
    path("orders/<int:order_id>/sign/", views_order.sign, name="sign"),
    path("orders/<int:order_id>/pgx/apply/", views_order.pgx_apply, name="pgx_apply"),
    path(
        "orders/<int:order_id>/pgx/acknowledge/",
        views_order.pgx_acknowledge,
        name="pgx_acknowledge",
    ),
    path(
        "orders/<int:order_id>/interactions/acknowledge/",
        views_interactions.order_interactions_ack,
        name="order_interactions_ack",
    ),
    path("orders/<int:order_id>/days/<int:day>/move/", views_order.move_day, name="move_day"),
    path(
        "orders/<int:order_id>/items/<int:item_id>/adjust/", views_order.item_adjust, name="adjust"
    ),
    path(
        "orders/<int:order_id>/items/<int:item_id>/status/", views_order.item_status, name="status"
    ),
    path(
        "orders/<int:order_id>/items/<int:item_id>/product/",
        views_order.choose_product,
        name="choose_product",
    ),
    path(
        "orders/<int:order_id>/items/<int:item_id>/preview/",
        views_order.reduction_preview,
        name="reduction_preview",
    ),
]
