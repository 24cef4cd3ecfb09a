from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data generators: they depend on every app, and no app depends on them."""

    name = "demo"
    verbose_name = "Demo data"
