"""The privacy officer's review of break-the-glass accesses, at /audit/break-the-glass/
(beside the access log; the grants are the patient registry's)."""

from django.urls import path

from corsia.patients import views_scope

app_name = "privacy"

urlpatterns = [
    path("", views_scope.break_glass_list, name="break_glass"),
    path("<int:grant_id>/review/", views_scope.break_glass_review, name="break_glass_review"),
]
