"""The last mile: how each case's result reaches its applicant (the choice and where the result
physically is), document lockers (banks, compartments, parcels, door cycles, staff and courier
credentials), courier shipments with their tracking, and door-delivery hand-overs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import DeviceIdentity
from tongban.cases.models import Case
from tongban.catalog.models import DeliveryMode
from tongban.core.texts import in_language, translations_of


class Where(models.TextChoices):
    """Where a case's result is, physically or electronically."""

    AWAITING = "awaiting", _("尚未制作")
    AT_COUNTER = "at_counter", _("在窗口待领取")
    IN_LOCKER = "in_locker", _("已存入信包箱")
    WITH_COURIER = "with_courier", _("邮寄途中")
    OUT_FOR_DOOR = "out_for_door", _("送证上门途中")
    DELIVERED = "delivered", _("已送达")


class LockerBank(models.Model):
    """A bank of document lockers (信包箱) at a named place; the bank's screen is a device."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    place = models.CharField("地点", max_length=200)
    region_code = models.CharField("所在区县代码", max_length=6, blank=True)
    device = models.OneToOneField(
        DeviceIdentity,
        on_delete=models.PROTECT,
        related_name="locker_bank",
        verbose_name="触摸屏设备",
    )
    driver = models.CharField("锁控驱动", max_length=40, default="simulator")
    driver_config = models.JSONField("驱动配置", default=dict, blank=True)
    code_valid_days = models.PositiveSmallIntegerField("取件码有效期（天）", default=7)
    door_timeout_seconds = models.PositiveSmallIntegerField("柜门未关告警（秒）", default=180)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="locker_banks", blank=True, verbose_name="管理人员"
    )
    failed_codes = models.PositiveSmallIntegerField("连续错误取件码", default=0)
    locked_until = models.DateTimeField("锁屏至", null=True, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "智能信包箱"
        verbose_name_plural = "智能信包箱"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Compartment(models.Model):
    class Size(models.TextChoices):
        SMALL = "S", _("小格")
        MEDIUM = "M", _("中格")
        LARGE = "L", _("大格")

    class State(models.TextChoices):
        FREE = "free", _("空闲")
        RESERVED = "reserved", _("已预留")
        OCCUPIED = "occupied", _("有物品")
        FAULTY = "faulty", _("故障待查")

    bank = models.ForeignKey(LockerBank, on_delete=models.CASCADE, related_name="compartments")
    label = models.CharField("格口号", max_length=10)
    size = models.CharField("规格", max_length=1, choices=Size.choices, default=Size.MEDIUM)
    board = models.PositiveSmallIntegerField("锁控板地址", default=1)
    lock = models.PositiveSmallIntegerField("锁号", default=1)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.FREE)
    fault = models.CharField("故障说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "信包箱格口"
        verbose_name_plural = "信包箱格口"
        ordering = ["bank", "label"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "label"], name="unique_compartment_label"),
            models.UniqueConstraint(
                fields=["bank", "board", "lock"], name="unique_compartment_lock"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank} {self.label}"


class LockerParcel(models.Model):
    """What a compartment holds for a case: a result waiting for its applicant (pickup), or
    materials the applicant dropped off for staff (drop-off)."""

    class Kind(models.TextChoices):
        PICKUP = "pickup", _("结果取件")
        DROP_OFF = "drop_off", _("材料投递")

    class State(models.TextChoices):
        RESERVED = "reserved", _("已预留格口")
        DEPOSITED = "deposited", _("已存入")
        PICKED_UP = "picked_up", _("已取件")
        RETURNED = "returned", _("已退回窗口")
        COLLECTED = "collected", _("工作人员已取出")
        CANCELLED = "cancelled", _("已取消")

    LIVE = (State.RESERVED, State.DEPOSITED)

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="locker_parcels")
    compartment = models.ForeignKey(
        Compartment, on_delete=models.PROTECT, related_name="parcels", verbose_name="格口"
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.RESERVED)
    receipt = models.CharField("回执编号", max_length=24, unique=True)
    code_hash = models.CharField("取件码摘要", max_length=64, blank=True)
    code_expires_at = models.DateTimeField("取件码到期", null=True, blank=True)
    reminded_at = models.DateTimeField("到期提醒时间", null=True, blank=True)
    expired_at = models.DateTimeField("过期通知时间", null=True, blank=True)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    deposited_at = models.DateTimeField("存入时间", null=True, blank=True)
    closed_at = models.DateTimeField("取出时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "信包箱存件"
        verbose_name_plural = "信包箱存件"
        ordering = ["-created_at"]
        constraints = [
            # One live parcel per compartment: the database refuses a double booking.
            models.UniqueConstraint(
                fields=["compartment"],
                condition=Q(state__in=["reserved", "deposited"]),
                name="one_live_parcel_per_compartment",
            ),
            models.UniqueConstraint(
                fields=["case", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="unique_parcel_idempotency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compartment} · {self.get_kind_display()} · {self.receipt}"


class LockerCredential(models.Model):
    """A staff member's or courier's credential at the lockers: a number and a PIN, stored
    hashed, revocable, for some banks or all."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("工作人员")
        COURIER = "courier", _("快递员")

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="locker_credentials"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    number = models.CharField("凭证号", max_length=12, unique=True)
    pin_hash = models.CharField("口令摘要", max_length=200)
    banks = models.ManyToManyField(LockerBank, blank=True, verbose_name="可用信包箱（空为全部）")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "信包箱凭证"
        verbose_name_plural = "信包箱凭证"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class DoorCycle(models.Model):
    """One opening of one door, until it is seen closed (or fails): nothing is marked picked
    up, deposited or collected unless its cycle completed."""

    class Purpose(models.TextChoices):
        DEPOSIT = "deposit", _("存入结果")
        PICKUP = "pickup", _("申请人取件")
        DROP_OFF = "drop_off", _("申请人投递")
        COLLECT = "collect", _("工作人员取出")

    class Outcome(models.TextChoices):
        OPEN = "open", _("柜门已开，等待关门")
        COMPLETED = "completed", _("已关门")
        JAMMED = "jammed", _("柜门未能打开")
        MISMATCH = "mismatch", _("门磁状态异常")
        TIMED_OUT = "timed_out", _("柜门长时间未关")

    compartment = models.ForeignKey(Compartment, on_delete=models.PROTECT, related_name="cycles")
    parcel = models.ForeignKey(LockerParcel, on_delete=models.PROTECT, related_name="cycles")
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credential = models.ForeignKey(
        LockerCredential, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField("开门时间")
    closed_at = models.DateTimeField("关门时间", null=True, blank=True)

    class Meta:
        verbose_name = "开门记录"
        verbose_name_plural = "开门记录"
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.compartment} {self.get_purpose_display()} {self.get_outcome_display()}"


