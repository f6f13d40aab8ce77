from django.urls import path

from corsia.administration.bedside import views as bedside
from corsia.administration.pumps import views as pumps
from corsia.administration.scheduling import views as scheduling

app_name = "administration"

urlpatterns = [
    path("pumps/", pumps.pump_dashboard, name="pumps"),
    path("pumps/board/", pumps.pump_board_partial, name="pump_board"),
    path("", bedside.worklist, name="worklist"),
    path("patient/<int:patient_id>/today/", bedside.patient_today, name="patient_today"),
    path("bedside/", bedside.bedside, name="bedside"),
    path("appointment/", scheduling.appointment, name="appointment"),
    path("<int:pk>/", bedside.detail, name="detail"),
    path("<int:pk>/end/", bedside.end, name="end"),
    path("<int:pk>/interrupt/", bedside.interrupt, name="interrupt"),
    path("<int:pk>/pump/", bedside.pump, name="pump"),
    path("label/<int:item_id>/", bedside.ward_label_pdf, name="ward_label"),
]
