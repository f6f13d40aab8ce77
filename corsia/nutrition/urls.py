from django.urls import path

from corsia.nutrition import views

app_name = "nutrition"

urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("compounder.csv", views.compounder_csv_download, name="compounder_csv"),
]
