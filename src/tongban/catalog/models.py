"""The service catalog (事项清单): items, their versions, legal bases, conditions, situations
and materials, following the national catalogue's fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Department
from tongban.catalog.commitments import validate_commitment
from tongban.catalog.inspections import validate_inspection
from tongban.core.models import EnglishNamed


class ItemType(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    CONFIRMATION = "confirmation", _("行政确认")
    PAYMENT = "payment", _("行政给付")
    LEVY = "levy", _("行政征收")
    REWARD = "reward", _("行政奖励")
    ADJUDICATION = "adjudication", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class Audience(models.TextChoices):
    PERSON = "person", _("个人服务")
    ENTERPRISE = "enterprise", _("法人服务")
    BOTH = "both", _("个人和法人")


class OnlineDepth(models.IntegerChoices):
    I = 1, _("一级：网上发布办事指南")  # noqa: E741 — the national levels are named I–IV
    II = 2, _("二级：网上下载表格、预约")
    III = 3, _("三级：网上申报、预审")
    IV = 4, _("四级：全程网办")


class HandlingForm(models.TextChoices):
    WINDOW = "window", _("窗口办理")
    ONLINE = "online", _("网上办理")
    POST = "post", _("邮寄申请")


class DeliveryMode(models.TextChoices):
    WINDOW = "window", _("窗口领取")
    MAIL = "mail", _("免费邮寄")
    LOCKER = "locker", _("智能信包箱自取")
    DOOR = "door", _("送证上门")
    ELECTRONIC = "electronic", _("电子证照（网上下载）")


class ResultType(models.TextChoices):
    CERTIFICATE = "certificate", _("证照")
    DOCUMENT = "document", _("批文")
    OTHER = "other", _("其他")


class LifeEvent(EnglishNamed):
    """A life or business event (出生、就业、开办企业…) under which items are browsed."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50)
    audience = models.CharField("服务对象", max_length=12, choices=Audience.choices)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "主题事件"
        verbose_name_plural = "主题事件"
        ordering = ["audience", "order", "code"]

    def __str__(self) -> str:
        return self.name


class MaterialKind(EnglishNamed):
    """One kind of document in the material dictionary (材料字典): its one name, the other
    names it goes by, and how far it can be trusted (国办函〔2016〕108号: A issued with the
    authority's e-seal, B checked at a window, C uploaded by the applicant, D made under a
    commitment). Items refer to it, so the same document is spelled one way everywhere."""

    class Trust(models.TextChoices):
        A = "A", _("A 权威部门签章的电子证照或数据")
        B = "B", _("B 窗口人员核验")
        C = "C", _("C 申请人上传，原件待核")
        D = "D", _("D 告知承诺")

    code = models.SlugField("编码", max_length=60, unique=True)
    name = models.CharField("规范名称", max_length=200, unique=True)
    aliases = models.JSONField("别称", default=list, blank=True)
    trust = models.CharField("可信等级", max_length=1, choices=Trust.choices, default=Trust.C)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "材料字典条目"
        verbose_name_plural = "材料字典"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


MAX_ALIASES = 30
MAX_ALIAS_LENGTH = 30


def validate_aliases(value: Any) -> None:
    """俗称: what people call an item or bundle ("开饭馆", "社保卡"). A short list of distinct,
    non-empty words; the guide's search matches them like the name."""
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValidationError("俗称应为文字列表")
    cleaned = [a.strip() for a in value]
    if any(not a for a in cleaned):
        raise ValidationError("俗称不能为空")
    if len(cleaned) > MAX_ALIASES:
        raise ValidationError(f"俗称最多{MAX_ALIASES}个")
    too_long = [a for a in cleaned if len(a) > MAX_ALIAS_LENGTH]
    if too_long:
        raise ValidationError(f"俗称不能超过{MAX_ALIAS_LENGTH}个字：{'、'.join(too_long)}")
    repeated = sorted({a for a in cleaned if cleaned.count(a) > 1})
    if repeated:
        raise ValidationError(f"俗称重复：{'、'.join(repeated)}")


def validate_half_days(value: Decimal) -> None:
    """Promised limits are whole or half working days, never negative."""
    if value < 0 or (value * 2) % 1 != 0:
        raise ValidationError("承诺办结时限应为0或半个工作日的整数倍（如 0.5、1、14.5）")


