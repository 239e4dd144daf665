from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from tongban.cases import prefill, rules
        from tongban.cases.services.deadlines import case_warnings_sweep
        from tongban.core.sweeps import sweeps

        rules.register()
        prefill.register()
        sweeps.register("cases.warnings", lambda: f"预警变更 {case_warnings_sweep()}")
