from django.urls import path

from corsia.prescribing import views

app_name = "prescribing"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("pharmacy/", views.pharmacy, name="pharmacy"),
    path("patient/<int:patient_id>/", views.patient_therapy, name="patient"),
    path("patient/<int:patient_id>/measures/", views.measure, name="measure"),
    path("patient/<int:patient_id>/diagnoses/", views.diagnosis_add, name="diagnosis_add"),
    path("patient/<int:patient_id>/prior-doses/", views.prior_dose_add, name="prior_dose_add"),
    path("patient/<int:patient_id>/orders/new/", views.order_new, name="order_new"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("orders/<int:order_id>/transition/", views.order_transition, name="transition"),
    path("orders/<int:order_id>/reduce-all/", views.reduce_all, name="reduce_all"),
    path("orders/<int:order_id>/recalculate/", views.recalculate, name="recalculate"),
    path("orders/<int:order_id>/duplicate/", views.duplicate, name="duplicate"),
    path("orders/<int:order_id>/general/", views.general, name="general"),
    path("orders/<int:order_id>/sign/", views.sign, name="sign"),
    path("orders/<int:order_id>/days/<int:day>/move/", views.move_day, name="move_day"),
    path("orders/<int:order_id>/items/<int:item_id>/adjust/", views.item_adjust, name="adjust"),
    path("orders/<int:order_id>/items/<int:item_id>/status/", views.item_status, name="status"),
    path(
        "orders/<int:order_id>/items/<int:item_id>/product/",
        views.choose_product,
        name="choose_product",
    ),
    path(
        "orders/<int:order_id>/items/<int:item_id>/preview/",
        views.reduction_preview,
        name="reduction_preview",
    ),
]
