from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city: sits on top of every app and only seeds data."""

    name = "tongban.demo"
    label = "demo"
    verbose_name = "演示城市"
