from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tongban.delivery"
    label = "delivery"
    verbose_name = "结果送达"

    def ready(self) -> None:
        from tongban.cases.panels import (
            BundlePanel,
            DraftPanel,
            bundle_panels,
            case_panels,
            draft_panels,
        )
        from tongban.cases.services.followers import followers
        from tongban.core.sweeps import sweeps
        from tongban.delivery import presenters, rules
        from tongban.delivery.couriers import register_default_couriers
        from tongban.delivery.drivers import register_default_drivers
        from tongban.delivery.models import DoorCycle
        from tongban.delivery.services import locker_returns, lockers
        from tongban.delivery.services.doors import door_purposes, doors_sweep
        from tongban.delivery.services.follow import delivery_follow
        from tongban.delivery.services.mail import couriers_sweep

        rules.register()
        # What a door cycle completes, by what the door was opened for.
        purpose = DoorCycle.Purpose
        door_purposes.register(purpose.DEPOSIT, lockers.deposit_closed, replace=True)
        door_purposes.register(purpose.PICKUP, lockers.pickup_closed, replace=True)
        door_purposes.register(purpose.DROP_OFF, locker_returns.drop_off_closed, replace=True)
        door_purposes.register(purpose.COLLECT, locker_returns.collect_closed, replace=True)
        register_default_drivers()
        register_default_couriers()
        # After the 一件事 (100): a sibling dispatched by it is followed like any case.
        followers.register("delivery", delivery_follow, order=200)
        case_panels.register("delivery", presenters.case_panel)
        draft_panels.register(
            "delivery", DraftPanel(prefix="delivery_", render=presenters.draft_panel)
        )
        bundle_panels.register(
            "delivery", BundlePanel(prefix="delivery_", render=presenters.bundle_panel)
        )
        sweeps.register("delivery.doors", doors_sweep)
        sweeps.register("delivery.lockers", lambda: locker_returns.lockers_sweep())
        sweeps.register("delivery.couriers", lambda: couriers_sweep())
