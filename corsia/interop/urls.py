from django.urls import path

from corsia.interop import views

app_name = "interop"

urlpatterns = [
    path("messages/", views.message_list, name="messages"),
    path("messages/<int:message_id>/", views.message_detail, name="message"),
    path("messages/<int:message_id>/replay/", views.message_replay, name="replay"),
]
