from django.urls import path

from corsia.transplant.views import followup as views
from corsia.transplant.views import followup_acts as acts
from corsia.transplant.views import followup_settings as hospital

urlpatterns = [
    path("cases/<int:transplant_id>/followup/", views.followup_page, name="followup"),
    path("cases/<int:transplant_id>/followup/agvhd/", views.agvhd_assess, name="agvhd_assess"),
    path("cases/<int:transplant_id>/followup/cgvhd/", views.cgvhd_assess, name="cgvhd_assess"),
    path("cases/<int:transplant_id>/followup/visits/", views.visit_record, name="visit_record"),
    path(
        "cases/<int:transplant_id>/followup/visits/<int:visit_id>/sign/",
        views.visit_sign,
        name="visit_sign",
    ),
    path(
        "cases/<int:transplant_id>/followup/viral-loads/",
        views.viral_load_record,
        name="viral_load_record",
    ),
    path(
        "cases/<int:transplant_id>/followup/outcomes/", views.outcome_record, name="outcome_record"
    ),
    path(
        "cases/<int:transplant_id>/followup/med-a.<str:fmt>",
        views.meda_download,
        name="meda_download",
    ),
]

urlpatterns += [
    path(
        "cases/<int:transplant_id>/followup/visits/<int:visit_id>/correct/",
        acts.visit_correct,
        name="visit_correct",
    ),
    path(
        "cases/<int:transplant_id>/followup/responses/",
        acts.response_record,
        name="response_record",
    ),
    path(
        "cases/<int:transplant_id>/followup/consents/", acts.consent_record, name="consent_record"
    ),
    path(
        "cases/<int:transplant_id>/followup/adverse-events/",
        acts.adverse_event_record,
        name="adverse_event_record",
    ),
    path(
        "cases/<int:transplant_id>/followup/settings/viral-threshold/",
        hospital.viral_threshold_set,
        name="viral_threshold_set",
    ),
    path(
        "cases/<int:transplant_id>/followup/settings/trough-targets/",
        hospital.trough_target_add,
        name="trough_target_add",
    ),
]
