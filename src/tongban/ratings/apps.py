from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "tongban.ratings"
    label = "ratings"
    verbose_name = "好差评"

    def ready(self) -> None:
        from tongban.cases.panels import case_panels
        from tongban.cases.services.followers import followers
        from tongban.core.sweeps import sweeps
        from tongban.ratings import presenters, rules
        from tongban.ratings.services.handling import tasks_warnings_sweep
        from tongban.ratings.services.invitations import invitations_sweep, rating_follow

        rules.register()
        # After the 一件事 (100), so a child's parent is already up to date when it ends.
        followers.register("ratings", rating_follow, order=300)
        case_panels.register("ratings", presenters.case_panel)
        sweeps.register("ratings.invitations", lambda: f"邀评短信 {invitations_sweep()}")
        sweeps.register("ratings.tasks", lambda: f"差评预警 {tasks_warnings_sweep()}")
