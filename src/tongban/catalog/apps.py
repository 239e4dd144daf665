from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tongban.catalog"
    label = "catalog"
    verbose_name = "事项清单"

    def ready(self) -> None:
        from tongban.catalog import rules

        rules.register()
