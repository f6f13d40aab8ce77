from django.urls import path

from corsia.patients import views, views_merge, views_pgx, views_scope

app_name = "patients"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("break-the-glass/", views_scope.break_glass, name="break_glass"),
    path("wards/staff/", views_scope.ward_staff, name="ward_staff"),
    path("merges/", views_merge.merges, name="merges"),
    path("merges/<int:merge_id>/unmerge/", views_merge.unmerge, name="unmerge"),
    path("wards/staff/<int:assignment_id>/end/", views_scope.ward_staff_end, name="ward_staff_end"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.update, name="update"),
    path("<int:pk>/mask/", views.mask, name="mask"),
    path("<int:pk>/maskings/<int:masking_id>/unmask/", views.unmask, name="unmask"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/wristband.pdf", views.wristband_pdf, name="wristband_pdf"),
    path("<int:pk>/wristband.zpl", views.wristband_zpl, name="wristband_zpl"),
    path("<int:pk>/admit/", views.admit, name="admit"),
    *(
        path(
            f"<int:pk>/encounters/<int:encounter_id>/{action}/",
            views.encounter_action,
            {"action": action},
            name=f"encounter_{action}",
        )
        for action in ("discharge", "transfer", "cancel")
    ),
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("<int:pk>/pgx-results/", views_pgx.pgx_add, name="pgx_add"),
    path(
        "<int:pk>/pgx-results/<int:result_id>/entered-in-error/",
        views_pgx.pgx_in_error,
        name="pgx_in_error",
    ),
    path("<int:pk>/allergies/", views.allergy_add, name="allergy_add"),
    path("<int:pk>/allergies/none-known/", views.no_known_allergies, name="no_known_allergies"),
    *(
        path(
            f"<int:pk>/allergies/<int:allergy_id>/{action}/",
            views.allergy_close,
            {"action": action},
            name=f"allergy_{action}",
        )
        for action in ("refute", "inactivate")
    ),
]
