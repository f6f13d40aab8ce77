from django.urls import path

from corsia.vascular import views

app_name = "vascular"

urlpatterns = [
    path("", views.ward_list, name="list"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/csv/", views.statistics_csv, name="statistics_csv"),
    path("patients/<int:patient_id>/", views.patient_page, name="patient"),
    path("patients/<int:patient_id>/insert/", views.insert, name="insert"),
    path("patients/<int:patient_id>/request/", views.request_device, name="request"),
    path("devices/<int:device_id>/", views.device_page, name="device"),
    path("devices/<int:device_id>/insertion/", views.insert_planned, name="insert_planned"),
    path("devices/<int:device_id>/cancel/", views.cancel, name="cancel"),
    path("devices/<int:device_id>/care/", views.care, name="care"),
    path("devices/<int:device_id>/complication/", views.complication, name="complication"),
    path("devices/<int:device_id>/removal/", views.removal, name="removal"),
    path("events/<int:event_id>/correction/", views.correct, name="correct"),
]