class ServiceItem(EnglishNamed):
    """One version of a service item. A published version is never edited: editing makes a new
    draft, and cases keep pointing at the version they were created under."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被新版本替代")

    code = models.CharField("实施编码", max_length=80, db_index=True)
    basic_code = models.CharField("基本编码", max_length=40)
    version = models.PositiveIntegerField("版本", default=1)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFT)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="上一版本"
    )
    name = models.CharField("事项名称", max_length=120)
    # What people call it (俗称), versioned with the item and searched like its name.
    aliases = models.JSONField(
        "俗称",
        default=list,
        blank=True,
        validators=[validate_aliases],
        help_text="如：开饭馆、办执照",
    )
    summary = models.TextField("简介", blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="items", verbose_name="实施主体"
    )
    item_type = models.CharField("事项类型", max_length=20, choices=ItemType.choices)
    audience = models.CharField("服务对象", max_length=12, choices=Audience.choices)
    life_events = models.ManyToManyField(LifeEvent, blank=True, verbose_name="主题事件")
    legal_limit_days = models.PositiveSmallIntegerField("法定办结时限（工作日）")
    # Whole or half working days (半日办结): 0 is 即办, 0.5 half a day.
    promised_limit_days = models.DecimalField(
        "承诺办结时限（工作日）",
        max_digits=4,
        decimal_places=1,
        validators=[validate_half_days],
        help_text="0 表示即办；可按半个工作日承诺（如 0.5、14.5）",
    )
    visits_required = models.PositiveSmallIntegerField("到办事现场次数")
    visits_reason = models.CharField("需到现场的原因", max_length=200, blank=True)
    online_depth = models.PositiveSmallIntegerField("网上办理深度", choices=OnlineDepth.choices)
    handling_forms = models.JSONField("办理形式", default=list)
    # The application form (forms.schema), versioned with the item: a new draft copies it.
    form = models.JSONField("申请表单", default=dict, blank=True)
    # 现场核查: which situations need an on-site inspection and its checklist
    # (`catalog.inspections`); empty when the item needs none.
    inspection = models.JSONField(
        "现场核查", default=dict, blank=True, validators=[validate_inspection]
    )
    # 告知承诺: the conditions an applicant may promise instead of proving, the materials the
    # promise replaces and the post-check (`catalog.commitments`); empty when not offered.
    commitment = models.JSONField(
        "告知承诺", default=dict, blank=True, validators=[validate_commitment]
    )
    delivery_modes = models.JSONField("送达方式", default=list)
    fee_charged = models.BooleanField("是否收费", default=False)
    fee_standard = models.CharField("收费标准", max_length=200, blank=True)
    fee_basis = models.CharField("收费依据", max_length=200, blank=True)
    online_payment = models.BooleanField("支持网上支付", default=False)
    result_name = models.CharField("办理结果名称", max_length=100)
    result_type = models.CharField("结果类型", max_length=12, choices=ResultType.choices)
    location = models.CharField("办理地点", max_length=200, blank=True)
    hours = models.CharField("办理时间", max_length=200, blank=True)
    consult_phone = models.CharField("咨询电话", max_length=30, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        ordering = ["department__order", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_item_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(state="published"), name="one_published_version"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(state="draft"), name="one_draft_version"
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="promised_within_legal_limit",
            ),
            models.CheckConstraint(
                condition=Q(online_depth__gte=1, online_depth__lte=4), name="online_depth_1_to_4"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "department"]),
            models.Index(fields=["state", "published_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（v{self.version}）"

    @property
    def is_immediate(self) -> bool:
        """即办件: done on the spot (promised limit 0); otherwise 承诺件."""
        return self.promised_limit_days == 0

    @property
    def case_kind_display(self) -> str:
        return str(_("即办件") if self.is_immediate else _("承诺件"))

    @property
    def limit_reduction(self) -> float | None:
        """Share by which the promised limit undercuts the legal one (0.75 = 75% shorter)."""
        if not self.legal_limit_days:
            return None
        return float(1 - self.promised_limit_days / self.legal_limit_days)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if (
            self.legal_limit_days is not None
            and self.promised_limit_days is not None
            and self.promised_limit_days > self.legal_limit_days
        ):
            errors["promised_limit_days"] = [
                f"承诺办结时限（{self.promised_limit_days}个工作日）不得超过"
                f"法定办结时限（{self.legal_limit_days}个工作日）"
            ]
        bad_forms = [f for f in self.handling_forms or [] if f not in HandlingForm.values]
        if bad_forms:
            errors["handling_forms"] = [f"未知的办理形式：{'、'.join(map(str, bad_forms))}"]
        bad_modes = [m for m in self.delivery_modes or [] if m not in DeliveryMode.values]
        if bad_modes:
            errors["delivery_modes"] = [f"未知的送达方式：{'、'.join(map(str, bad_modes))}"]
        if not self.delivery_modes:
            errors.setdefault("delivery_modes", []).append("至少需要一种送达方式")
        if errors:
            raise ValidationError(errors)


class LegalBasis(models.Model):
    """A provision of law an item, a condition or a material rests on (设定依据)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="legal_bases")
    key = models.SlugField("引用标识", max_length=20)
    law = models.CharField("法律法规名称", max_length=200)
    article = models.CharField("条款", max_length=100, blank=True)
    excerpt = models.TextField("条款内容", blank=True)

    class Meta:
        verbose_name = "设定依据"
        verbose_name_plural = "设定依据"
        constraints = [
            models.UniqueConstraint(fields=["item", "key"], name="unique_basis_key_per_item")
        ]

    def __str__(self) -> str:
        return f"《{self.law}》{self.article}"


