from django.apps import AppConfig


class NutritionConfig(AppConfig):
    name = "corsia.nutrition"
    label = "nutrition"
    verbose_name = "Nutrizione parenterale"
    default_auto_field = "django.db.models.BigAutoField"
