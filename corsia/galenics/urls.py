from django.urls import path

from corsia.galenics import views

app_name = "galenics"

urlpatterns = [
    path("", views.index, name="index"),
    path("formulas/new/", views.formula_create, name="formula_create"),
    path("formulas/<int:formula_id>/", views.formula_page, name="formula"),
    path("formulas/<int:formula_id>/publish/", views.formula_publish, name="formula_publish"),
    path("formulas/<int:formula_id>/version/", views.formula_new_version, name="formula_version"),
    path("formulas/<int:formula_id>/batch/", views.batch_open, name="batch_open"),
    path("batches/<int:batch_id>/", views.batch_page, name="batch"),
    path("batches/lines/<int:line_id>/weighing/", views.line_weigh, name="weigh"),
    path("batches/<int:batch_id>/qc/", views.qc_record, name="qc"),
    path("batches/<int:batch_id>/prepared/", views.batch_prepared, name="prepared"),
    path("batches/<int:batch_id>/release/", views.batch_release, name="release"),
    path("batches/<int:batch_id>/reject/", views.batch_reject, name="reject"),
    path("batches/<int:batch_id>/label.pdf", views.batch_label_pdf, name="label_pdf"),
    path("batches/<int:batch_id>/dispense/", views.batch_dispense, name="dispense"),
]
