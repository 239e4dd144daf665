"""The delivery choice: made with the application, changeable until the result is made; a
一件事's cases share one choice and travel together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from tongban.accounts.models import Role, User
from tongban.cases.models import Case, CaseState
from tongban.cases.services.events import case_event
from tongban.catalog.models import DeliveryMode
from tongban.core.audit import audit_log
from tongban.core.errors import Conflict
from tongban.core.ids import id_number_birth_date, validate_phone, validate_region_code
from tongban.core.text import clean_text
from tongban.delivery.models import Delivery, LockerBank, Where
from tongban.delivery.terms import door_elderly_age, door_groups, in_city

# After these the result exists: the choice can no longer change.
MADE = {
    CaseState.RESULT_READY,
    CaseState.DELIVERED,
    CaseState.COMPLETED,
    CaseState.REJECTED,
    CaseState.WITHDRAWN,
    CaseState.TERMINATED,
}
FIELDS = (
    "mode",
    "bank",
    "recipient_name",
    "recipient_phone",
    "region_code",
    "address",
    "door_reason",
)


def delivery_group(case: Case) -> str:
    return f"bundle:{case.bundle_case_id}" if case.bundle_case_id else ""


def default_mode(modes: list[str]) -> str:
    """When no choice was made (a submission through the API, a case from before choices):
    the window if the item offers it, as the law's default place of service, else the
    certificate for download, else the item's first mode (the case page asks for details)."""
    for mode in (DeliveryMode.WINDOW, DeliveryMode.ELECTRONIC):
        if mode in modes:
            return mode
    return modes[0] if modes else DeliveryMode.WINDOW


def _banks() -> Any:
    return LockerBank.objects.filter(active=True, device__revoked_at__isnull=True)


def _age(user: User, on: dt.date) -> int | None:
    if not user.id_number:
        return None
    born = id_number_birth_date(user.id_number)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _text(values: Mapping[str, Any], name: str, most: int) -> str:
    value = values.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({f"delivery_{name}": ["应为文字"]})
    return clean_text(value).strip()[:most]


def delivery_check(case: Case, values: Mapping[str, Any]) -> dict[str, Any]:
    """The cleaned choice, or every problem at once, each keyed by its form field."""
    modes = list(case.item.delivery_modes or [])
    mode = _text(values, "mode", 12)
    errors: dict[str, list[str]] = {}
    if not mode:
        raise ValidationError({"delivery_mode": ["请选择办理结果的领取方式"]})
    if mode not in modes:
        offered = "、".join(str(DeliveryMode(m).label) for m in modes if m in DeliveryMode.values)
        raise ValidationError({"delivery_mode": [f"该事项不支持此领取方式（可选：{offered}）"]})
    out: dict[str, Any] = {"mode": mode, "bank": None, "door_reason": ""}
    out.update(recipient_name="", recipient_phone="", region_code="", address="")
    if mode == DeliveryMode.LOCKER:
        code = _text(values, "bank", 40)
        bank = _banks().filter(code=code).first() if code else None
        if bank is None:
            errors["delivery_bank"] = [
                "请选择取件的信包箱" if not code else "该信包箱不存在或已停用"
            ]
        out["bank"] = bank
    if mode in (DeliveryMode.MAIL, DeliveryMode.DOOR):
        out["recipient_name"] = _text(values, "recipient_name", 50)
        out["recipient_phone"] = _text(values, "recipient_phone", 20)
        out["region_code"] = _text(values, "region_code", 6)
        out["address"] = _text(values, "address", 200)
        if not out["recipient_name"]:
            errors["delivery_recipient_name"] = ["请填写收件人"]
        try:
            validate_phone(out["recipient_phone"])
        except ValidationError as exc:
            errors["delivery_recipient_phone"] = [f"收件电话：{exc.messages[0]}"]
        try:
            validate_region_code(out["region_code"])
            if not in_city(out["region_code"]):
                raise ValidationError("收件地址须在本市范围内；市外请选择邮政寄递或窗口领取")
        except ValidationError as exc:
            errors["delivery_region_code"] = [f"所在区县：{exc.messages[0]}"]
        if len(out["address"]) < 5:
            errors["delivery_address"] = ["请填写详细地址（街道、门牌号）"]
    if mode == DeliveryMode.DOOR:
        reason = _text(values, "door_reason", 20)
        groups = door_groups()
        if reason not in groups:
            errors["delivery_door_reason"] = [
                f"送证上门仅面向：{'、'.join(map(str, groups.values()))}，请选择适用情形"
            ]
        elif reason == "elderly":
            age = _age(case.applicant, dt.date.today())  # noqa: DTZ011 — a calendar date
            if age is None or age < door_elderly_age():
                errors["delivery_door_reason"] = [f"老年人送证上门须年满{door_elderly_age()}周岁"]
        out["door_reason"] = reason
    if errors:
        raise ValidationError(errors)
    return out


