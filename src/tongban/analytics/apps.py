from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tongban.analytics"
    label = "analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from tongban.analytics.daily import figures_refresh
        from tongban.core.sweeps import sweeps

        # The scoreboard's daily aggregates, brought up to date with what happened since.
        sweeps.register("analytics.figures", lambda: f"记分牌统计 {figures_refresh()}")
