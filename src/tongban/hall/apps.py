from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "tongban.hall"
    label = "hall"
    verbose_name = "服务大厅"

    def ready(self) -> None:
        from tongban.core.sweeps import sweeps
        from tongban.hall import rules
        from tongban.hall.services.appointments import appointments_sweep

        rules.register()
        sweeps.register("hall.appointments", appointments_sweep)
