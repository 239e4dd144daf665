from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "tongban.notify"
    label = "notify"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from tongban.core.sweeps import sweeps
        from tongban.notify.channels import register_default_channels
        from tongban.notify.services import notification_requeue_stale

        register_default_channels()
        sweeps.register("notify.requeue", lambda: f"重新排队通知 {notification_requeue_stale()} 条")
