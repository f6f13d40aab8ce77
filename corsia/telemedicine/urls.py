from django.urls import path

from corsia.telemedicine import views

app_name = "telemedicine"

urlpatterns = [
    path("", views.home, name="home"),
    path("schedule/", views.schedule, name="schedule"),
    path("consultations/", views.consultation_request, name="consultation_request"),
    path("<int:televisit_id>/", views.visit_page, name="visit"),
    path("<int:televisit_id>/consent/", views.consent, name="consent"),
    path("<int:televisit_id>/open/", views.open_room, name="open"),
    path("<int:televisit_id>/close/", views.close_room, name="close"),
    path("<int:televisit_id>/cancel/", views.cancel, name="cancel"),
    path("<int:televisit_id>/report/", views.report, name="report"),
    path("<int:televisit_id>/answer/", views.answer, name="answer"),
    path("<int:televisit_id>/signal/", views.signal, name="signal"),
    path("portale/", views.portal_list, name="portal_list"),
    path("portale/<int:televisit_id>/", views.portal_room, name="portal_room"),
    path("portale/<int:televisit_id>/signal/", views.portal_signal, name="portal_signal"),
]
