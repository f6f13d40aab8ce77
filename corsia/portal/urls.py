from django.urls import path

from corsia.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("accesso/", views.sign_in, name="sign_in"),
    path("accesso/codice/", views.sign_in_code, name="sign_in_code"),
    path("accesso/spid-cie/", views.oidc_start, name="oidc_start"),
    path("accesso/spid-cie/ritorno/", views.oidc_callback, name="oidc_callback"),
    path("esci/", views.sign_out, name="sign_out"),
    path("token/", views.token_grant, name="token_grant"),
]

from corsia.portal import views_patient, views_team  # noqa: E402

urlpatterns += [
    path("appuntamenti/", views_patient.appointments, name="appointments"),
    path("messaggi/", views_patient.message_list, name="messages"),
    path("messaggi/<int:thread_id>/", views_patient.thread, name="thread"),
    path("allegati/<int:attachment_id>/", views_patient.attachment, name="attachment"),
    path("documenti/", views_patient.documents, name="documents"),
    path("documenti/<int:document_id>/", views_patient.document, name="document"),
    path("equipe/", views_team.worklist, name="team_worklist"),
    path("equipe/messaggi/<int:thread_id>/", views_team.team_thread, name="team_thread"),
    path(
        "equipe/allegati/<int:attachment_id>/", views_team.team_attachment, name="team_attachment"
    ),
]
