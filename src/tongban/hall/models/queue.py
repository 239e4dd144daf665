"""The service hall: halls, queue categories, windows and who sits at them, the hall's devices,
queue tickets with their per-category daily numbers, the cases a ticket led to, and the hall's
event log (what the display boards show and the hall analysis counts)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import DeviceIdentity


class Hall(models.Model):
    """A service hall (政务服务大厅), open on working days within its opening hours."""

    code = models.SlugField("大厅编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    address = models.CharField("地址", max_length=200)
    opens_at = models.TimeField("开门时间", default=dt.time(9, 0))
    closes_at = models.TimeField("闭厅时间", default=dt.time(17, 0))
    wait_target_minutes = models.PositiveSmallIntegerField("平均等候目标（分钟）", default=15)
    near_notice_ahead = models.PositiveSmallIntegerField(
        "临近提醒（前面剩余人数）", default=3, help_text="前面还剩这么多人时提醒申请人"
    )
    recall_limit = models.PositiveSmallIntegerField(
        "过号前重呼次数", default=2, help_text="重呼这么多次仍未到，窗口可标记过号"
    )
    priority_streak_limit = models.PositiveSmallIntegerField(
        "优先号连续上限",
        default=2,
        help_text="连续叫这么多个优先号后，若有普通号等候，先叫一个普通号，避免普通号久等",
    )
    priority_appointment = models.BooleanField("按时到达的预约优先", default=True)
    priority_elderly = models.BooleanField("老年人优先", default=True)
    elderly_age = models.PositiveSmallIntegerField("老年人年龄（周岁）", default=60)
    priority_disabled = models.BooleanField("残疾人优先", default=True)
    priority_correction = models.BooleanField("补正二次到访优先", default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="hall_posts", blank=True, verbose_name="窗口人员"
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="halls_managed", blank=True, verbose_name="管理员"
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "服务大厅"
        verbose_name_plural = "服务大厅"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="hall_hours_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class QueueCategory(models.Model):
    """A ticket category (分类抽号): a letter, a name and the catalog items it covers."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="categories")
    letter = models.CharField(
        "号头字母",
        max_length=1,
        validators=[RegexValidator(r"^[A-Z]$", "号头须为一个大写字母")],
    )
    name = models.CharField("名称", max_length=50)
    description = models.CharField("说明", max_length=200, blank=True)
    item_codes = models.JSONField("覆盖事项（实施编码）", default=list, blank=True)
    default_service_minutes = models.PositiveSmallIntegerField(
        "默认办理时长（分钟）",
        default=10,
        validators=[MinValueValidator(1, "办理时长至少1分钟")],
    )
    appointment_capacity = models.PositiveSmallIntegerField(
        "每个预约时段名额", default=2, help_text="每半小时可预约的人数；0 表示不开放预约"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "排队类别"
        verbose_name_plural = "排队类别"
        ordering = ["hall", "order", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "letter"], name="unique_category_letter"),
            models.CheckConstraint(
                condition=Q(default_service_minutes__gte=1), name="category_service_time_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter} {self.name}"


class Window(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="windows")
    number = models.PositiveSmallIntegerField("窗口号")
    name = models.CharField("名称", max_length=50, blank=True)
    categories = models.ManyToManyField(QueueCategory, related_name="windows", verbose_name="类别")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "窗口"
        verbose_name_plural = "窗口"
        ordering = ["hall", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="unique_window_number")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number}号窗口"


class WindowSession(models.Model):
    """A staff member signed in at a window; only a signed-in window calls tickets."""

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="sessions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="window_sessions"
    )
    started_at = models.DateTimeField("签到时间")
    ended_at = models.DateTimeField("签退时间", null=True, blank=True)

    class Meta:
        verbose_name = "窗口签到"
        verbose_name_plural = "窗口签到"
        constraints = [
            models.UniqueConstraint(
                fields=["window"], condition=Q(ended_at__isnull=True), name="one_open_per_window"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_at__isnull=True), name="one_open_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.window} · {self.user}"


class HallDevice(models.Model):
    """Which hall a ticket kiosk or display board stands in."""

    device = models.OneToOneField(
        DeviceIdentity, on_delete=models.CASCADE, related_name="hall_post", verbose_name="设备"
    )
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="devices")

    class Meta:
        verbose_name = "大厅设备"
        verbose_name_plural = "大厅设备"

    def __str__(self) -> str:
        return f"{self.hall} · {self.device}"


