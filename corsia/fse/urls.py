from django.urls import path

from corsia.fse import views

app_name = "fse"

urlpatterns = [
    path("", views.document_list, name="documents"),
    path("<int:document_id>/", views.document_detail, name="document"),
    path("<int:document_id>/retry/", views.document_retry, name="retry"),
    path("letters/<int:letter_id>/send/", views.letter_resend, name="letter_resend"),
]
