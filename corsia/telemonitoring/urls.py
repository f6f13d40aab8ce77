from django.urls import path

from corsia.telemonitoring import views, views_portal

app_name = "telemonitoring"

urlpatterns = [
    # the team
    path("allerte/", views.alerts_page, name="alerts"),
    path("pazienti/<int:patient_id>/", views.patient_page, name="patient"),
    path("pazienti/<int:patient_id>/soglie/", views.threshold_set, name="threshold_set"),
    path("pazienti/<int:patient_id>/diario/", views.diary_schedule, name="diary_schedule"),
    path("allerte/<int:alert_id>/valuta/", views.alert_close, name="alert_close"),
    # the patient, in the portal
    path("portale/", views_portal.home, name="portal_home"),
    path("portale/misura/", views_portal.measure, name="portal_measure"),
    path("portale/misura/dispositivo/", views_portal.measure_device, name="portal_device"),
    path("portale/misura/<uuid:measurement>/", views_portal.confirm, name="portal_confirm"),
    path("portale/diario/", views_portal.diary, name="portal_diary"),
]