class TicketCounter(models.Model):
    """Per-category, per-day sequence behind gap-free ticket numbers (row-locked on issue)."""

    category = models.ForeignKey(QueueCategory, on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "取号计数"
        verbose_name_plural = "取号计数"
        constraints = [
            models.UniqueConstraint(fields=["category", "day"], name="unique_counter_day")
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.day}: {self.last}"


class Ticket(models.Model):
    class Source(models.TextChoices):
        KIOSK = "kiosk", _("自助机取号")
        REMOTE = "remote", _("远程取号")
        APPOINTMENT = "appointment", _("预约签到")
        WINDOW = "window", _("窗口转入")

    class Priority(models.TextChoices):
        NONE = "", _("普通")
        APPOINTMENT = "appointment", _("预约按时到达")
        ELDERLY = "elderly", _("老年人")
        DISABLED = "disabled", _("残疾人")
        CORRECTION = "correction", _("补正二次到访")

    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已叫号")
        SERVING = "serving", _("办理中")
        DONE = "done", _("已办结")
        NO_SHOW = "no_show", _("过号")
        CANCELLED = "cancelled", _("已取消")

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="tickets")
    # The queue the ticket waits in now (a transfer changes it) and the one that numbered it.
    category = models.ForeignKey(QueueCategory, on_delete=models.PROTECT, related_name="tickets")
    numbered_in = models.ForeignKey(
        QueueCategory, on_delete=models.PROTECT, related_name="+", verbose_name="取号类别"
    )
    day = models.DateField("日期")
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("号码", max_length=8)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    priority = models.CharField(
        "优先原因", max_length=12, choices=Priority.choices, default="", blank=True
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name="申请人",
    )
    device = models.ForeignKey(
        DeviceIdentity, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="取号设备"
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.WAITING)
    issued_at = models.DateTimeField("取号时间")
    # Place in the queue: the issue time, kept on transfer so a transferred ticket does not
    # start waiting again at the back.
    queued_at = models.DateTimeField("排队时间")
    target_window = models.ForeignKey(
        Window,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="指定窗口",
    )
    window = models.ForeignKey(
        Window,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name="叫号窗口",
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="办理人",
    )
    called_at = models.DateTimeField("首次叫号", null=True, blank=True)
    recalls = models.PositiveSmallIntegerField("重呼次数", default=0)
    service_started_at = models.DateTimeField("开始办理", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    transfers = models.PositiveSmallIntegerField("转移次数", default=0)
    near_notified = models.BooleanField("已临近提醒", default=False)

    class Meta:
        verbose_name = "排队号"
        verbose_name_plural = "排队号"
        constraints = [
            models.UniqueConstraint(fields=["numbered_in", "day", "seq"], name="unique_ticket_seq"),
            models.UniqueConstraint(
                fields=["hall", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="unique_ticket_idempotency",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "day", "status", "queued_at"]),
            models.Index(fields=["hall", "day", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.hall} {self.number}"


class TicketCase(models.Model):
    """A case accepted or handled at the window for a ticket: the visit counted on the case."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="hall_tickets")
    visit = models.ForeignKey("cases.Visit", on_delete=models.SET_NULL, null=True, blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    linked_at = models.DateTimeField("关联时间", auto_now_add=True)

    class Meta:
        verbose_name = "排队号关联办件"
        verbose_name_plural = "排队号关联办件"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "case"], name="unique_ticket_case")
        ]

    def __str__(self) -> str:
        return f"{self.ticket} → {self.case}"


class HallEvent(models.Model):
    """One step of a ticket in a hall, in order: what the boards show (calls and recalls,
    replayed after a reconnect by id) and what the hall analysis counts."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("取号")
        CALLED = "called", _("叫号")
        RECALLED = "recalled", _("重呼")
        STARTED = "started", _("开始办理")
        FINISHED = "finished", _("办结")
        NO_SHOW = "no_show", _("过号")
        TRANSFERRED = "transferred", _("转移")
        CANCELLED = "cancelled", _("取消")

    id = models.BigAutoField(primary_key=True)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="events")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    window = models.ForeignKey(Window, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    at = models.DateTimeField("时间")
    text = models.CharField("播报文字", max_length=100, blank=True)

    class Meta:
        verbose_name = "大厅事件"
        verbose_name_plural = "大厅事件"
        indexes = [models.Index(fields=["hall", "id"])]

    def __str__(self) -> str:
        return f"{self.hall} {self.get_kind_display()} {self.ticket.number}"
