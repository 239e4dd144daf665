from django.apps import AppConfig


class FloorplansConfig(AppConfig):
    name = "tongban.floorplans"
    label = "floorplans"
    verbose_name = "餐饮平面图制作"

    def ready(self) -> None:
        from tongban.cases.panels import DraftPanel, case_panels, draft_panels
        from tongban.floorplans import presenters, rules

        rules.register()
        draft_panels.register(
            "floorplan", DraftPanel(prefix="floorplan_", render=presenters.floorplan_draft)
        )
        case_panels.register("floorplan", presenters.case_panel)
