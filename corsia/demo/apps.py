from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "corsia.demo"
    label = "demo"
