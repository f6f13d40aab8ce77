from django.urls import path

from corsia.patients import views

app_name = "patients"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.update, name="update"),
    path("<int:pk>/mask/", views.mask, name="mask"),
    path("<int:pk>/maskings/<int:masking_id>/unmask/", views.unmask, name="unmask"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/wristband.pdf", views.wristband_pdf, name="wristband_pdf"),
    path("<int:pk>/wristband.zpl", views.wristband_zpl, name="wristband_zpl"),
]
