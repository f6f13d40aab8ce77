from django.urls import path

from corsia.drugs import views

app_name = "drugs"

urlpatterns = [
    path("", views.search, name="search"),
    path("ingredients/<slug:code>/", views.ingredient_detail, name="ingredient"),
    path("products/<slug:code>/", views.product_detail, name="product"),
    path(
        "products/<slug:code>/compounding-verify/",
        views.product_compounding_verify,
        name="product_compounding_verify",
    ),
    path("compounding/", views.compounding_data, name="compounding"),
    path("interactions/", views.interactions, name="interactions"),
    path("import/", views.import_upload, name="import"),
]
