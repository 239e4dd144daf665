"""What the delivery panels on the case's pages show: the modes the item offers with their
cost and time, the choice, where the result is, and what staff can do next."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tongban.accounts.models import User
from tongban.cases.models import Case, CaseState
from tongban.catalog.models import DeliveryMode
from tongban.delivery.models import (
    Compartment,
    Delivery,
    LockerBank,
    LockerParcel,
    Shipment,
    Where,
)
from tongban.delivery.services.choice import may_change
from tongban.delivery.services.lockers import banks_with_room
from tongban.delivery.terms import city_districts, door_groups, terms_for


def mode_options(modes: list[str], chosen: str) -> list[dict[str, Any]]:
    options = []
    for mode in modes:
        if mode not in DeliveryMode.values:
            continue
        terms = terms_for(mode)
        options.append(
            {
                "mode": mode,
                "label": str(DeliveryMode(mode).label),
                "cost": terms.cost,
                "time": terms.time,
                "visit": terms.visit,
                "checked": mode == chosen,
            }
        )
    return options


def _banks() -> list[LockerBank]:
    return list(
        LockerBank.objects.filter(active=True, device__revoked_at__isnull=True).order_by("code")
    )


def _last_address(user: User) -> dict[str, str]:
    """The address this person used last time, to start from."""
    last = (
        Delivery.objects.filter(case__applicant=user)
        .exclude(address="")
        .order_by("-changed_at")
        .values("recipient_name", "recipient_phone", "region_code", "address")
        .first()
    )
    if last:
        return {k: str(v) for k, v in last.items()}
    return {"recipient_name": user.real_name, "recipient_phone": user.phone}


def _form(
    case: Case, viewer: User, values: Mapping[str, Any], chosen: Delivery | None
) -> dict[str, Any]:
    return _choice_form(list(case.item.delivery_modes or []), case.applicant, values, chosen)


def _choice_form(
    modes: list[str], applicant: User, values: Mapping[str, Any], chosen: Delivery | None
) -> dict[str, Any]:
    start: dict[str, Any] = _last_address(applicant)
    if chosen is not None:
        start = {
            "recipient_name": chosen.recipient_name or start.get("recipient_name", ""),
            "recipient_phone": chosen.recipient_phone or start.get("recipient_phone", ""),
            "region_code": chosen.region_code or start.get("region_code", ""),
            "address": chosen.address or start.get("address", ""),
            "bank": chosen.bank.code if chosen.bank else "",
            "door_reason": chosen.door_reason,
        }
    given = {k.removeprefix("delivery_"): v for k, v in values.items()}
    current = {**start, **given}
    # Start from what was chosen; with several modes and no choice yet, the person chooses.
    mode = str(
        given.get("mode")
        or (chosen.mode if chosen else "")
        or (modes[0] if len(modes) == 1 else "")
    )
    return {
        "options": mode_options(modes, mode),
        "values": current,
        "banks": _banks(),
        "districts": city_districts(),
        "door_groups": list(door_groups().items()),
    }


def draft_panel(
    case: Case, viewer: User, posted: Mapping[str, Any], errors: Mapping[str, list[str]]
) -> dict[str, Any]:
    chosen = Delivery.objects.select_related("bank").filter(case=case).first()
    return {
        "template": "delivery/_choose.html",
        "errors": {k: v for k, v in errors.items() if k.startswith("delivery_")},
        **_form(case, viewer, posted, chosen),
    }


def case_panel(case: Case, viewer: User, staff: bool) -> dict[str, Any] | None:
    if case.state == CaseState.DRAFT:
        return None
    delivery = (
        Delivery.objects.select_related("bank", "parcel__compartment__bank", "shipment", "handover")
        .filter(case=case)
        .first()
    )
    panel: dict[str, Any] = {
        "template": "delivery/_case.html",
        "delivery": delivery,
        "staff": staff,
    }
    if delivery is not None:
        panel["mode_label"] = DeliveryMode(delivery.mode).label
        panel["terms"] = terms_for(delivery.mode)
        if delivery.shipment is not None:
            panel["events"] = list(delivery.shipment.events.all())
    panel["returned_shipments"] = [
        s
        for s in Shipment.objects.filter(case=case).order_by("pk")
        if delivery is None or s.pk != delivery.shipment_id
    ]
    panel["may_change"] = may_change(case, viewer)
    if panel["may_change"]:
        panel.update(_form(case, viewer, {}, delivery))
    parcel = delivery.parcel if delivery is not None else None
    panel["parcel"] = parcel
    panel["drop_offs"] = list(
        LockerParcel.objects.filter(case=case, kind=LockerParcel.Kind.DROP_OFF)
        .exclude(state=LockerParcel.State.CANCELLED)
        .select_related("compartment__bank")
    )
    if staff and delivery is not None and case.state == CaseState.RESULT_READY:
        can = viewer.has_perm("cases.deliver_case", case)
        panel["can_reserve"] = can and delivery.mode == DeliveryMode.LOCKER and parcel is None
        panel["can_ship"] = (
            can and delivery.mode == DeliveryMode.MAIL and delivery.shipment_id is None
        )
        panel["banks_free"] = banks_with_room() if panel["can_reserve"] else []
    panel["pickup_ready"] = (
        not staff
        and parcel is not None
        and parcel.state == LockerParcel.State.DEPOSITED
        and delivery is not None
        and delivery.where == Where.IN_LOCKER
    )
    panel["compartment_states"] = Compartment.State
    return panel


def bundle_modes(parent: Any) -> list[str]:
    """The modes every item of the 一件事 offers: its results travel together."""
    children = list(parent.children.select_related("item"))
    common: list[str] | None = None
    for child in children:
        offered = list(child.item.delivery_modes or [])
        common = offered if common is None else [m for m in common if m in offered]
    return common or [DeliveryMode.WINDOW]


def bundle_panel(
    parent: Any, viewer: User, posted: Mapping[str, Any], errors: Mapping[str, list[str]]
) -> dict[str, Any]:
    return {
        "template": "delivery/_choose.html",
        "bundle": True,
        "errors": {k: v for k, v in errors.items() if k.startswith("delivery_")},
        **_choice_form(bundle_modes(parent), parent.applicant, posted, None),
    }
