from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "tongban.forms"
    label = "tbforms"  # "forms" would shadow django.forms in app registries and templates
    verbose_name = "智能表单"

    def ready(self) -> None:
        from tongban.catalog.checks import item_checks
        from tongban.core.sweeps import sweeps
        from tongban.forms import rules
        from tongban.forms.idreader.hardware import ChipCardReader
        from tongban.forms.idreader.ocr import OcrReader, ocr_available
        from tongban.forms.idreader.reading import id_readers
        from tongban.forms.prefill import register_builtin_sources
        from tongban.forms.services import filled_forms_purge, form_item_check

        rules.register()
        register_builtin_sources()
        id_readers.register("chip", ChipCardReader())
        if ocr_available():
            id_readers.register("ocr", OcrReader())
        item_checks.register("forms.definition", form_item_check)
        sweeps.register("forms.filled_forms", filled_forms_purge)
