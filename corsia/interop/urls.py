from django.urls import path

from corsia.interop import views

app_name = "interop"

urlpatterns = [
    path("messages/", views.message_list, name="messages"),
    path("messages/<int:message_id>/", views.message_detail, name="message"),
    path("messages/<int:message_id>/replay/", views.message_replay, name="replay"),
    path("outbound/<int:message_id>/", views.outbound_detail, name="outbound"),
    path("outbound/<int:message_id>/resend/", views.outbound_resend, name="resend"),
    path("subscribers/", views.subscribers, name="subscribers"),
    path("subscribers/<int:subscriber_id>/", views.subscriber_edit, name="subscriber"),
]
