from django.apps import AppConfig


class ServicemapConfig(AppConfig):
    name = "tongban.servicemap"
    label = "servicemap"
    verbose_name = "15分钟政务服务圈"

    def ready(self) -> None:
        from tongban.servicemap import rules

        rules.register()
