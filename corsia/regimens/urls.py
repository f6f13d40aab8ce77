from django.urls import path

from corsia.regimens import views

app_name = "regimens"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("validation/", views.queue, name="queue"),
    path("new/", views.editor, name="new"),
    path("editor/check/", views.editor_check, name="editor_check"),
    path("trials/", views.trials, name="trials"),
    path("trials/<int:pk>/", views.trial_detail, name="trial_detail"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.editor, name="edit"),
    path("<str:code>/diff/", views.diff, name="diff"),
    path("<str:code>/v<int:number>/approve/", views.approve, name="approve"),
    path("<str:code>/v<int:number>/plandefinition.json", views.export, name="export"),
]