class Condition(models.Model):
    """An acceptance condition; a precondition without a legal basis is flagged by the checks."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="conditions")
    text = models.TextField("受理条件")
    legal_basis = models.ForeignKey(
        LegalBasis, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="法律依据"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "受理条件"
        verbose_name_plural = "受理条件"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Situation(models.Model):
    """A question whose answer (情形) changes the materials, e.g. 经营场所是否为租赁."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="situations")
    code = models.SlugField("编码", max_length=40)
    question = models.CharField("情形问题", max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "情形"
        verbose_name_plural = "情形"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="unique_situation_per_item")
        ]

    def __str__(self) -> str:
        return self.question


class SituationOption(models.Model):
    situation = models.ForeignKey(Situation, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField("编码", max_length=40)
    label = models.CharField("选项", max_length=100)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "情形选项"
        verbose_name_plural = "情形选项"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["situation", "code"], name="unique_option_code")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def ref(self) -> str:
        return f"{self.situation.code}.{self.code}"


class Material(EnglishNamed):
    """A material the item requires, and where the platform may obtain it instead (免提交)."""

    class Requirement(models.TextChoices):
        REQUIRED = "required", _("必要")
        CONDITIONAL = "conditional", _("情形必要")
        OPTIONAL = "optional", _("非必要")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("申请人提供")
        SHARED_RESOURCE = "shared_resource", _("数据共享获取")
        CERTIFICATE = "certificate", _("电子证照库调取")
        ITEM_OUTPUT = "item_output", _("其他事项办理结果")

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    requirement = models.CharField(
        "必要性", max_length=12, choices=Requirement.choices, default=Requirement.REQUIRED
    )
    originals = models.PositiveSmallIntegerField("原件份数", default=0)
    copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    electronic = models.BooleanField("接受电子材料", default=True)
    source = models.CharField(
        "材料来源", max_length=20, choices=Source.choices, default=Source.APPLICANT
    )
    source_ref = models.CharField(
        "来源标识", max_length=120, blank=True, help_text="数据资源编码、证照类型或事项实施编码"
    )
    applies_when = models.ManyToManyField(
        SituationOption, blank=True, related_name="materials", verbose_name="适用情形"
    )
    note = models.CharField("填报说明", max_length=300, blank=True)
    # What the fetched record must say for the item's conditions to hold, e.g.
    # [{"field": "用途", "forbidden": ["住宅"], "message": "…"}]: a record that contradicts
    # one is flagged to the reviewer (never refused by the platform on its own).
    data_checks = models.JSONField("数据核对规则", default=list, blank=True)
    kind = models.ForeignKey(
        MaterialKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name="材料字典条目",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.source != self.Source.APPLICANT and not self.source_ref:
            raise ValidationError({"source_ref": "由平台获取的材料必须注明来源标识"})
        problems = data_checks_problems(self.data_checks)
        if problems:
            raise ValidationError({"data_checks": problems})

    def data_flags(self, data: dict[str, Any]) -> list[str]:
        """What in a fetched record contradicts this material's checks, in words."""
        flags = []
        for check in self.data_checks or []:
            value = data.get(check["field"])
            if value is None:
                continue
            text = str(value)
            allowed, forbidden = check.get("allowed"), check.get("forbidden")
            if (forbidden and text in forbidden) or (allowed and text not in allowed):
                flags.append(f"{check['field']}为“{text}”：{check['message']}")
        return flags


def data_checks_problems(checks: Any) -> list[str]:
    """Why a material's data checks cannot be used, if they cannot."""
    if not isinstance(checks, list):
        return ["数据核对规则应为列表"]
    problems = []
    for n, check in enumerate(checks, start=1):
        if not isinstance(check, dict) or not isinstance(check.get("field"), str):
            problems.append(f"第{n}条规则缺少核对字段（field）")
            continue
        lists = [check.get(k) for k in ("allowed", "forbidden") if check.get(k) is not None]
        if len(lists) != 1 or not isinstance(lists[0], list) or not lists[0]:
            problems.append(f"第{n}条规则须给出允许值（allowed）或禁止值（forbidden）之一")
        if not isinstance(check.get("message"), str) or not check["message"].strip():
            problems.append(f"第{n}条规则缺少提示（message）")
    return problems


class Bundle(EnglishNamed):
    """一件事 / 办事套餐: several items applied for once, their departments working in parallel.
    Its definition (items by basic code, dependencies, situations) is checked by
    `catalog.bundles.parse_bundle`; see `catalog.services.bundles.bundle_define`."""

    code = models.SlugField("套餐编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    aliases = models.JSONField("俗称", default=list, blank=True, validators=[validate_aliases])
    summary = models.TextField("简介", blank=True)
    audience = models.CharField("服务对象", max_length=12, choices=Audience.choices)
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="牵头部门"
    )
    joint_review = models.BooleanField("需联合审查", default=False)
    definition = models.JSONField("套餐定义")
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "一件事套餐"
        verbose_name_plural = "一件事套餐"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
