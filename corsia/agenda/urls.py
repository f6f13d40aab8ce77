from django.urls import path

from corsia.agenda import views, views_organisation, views_plan

app_name = "agenda"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:agenda_id>/", views.day_page, name="day"),
    path("<int:agenda_id>/week/", views.week_page, name="week"),
    path("<int:agenda_id>/plan/", views_plan.plan_page, name="plan"),
    path("<int:agenda_id>/plan/request/", views_plan.plan_request, name="plan_request"),
    path("plan/<int:request_id>/", views_plan.plan_status, name="plan_status"),
    path("plan/<int:request_id>/apply/", views_plan.plan_apply, name="plan_apply"),
    path("<int:agenda_id>/call-in/", views.call_in_page, name="call_in"),
    path("<int:agenda_id>/call-in.csv", views.call_in_csv, name="call_in_csv"),
    path("<int:agenda_id>/call-in.pdf", views.call_in_pdf, name="call_in_pdf"),
    path("<int:agenda_id>/reminders/", views.reminders, name="reminders"),
    path("<int:agenda_id>/book/", views.book, name="book"),
    path(
        "<int:agenda_id>/organisation/", views_organisation.organisation_page, name="organisation"
    ),
    path("<int:agenda_id>/setup/", views_organisation.setup_page, name="setup"),
    path("booking/<int:booking_id>/move/", views.move, name="move"),
    path("booking/<int:booking_id>/transition/", views.transition, name="transition"),
    path("booking/<int:booking_id>/lock/", views.lock, name="lock"),
]
