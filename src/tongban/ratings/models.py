"""好差评 (GB/T 39734-2020, GB/T 39735-2020, 国办发〔2019〕51号): a rating of each case online
(一事一评) and of each in-person service (一次一评), the handling of every bad rating
(回访、核实、整改、反馈), and the appeals a department may file against a rating.

Everything the public figures show is computed from these rows; none is ever entered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Department, DeviceIdentity


class Level(models.IntegerChoices):
    """The five levels; the national system's codes (5 is the best)."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# 不满意 and 非常不满意 are bad ratings (差评): each opens a task for its department.
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})
GOOD_LEVELS = frozenset({Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC})

# The indicators each kind of rating may score (each optional, 1–5).
ONLINE_INDICATORS = {
    "efficiency": _("办事效率"),
    "guide_accuracy": _("办事指南精确度"),
    "convenience": _("办事便捷度"),
    "usability": _("平台操作性"),
}
VISIT_INDICATORS = {
    "efficiency": _("服务效率"),
    "competence": _("服务水平"),
    "attitude": _("服务态度"),
}


class Rating(models.Model):
    class Kind(models.TextChoices):
        CASE = "case", _("一事一评（网上办件）")
        BUNDLE = "bundle", _("一事一评（一件事）")
        VISIT = "visit", _("一次一评（窗口服务）")

    class Channel(models.TextChoices):
        WEB = "web", _("政务服务网")
        MESSAGE = "message", _("消息中心")
        SMS = "sms", _("短信邀评")
        PAD = "pad", _("窗口评价器")

    kind = models.CharField("评价类型", max_length=8, choices=Kind.choices)
    channel = models.CharField("评价渠道", max_length=8, choices=Channel.choices)
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    indicators = models.JSONField("分项评价", default=dict, blank=True)
    reason = models.TextField("评价内容", blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name="办件",
    )
    bundle_case = models.ForeignKey(
        "cases.BundleCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name="一件事办件",
    )
    ticket = models.ForeignKey(
        "hall.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name="排队号",
    )
    # Where and by whom an in-person service was given (kept as they were at the time).
    hall = models.ForeignKey(
        "hall.Hall", on_delete=models.PROTECT, null=True, blank=True, verbose_name="大厅"
    )
    window = models.ForeignKey(
        "hall.Window", on_delete=models.PROTECT, null=True, blank=True, verbose_name="窗口"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings_received",
        verbose_name="窗口人员",
    )
    # The person who rated; None when anonymous (allowed at the pad only).
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings_given",
        verbose_name="评价人",
    )
    pad = models.ForeignKey(
        DeviceIdentity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="评价器",
    )
    rated_at = models.DateTimeField("评价时间")
    follow_up = models.TextField("追评", blank=True)
    followed_up_at = models.DateTimeField("追评时间", null=True, blank=True)
    # After a bad rating is handled, the person may rate again: the new rating replaces this
    # one in the figures, and this one stays on record.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name="再次评价所替代的评价",
    )
    current = models.BooleanField("计入当前评价", default=True)
    # An appeal upheld by a reviewer outside the department: on record, marked, not counted.
    excluded_at = models.DateTimeField("申诉成立、不计入统计的时间", null=True, blank=True)
    exclusion_reason = models.TextField("不计入统计的理由", blank=True)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        constraints = [
            # Once per case, bundle or visit; a re-rating replaces, it never adds.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(case__isnull=False, replaces__isnull=True),
                name="one_rating_per_case",
            ),
            models.UniqueConstraint(
                fields=["bundle_case"],
                condition=Q(bundle_case__isnull=False, replaces__isnull=True),
                name="one_rating_per_bundle_case",
            ),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(ticket__isnull=False, replaces__isnull=True),
                name="one_rating_per_ticket",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level"),
        ]
        indexes = [models.Index(fields=["rated_at"]), models.Index(fields=["current", "level"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def anonymous(self) -> bool:
        return self.rater_id is None

    @property
    def counted(self) -> bool:
        return self.current and self.excluded_at is None


class RatingPart(models.Model):
    """Whose work a rating judges: one row per department's part (a 一件事 has several; a
    window service names the clerk's department and the cases accepted at it)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="parts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="部门")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, verbose_name="办件"
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="事项（版本）",
    )
    # Kept from the item so the figures group versions of one item without a join.
    item_basic_code = models.CharField("事项基本编码", max_length=40, blank=True)

    class Meta:
        verbose_name = "评价归属"
        verbose_name_plural = "评价归属"

    def __str__(self) -> str:
        return f"{self.rating_id} → {self.department}"


class RatingPad(models.Model):
    """A rating pad (评价器): a device identity at one window of a hall."""

    device = models.OneToOneField(
        DeviceIdentity, on_delete=models.CASCADE, related_name="rating_pad", verbose_name="设备"
    )
    window = models.OneToOneField(
        "hall.Window", on_delete=models.CASCADE, related_name="rating_pad", verbose_name="窗口"
    )

    class Meta:
        verbose_name = "窗口评价器"
        verbose_name_plural = "窗口评价器"

    def __str__(self) -> str:
        return f"{self.window} · {self.device}"


class RatingInvitation(models.Model):
    """An SMS inviting the applicant to rate a completed case that was still unrated (once)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    bundle_case = models.OneToOneField(
        "cases.BundleCase", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField("邀评时间")

    class Meta:
        verbose_name = "短信邀评"
        verbose_name_plural = "短信邀评"

    def __str__(self) -> str:
        return f"{self.case_id or self.bundle_case_id} @ {self.sent_at:%Y-%m-%d}"


class Warning(models.TextChoices):
    NONE = "", _("正常")
    YELLOW = "yellow", _("黄灯（今日到期）")
    RED = "red", _("红灯（已超期）")


class BadRatingTask(models.Model):
    """差评核实整改: one bad rating's handling by its department, step by step."""

    class State(models.TextChoices):
        CALLBACK = "callback", _("待回访")
        VERIFY = "verify", _("待核实")
        RECTIFY = "rectify", _("整改中")
        CLOSED = "closed", _("已办结")

    class Finding(models.TextChoices):
        VALID = "valid", _("情况属实")
        NOT_VALID = "not_valid", _("情况不属实")

    class Fix(models.TextChoices):
        IMMEDIATE = "immediate", _("立行立改")
        PLANNED = "planned", _("限期整改")

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="task")
    # The department whose work was judged (a 一件事: its lead department); a window service
    # by a clerk of no department is handled by the hall's managers.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bad_rating_tasks",
        verbose_name="部门",
    )
    hall = models.ForeignKey(
        "hall.Hall", on_delete=models.PROTECT, null=True, blank=True, verbose_name="大厅"
    )
    state = models.CharField("状态", max_length=8, choices=State.choices)
    opened_on = models.DateField("派单日")
    # Callback (回访) within one working day; None for an anonymous rating (nobody to call).
    callback_due = models.DateField("回访期限", null=True, blank=True)
    verify_due = models.DateField("核实期限")
    callback_at = models.DateTimeField("回访时间", null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="回访人",
    )
    callback_reached = models.BooleanField("联系上评价人", null=True, blank=True)
    callback_note = models.TextField("回访记录", blank=True)
    finding = models.CharField("核实结论", max_length=10, choices=Finding.choices, blank=True)
    finding_reason = models.TextField("核实说明", blank=True)
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="核实人",
    )
    fix = models.CharField("整改方式", max_length=10, choices=Fix.choices, blank=True)
    fix_plan = models.TextField("整改措施", blank=True)
    fix_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="整改责任人",
    )
    fix_due = models.DateField("整改期限", null=True, blank=True)
    fix_evidence = models.TextField("整改佐证", blank=True)
    fixed_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    result_text = models.TextField("反馈评价人的处理结果", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    warning = models.CharField(
        "预警", max_length=6, choices=Warning.choices, default=Warning.NONE, blank=True
    )

    class Meta:
        verbose_name = "差评核实整改"
        verbose_name_plural = "差评核实整改"
        indexes = [models.Index(fields=["department", "state"])]

    def __str__(self) -> str:
        return f"差评#{self.rating_id} {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class RatingAppeal(models.Model):
    """申诉复核: a department holds a rating malicious or mistaken; a reviewer outside it
    decides. An upheld appeal excludes the rating from the figures; it stays on record."""

    class State(models.TextChoices):
        PENDING = "pending", _("待复核")
        UPHELD = "upheld", _("申诉成立")
        DISMISSED = "dismissed", _("申诉不成立")

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="appeals")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="申诉部门")
    reason = models.TextField("申诉理由")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申诉人"
    )
    filed_at = models.DateTimeField("申诉时间")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="复核人",
    )
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    decision_note = models.TextField("复核意见", blank=True)

    class Meta:
        verbose_name = "差评申诉"
        verbose_name_plural = "差评申诉"
        constraints = [
            models.UniqueConstraint(
                fields=["rating"], condition=Q(state="pending"), name="one_pending_appeal"
            )
        ]

    def __str__(self) -> str:
        return f"申诉#{self.pk} {self.get_state_display()}"
