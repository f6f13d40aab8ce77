from django.urls import path

from corsia.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf", views.pdf, name="pdf"),
    path("patient/<int:patient_id>/", views.patient_list, name="patient_list"),
    path("templates/", views.templates, name="templates"),
    path("templates/<slug:code>/", views.template_edit, name="template_edit"),
    path("templates/<slug:code>/diff/", views.template_diff, name="template_diff"),
    path(
        "templates/<slug:code>/<int:template_id>/activation/",
        views.template_activation,
        name="template_activation",
    ),
]
