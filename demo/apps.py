from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo campaign (``manage.py seed_demo``) and its narratives; no models."""

    name = "demo"