class Shipment(models.Model):
    """A waybill with a courier: one per delivery group, tracked by the courier's events."""

    class State(models.TextChoices):
        CREATED = "created", _("已下单")
        IN_TRANSIT = "in_transit", _("运输中")
        OUT_FOR_DELIVERY = "out", _("派送中")
        SIGNED = "signed", _("已签收")
        RETURNED = "returned", _("无法投递，已退回")

    courier = models.CharField("快递公司", max_length=40)
    waybill = models.CharField("运单号", max_length=40)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="shipments")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.CREATED)
    created_at = models.DateTimeField("下单时间", auto_now_add=True)
    updated_at = models.DateTimeField("最近更新", auto_now=True)

    class Meta:
        verbose_name = "邮寄运单"
        verbose_name_plural = "邮寄运单"
        constraints = [
            models.UniqueConstraint(fields=["courier", "waybill"], name="unique_waybill")
        ]

    def __str__(self) -> str:
        return f"{self.courier} {self.waybill}"


class TrackingEvent(models.Model):
    """One tracking event a courier reported (through its signed webhook); an event id seen
    twice is a replay and is not applied again."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField("事件编号", max_length=64)
    state = models.CharField("状态", max_length=12, choices=Shipment.State.choices)
    text = models.CharField("描述", max_length=200)
    at = models.DateTimeField("发生时间")
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "物流轨迹"
        verbose_name_plural = "物流轨迹"
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "event_id"], name="unique_tracking_event")
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.text}"


class DoorHandover(models.Model):
    """送证上门: a result taken to the applicant by staff, on a day's run sheet, handed over
    against a signature and a photo."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("待送达")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("未能送达，已带回")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="door_handovers")
    courier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="door_runs",
        verbose_name="送达人员",
    )
    day = models.DateField("送达日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SCHEDULED)
    signature = models.FileField("签名", upload_to="delivery/signatures/%Y/%m/", blank=True)
    photo = models.FileField("现场照片", upload_to="delivery/photos/%Y/%m/", blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "送证上门"
        verbose_name_plural = "送证上门"
        ordering = ["day", "pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.case_id} {self.get_state_display()}"


class Delivery(models.Model):
    """How one case's result reaches its applicant, and where it is now. Chosen at
    application, changeable until the result is made. A 一件事's cases share a `group` and
    travel together (one compartment, one waybill, one hand-over)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="delivery")
    mode = models.CharField("送达方式", max_length=12, choices=DeliveryMode.choices)
    group = models.CharField("合并送达组", max_length=40, blank=True, db_index=True)
    bank = models.ForeignKey(
        LockerBank, on_delete=models.PROTECT, null=True, blank=True, verbose_name="信包箱"
    )
    recipient_name = models.CharField("收件人", max_length=50, blank=True)
    recipient_phone = models.CharField("收件电话", max_length=20, blank=True)
    region_code = models.CharField("区县代码", max_length=6, blank=True)
    address = models.CharField("详细地址", max_length=200, blank=True)
    door_reason = models.CharField("送证上门事由", max_length=20, blank=True)
    where = models.CharField(
        "结果所在", max_length=12, choices=Where.choices, default=Where.AWAITING
    )
    where_note = models.CharField("位置说明", max_length=200, blank=True)
    # The note in the portal's other languages, where the platform wrote it with `said`:
    # written together with the note (`where_noted`).
    where_note_i18n = models.JSONField(default=dict, blank=True)
    parcel = models.ForeignKey(
        LockerParcel, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    shipment = models.ForeignKey(
        Shipment, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    handover = models.ForeignKey(
        DoorHandover, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    chosen_at = models.DateTimeField("选择时间", auto_now_add=True)
    changed_at = models.DateTimeField("修改时间", auto_now=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "结果送达"
        verbose_name_plural = "结果送达"
        indexes = [models.Index(fields=["mode", "where"])]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.get_mode_display()} · {self.get_where_display()}"

    @property
    def where_note_shown(self) -> str:
        return in_language(self.where_note, self.where_note_i18n)


class SimulatedDoor(models.Model):
    """The door simulator's state (the `simulator` lock driver), shared by every process of
    one installation: a door's sensor and the fault a test or a demo gave it."""

    bank_code = models.CharField(max_length=40)
    board = models.PositiveSmallIntegerField()
    lock = models.PositiveSmallIntegerField()
    open = models.BooleanField(default=False)
    fault = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = "模拟柜门"
        verbose_name_plural = "模拟柜门"
        constraints = [
            models.UniqueConstraint(
                fields=["bank_code", "board", "lock"], name="unique_simulated_door"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bank_code}/{self.board}/{self.lock}"


def where_noted(note: str) -> dict[str, Any]:
    """`where_note` and its other languages, for a queryset's update()."""
    return {"where_note": str(note)[:200], "where_note_i18n": translations_of(note)}
