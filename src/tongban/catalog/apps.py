from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tongban.catalog"
    label = "catalog"
    verbose_name = "事项清单"

    def ready(self) -> None:
        from tongban.catalog import rules
        from tongban.catalog.checks import item_checks
        from tongban.catalog.services.dictionary import dictionary_check

        rules.register()
        item_checks.register("catalog.dictionary", dictionary_check, replace=True)
