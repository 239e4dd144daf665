from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from tongban.cases import prefill, rules
        from tongban.cases.bundles.progress import bundle_follow
        from tongban.cases.services.deadlines import case_dues_remap_sweep, case_warnings_sweep
        from tongban.cases.services.followers import followers
        from tongban.core.sweeps import sweeps

        rules.register()
        prefill.register()
        # The lifecycle's followers, in the order they are called (lowest first).
        followers.register("cases.bundles", bundle_follow, order=100)
        # Registered names run in sorted order: dates are re-counted before warnings are set.
        sweeps.register("cases.dues", lambda: f"期限重算 {case_dues_remap_sweep()}")
        sweeps.register("cases.warnings", lambda: f"预警变更 {case_warnings_sweep()}")
