from django.urls import path

from corsia.transfusion import views

app_name = "transfusion"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("patient/<int:patient_id>/", views.patient_page, name="patient"),
    path("patient/<int:patient_id>/group/", views.determination, name="determination"),
    path("patient/<int:patient_id>/request/", views.request_create, name="request_create"),
    path("request/<int:request_id>/", views.request_page, name="request"),
    path("request/<int:request_id>/print/", views.request_print, name="request_print"),
    path("request/<int:request_id>/print.pdf", views.request_pdf, name="request_pdf"),
    path("request/<int:request_id>/issue/", views.issue, name="issue"),
    path("request/<int:request_id>/check/", views.check, name="check"),
    path("request/<int:request_id>/cancel/", views.cancel, name="cancel"),
    path("request/<int:request_id>/emergency/", views.emergency, name="emergency"),
    path(
        "request/<int:request_id>/bag/<int:bag_id>/crossmatch/",
        views.crossmatch,
        name="crossmatch",
    ),
    path(
        "reaction/<int:reaction_id>/haemovigilance/",
        views.haemovigilance,
        name="haemovigilance",
    ),
    path(
        "reaction/<int:reaction_id>/haemovigilance.pdf",
        views.haemovigilance_pdf,
        name="haemovigilance_pdf",
    ),
    path(
        "reaction/<int:reaction_id>/haemovigilance.csv",
        views.haemovigilance_csv,
        name="haemovigilance_csv",
    ),
    path("bag/<int:transfusion_id>/", views.transfusion_page, name="transfusion"),
    path("bag/<int:transfusion_id>/start/", views.act, {"action": "start"}, name="start"),
    path("bag/<int:transfusion_id>/end/", views.act, {"action": "end"}, name="end"),
    path("bag/<int:transfusion_id>/stop/", views.act, {"action": "stop"}, name="stop"),
    path("bag/<int:transfusion_id>/vitals/", views.vitals, name="vitals"),
    path("bag/<int:transfusion_id>/reaction/", views.reaction, name="reaction"),
]
