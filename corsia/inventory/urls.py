from django.urls import path

from corsia.inventory import views, views_interfaces
from corsia.inventory.views_requests import pharmacy, ward

app_name = "inventory"

urlpatterns = [
    path("", views.stock_page, name="stock"),
    path("expiring/", views.expiring_page, name="expiring"),
    path("movements/", views.movements_page, name="movements"),
    path("load/", views.load_page, name="load"),
    path("consumption/", views.consumption_page, name="consumption"),
    path(
        "consumption/export/",
        views_interfaces.consumption_export_page,
        name="consumption_export",
    ),
    path("procurement/", views_interfaces.procurement_page, name="procurement"),
    # the wards' requests to the pharmacy (issue 19)
    path("requests/", ward.request_list, name="requests"),
    path("requests/new/", ward.request_new, name="request_new"),
    path("requests/queue/", pharmacy.request_queue, name="request_queue"),
    path("requests/<int:request_id>/", ward.request_detail, name="request"),
    path("requests/<int:request_id>/receive/", ward.request_receive, name="request_receive"),
    path("requests/<int:request_id>/evaluate/", pharmacy.request_evaluate, name="request_evaluate"),
    path("requests/<int:request_id>/pick/", pharmacy.request_pick, name="request_pick"),
    path(
        "requests/<int:request_id>/document/",
        pharmacy.delivery_document,
        name="request_document",
    ),
    path("ward-stock/", pharmacy.ward_stock, name="ward_stock"),
]
