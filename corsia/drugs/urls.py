from django.urls import path

from corsia.drugs import views, views_archive

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
    path("archive-imports/", views_archive.archive_imports, name="archive_imports"),
    path(
        "archive-imports/<int:import_id>/",
        views_archive.archive_import_detail,
        name="archive_import",
    ),
    path(
        "archive-imports/<int:import_id>/decide/",
        views_archive.archive_changes_decide,
        name="archive_decide",
    ),
    path(
        "archive-imports/<int:import_id>/approve/",
        views_archive.archive_import_approve,
        name="archive_approve",
    ),
    path(
        "archive-imports/<int:import_id>/reject/",
        views_archive.archive_import_reject,
        name="archive_reject",
    ),
    path(
        "archive-imports/<int:import_id>/apply/",
        views_archive.archive_import_apply,
        name="archive_apply",
    ),
]
