from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "tongban.guide"
    label = "guide"
    verbose_name = "智能导办"

    def ready(self) -> None:
        from tongban.core.sweeps import sweeps
        from tongban.guide import rules
        from tongban.guide.services import queries_prune

        rules.register()
        sweeps.register("guide.queries", lambda: f"清理过期查询记录 {queries_prune()} 条")
