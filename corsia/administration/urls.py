from django.urls import path

from corsia.administration import views

app_name = "administration"

urlpatterns = [
    path("pumps/", views.pump_dashboard, name="pumps"),
    path("pumps/board/", views.pump_board_partial, name="pump_board"),
]