def may_choose(case: Case, actor: User) -> bool:
    return bool(
        actor.has_perm("cases.act_as_applicant", case)
        or (case.channel == "window" and actor.has_role(Role.CLERK))
    )


def may_change(case: Case, actor: User) -> bool:
    """May `actor` still change how this case's result reaches its applicant?"""
    return case.state not in MADE and may_choose(case, actor)


def _describe(d: Delivery) -> str:
    """The choice as the timeline records it: in the platform's language, whatever the
    language of the page that made it."""
    with translation.override(settings.LANGUAGE_CODE):
        label = str(DeliveryMode(d.mode).label)
    if d.mode == DeliveryMode.LOCKER and d.bank is not None:
        return f"{label}（{d.bank.name}）"
    return label


def delivery_save(
    case: Case, actor: User | None, values: Mapping[str, Any], *, siblings: bool = True
) -> Delivery:
    """Record the choice for the case and, in a 一件事, for every case of it not yet made
    (unless the caller goes through them itself: `siblings=False`)."""
    chosen = delivery_check(case, values)
    group = delivery_group(case)
    targets = [case]
    if group and siblings:
        others = Case.objects.filter(bundle_case_id=case.bundle_case_id).exclude(pk=case.pk)
        targets += [c for c in others.select_related("item") if c.state not in MADE]
    saved = None
    for target in targets:
        if chosen["mode"] not in (target.item.delivery_modes or []):
            continue  # a sibling that does not offer it keeps its own choice
        existing = Delivery.objects.filter(case=target).first()
        before = _describe(existing) if existing else ""
        delivery = existing or Delivery(case=target)
        for name, value in chosen.items():
            setattr(delivery, name, value)
        delivery.group = group
        delivery.save()
        after = _describe(delivery)
        if before != after:
            note = f"领取方式：{after}" if not before else f"领取方式由“{before}”改为“{after}”"
            case_event(target, actor=actor, action="delivery_choose", note=note)
        audit_log(
            action="delivery.choose",
            obj=delivery,
            changes={"case": [None, target.pk], "mode": [before or None, after]},
        )
        if target.pk == case.pk:
            saved = delivery
    if saved is None:
        raise ValidationError({"delivery_mode": ["该事项不支持此领取方式"]})
    return saved


@transaction.atomic
def delivery_choose(*, case: Case, actor: User, values: Mapping[str, Any]) -> Delivery:
    """The applicant (or their agent, or the window for a window application) chooses or
    changes how the result reaches them, until the result is made."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "applicant")
        .get(pk=case.pk)
    )
    if not may_choose(case, actor):
        raise PermissionDenied("只有申请人或受托代办员可以选择领取方式")
    if case.state in MADE:
        raise Conflict("办理结果已制作，领取方式不能再更改；如有需要请联系承办窗口")
    return delivery_save(case, actor, values)


def delivery_default(case: Case) -> Delivery:
    """The choice for a case that reached a step without one (an API submission, a case from
    before deliveries were chosen): a sibling's choice in a 一件事, else the default mode."""
    existing = Delivery.objects.filter(case=case).first()
    if existing is not None:
        return existing
    group = delivery_group(case)
    sibling = Delivery.objects.filter(group=group).first() if group else None
    modes = list(case.item.delivery_modes or [])
    if sibling is not None and sibling.mode in modes:
        copy = {name: getattr(sibling, name) for name in FIELDS}
        return Delivery.objects.create(case=case, group=group, **copy)
    mode = default_mode(modes)
    bank = _banks().first() if mode == DeliveryMode.LOCKER else None
    return Delivery.objects.create(
        case=case, group=group, mode=mode, bank=bank, where=Where.AWAITING
    )
