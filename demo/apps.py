from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo story (seed_demo): the composition root that may import every app."""

    name = "demo"
    verbose_name = "Demo data"
