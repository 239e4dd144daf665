from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tongban.accounts"
    label = "accounts"
    verbose_name = "用户与部门"

    def ready(self) -> None:
        # Permission rules are registered explicitly here, not by autodiscovery.
        from django.contrib.auth import signals

        from tongban.accounts import rules
        from tongban.accounts.signals import on_login, on_login_failed, on_logout

        rules.register()
        signals.user_logged_in.connect(on_login, dispatch_uid="tongban.audit.login")
        signals.user_logged_out.connect(on_logout, dispatch_uid="tongban.audit.logout")
        signals.user_login_failed.connect(on_login_failed, dispatch_uid="tongban.audit.failed")
