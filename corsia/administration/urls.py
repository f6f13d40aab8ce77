from django.urls import path

from corsia.administration import bedside_views, views

app_name = "administration"

urlpatterns = [
    path("pumps/", views.pump_dashboard, name="pumps"),
    path("pumps/board/", views.pump_board_partial, name="pump_board"),
    path("", bedside_views.worklist, name="worklist"),
    path("patient/<int:patient_id>/today/", bedside_views.patient_today, name="patient_today"),
    path("bedside/", bedside_views.bedside, name="bedside"),
    path("appointment/", bedside_views.appointment, name="appointment"),
    path("<int:pk>/", bedside_views.detail, name="detail"),
    path("<int:pk>/end/", bedside_views.end, name="end"),
    path("<int:pk>/interrupt/", bedside_views.interrupt, name="interrupt"),
    path("<int:pk>/pump/", bedside_views.pump, name="pump"),
    path("label/<int:item_id>/", bedside_views.ward_label_pdf, name="ward_label"),
]
