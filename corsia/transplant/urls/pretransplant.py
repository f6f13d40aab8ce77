from django.urls import path

from corsia.transplant.views import pretransplant as views

urlpatterns = [
    path("cases/<int:transplant_id>/typing/", views.recipient_typing, name="recipient_typing"),
    path("cases/<int:transplant_id>/donors/", views.donor_add, name="donor_add"),
    path("donors/<int:donor_id>/decision/", views.donor_decide, name="donor_decide"),
    path("cases/<int:transplant_id>/collection/", views.collect, name="collect"),
    path("products/<int:product_id>/custody/", views.custody, name="custody"),
    path("cases/<int:transplant_id>/conditioning/", views.conditioning, name="conditioning"),
    path("cases/<int:transplant_id>/infusion/", views.infusion, name="infusion"),
    path("cases/<int:transplant_id>/counts/", views.count, name="count"),
]
