from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "tongban.notify"
    label = "notify"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from tongban.core.sweeps import sweeps
        from tongban.notify.channels import register_default_channels
        from tongban.notify.services import lockout_notify, notification_requeue_stale

        def on_locked_out(sender: object, request: object, username: str, **kw: object) -> None:
            lockout_notify(username=str(username or ""), address=str(kw.get("ip_address") or ""))

        user_locked_out.connect(on_locked_out, dispatch_uid="tongban.notify.lockout", weak=False)
        register_default_channels()
        sweeps.register("notify.requeue", lambda: f"重新排队通知 {notification_requeue_stale()} 条")
