from django.urls import path

from corsia.regimens import trial_views, views

app_name = "regimens"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("validation/", views.queue, name="queue"),
    path("new/", views.editor, name="new"),
    path("editor/check/", views.editor_check, name="editor_check"),
    path("trials/", trial_views.trials, name="trials"),
    path("trials/new/", trial_views.trial_new, name="trial_new"),
    path("trials/<int:pk>/", trial_views.trial_detail, name="trial_detail"),
    path("trials/<int:pk>/enrol/", trial_views.trial_enrol, name="trial_enrol"),
    path(
        "trials/<int:pk>/enrolments/<int:enrolment_id>/withdraw/",
        trial_views.trial_withdraw,
        name="trial_withdraw",
    ),
    path(
        "trials/<int:pk>/monitors/", trial_views.trial_monitor_assign, name="trial_monitor_assign"
    ),
    path(
        "trials/<int:pk>/monitors/<int:assignment_id>/revoke/",
        trial_views.trial_monitor_revoke,
        name="trial_monitor_revoke",
    ),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.editor, name="edit"),
    path("<str:code>/diff/", views.diff, name="diff"),
    path("<str:code>/v<int:number>/approve/", views.approve, name="approve"),
    path("<str:code>/v<int:number>/plandefinition.json", views.export, name="export"),
]
