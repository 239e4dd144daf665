from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "tongban.exchange"
    label = "exchange"
    verbose_name = "数据共享交换"

    def ready(self) -> None:
        from tongban.exchange import rules
        from tongban.exchange.providers import register_default_providers

        rules.register()
        register_default_providers()
