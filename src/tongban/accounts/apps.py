from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tongban.accounts"
    label = "accounts"
    verbose_name = "用户与部门"

    def ready(self) -> None:
        # Permission rules are registered explicitly here, not by autodiscovery.
        from tongban.accounts import rules

        rules.register()
