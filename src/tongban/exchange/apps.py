from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "tongban.exchange"
    label = "exchange"
    verbose_name = "数据共享交换"

    def ready(self) -> None:
        from tongban.exchange import rules
        from tongban.exchange.providers import register_default_providers

        rules.register()
        from tongban.core.sweeps import sweeps
        from tongban.exchange.services.remote import nonces_prune

        register_default_providers()
        sweeps.register("exchange.nonces", lambda: f"清理过期防重放记录 {nonces_prune()} 条")
