from django.urls import path

from corsia.inventory import views, views_interfaces

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
]
