from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "tongban.field"
    label = "field"
    verbose_name = "现场核查"

    def ready(self) -> None:
        from tongban.cases.panels import bundle_case_panels, case_panels
        from tongban.cases.services.followers import followers
        from tongban.core.sweeps import sweeps
        from tongban.field import presenters, rules
        from tongban.field.services.inspections import (
            inspection_follow,
            inspections_warnings_sweep,
        )

        rules.register()
        # Before the 一件事 (100) and the delivery: a grant without a passed inspection is
        # refused before anything follows it.
        followers.register("field", inspection_follow, order=50)
        case_panels.register("field", presenters.case_panel)
        bundle_case_panels.register("field", presenters.bundle_panel)
        sweeps.register("field.inspections", lambda: f"核查预警 {inspections_warnings_sweep()}")
