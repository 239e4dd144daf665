from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "tongban.hall"
    label = "hall"
    verbose_name = "服务大厅"

    def ready(self) -> None:
        from tongban.catalog.hours import hours_source_register
        from tongban.core.sweeps import sweeps
        from tongban.hall import rules
        from tongban.hall.printers import print_drivers_register
        from tongban.hall.selectors import item_hours_in_halls
        from tongban.hall.services.appointments import appointments_sweep

        rules.register()
        hours_source_register(item_hours_in_halls)
        print_drivers_register()
        sweeps.register("hall.appointments", appointments_sweep)
