from django.urls import path

from corsia.inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.stock_page, name="stock"),
    path("expiring/", views.expiring_page, name="expiring"),
    path("movements/", views.movements_page, name="movements"),
    path("load/", views.load_page, name="load"),
    path("consumption/", views.consumption_page, name="consumption"),
]
