"""The city data-sharing exchange (政务信息资源共享): resources with their fields, grants to
consuming departments, the built-in registries, remote peers and every access.

A resource names its subject key (an ID number or a credit code). Access logs never hold the
subject's key itself: a keyed digest lets the subject find their own entries and nobody list
whose data was read.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Department
from tongban.core.models import EnglishNamed
from tongban.core.texts import field_in_language


class SharingClass(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NOT_SHARED = "not_shared", _("不予共享")


class SubjectKind(models.TextChoices):
    PERSON = "person", _("自然人（公民身份号码）")
    ENTERPRISE = "enterprise", _("法人（统一社会信用代码）")


class UpdateFrequency(models.TextChoices):
    REALTIME = "realtime", _("实时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    YEARLY = "yearly", _("每年")


class Sensitivity(models.TextChoices):
    PUBLIC = "public", _("公开")
    INTERNAL = "internal", _("内部")
    PERSONAL = "personal", _("个人信息")
    SENSITIVE = "sensitive", _("敏感个人信息")


class MaskKind(models.TextChoices):
    NONE = "none", _("不遮蔽")
    NAME = "name", _("姓名（保留姓）")
    ID_NUMBER = "id_number", _("证件号（保留前6后4）")
    PHONE = "phone", _("电话（保留前3后4）")
    ADDRESS = "address", _("地址（保留前6字）")
    HIDDEN = "hidden", _("完全隐藏")


class DataResource(EnglishNamed):
    """A data resource a provider department publishes in the resource catalog."""

    class Kind(models.TextChoices):
        DATA = "data", _("数据资源")
        CERTIFICATE = "certificate", _("电子证照")

    code = models.SlugField("资源编码", max_length=60, unique=True)
    name = models.CharField("资源名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.DATA)
    provider = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="resources", verbose_name="提供部门"
    )
    description = models.TextField("摘要", blank=True)
    sharing_class = models.CharField("共享类型", max_length=14, choices=SharingClass.choices)
    not_shared_basis = models.CharField("不予共享依据", max_length=200, blank=True)
    subject_kind = models.CharField("主体标识", max_length=12, choices=SubjectKind.choices)
    update_frequency = models.CharField(
        "更新周期", max_length=10, choices=UpdateFrequency.choices, default=UpdateFrequency.DAILY
    )
    issued_by_item = models.CharField(
        "签发事项基本编码",
        max_length=20,
        blank=True,
        help_text="本平台办理结果即为此证照时填写，该事项的办理结果可从本资源获取",
    )
    provider_plugin = models.CharField("提供方式", max_length=20, default="builtin")
    endpoint = models.URLField("远程接口地址", blank=True)
    key_id = models.CharField("签名密钥编号", max_length=40, blank=True)
    secret = models.CharField("签名密钥", max_length=128, blank=True)
    timeout_ms = models.PositiveIntegerField("超时（毫秒）", default=2000)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "数据资源"
        verbose_name_plural = "数据资源目录"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ResourceField(models.Model):
    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="fields")
    code = models.SlugField("字段编码", max_length=40)
    label = models.CharField("字段名称", max_length=60)
    sensitivity = models.CharField(
        "敏感级别", max_length=10, choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    mask = models.CharField("遮蔽方式", max_length=10, choices=MaskKind.choices, default="none")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "资源字段"
        verbose_name_plural = "资源字段"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "code"], name="unique_resource_field")
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.code}）"


class AccessGrant(models.Model):
    """A consuming department's right to named fields of a resource, for a purpose, until a
    date. Fields listed in clear_fields come back unmasked; the rest masked by their rule."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待审核")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("已拒绝")
        REVOKED = "revoked", _("已撤销")

    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT, related_name="grants")
    consumer = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="grants", verbose_name="使用部门"
    )
    purpose = models.CharField("使用目的", max_length=300)
    fields = models.JSONField("申请字段", default=list)
    clear_fields = models.JSONField("不遮蔽字段", default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    valid_until = models.DateField("有效期至")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "共享授权"
        verbose_name_plural = "共享授权"
        indexes = [models.Index(fields=["consumer", "resource", "state"])]

    def __str__(self) -> str:
        return f"{self.consumer.short_name} → {self.resource.name}"

    def is_active(self, on: dt.date) -> bool:
        return self.state == self.State.APPROVED and self.valid_until >= on


class RegistryRecord(models.Model):
    """A record of the built-in provider's registries (户籍, 企业登记, 不动产, …): the demo
    city's stand-in for the provider departments' own databases."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="records")
    subject_key = models.CharField("主体标识", max_length=18)
    data = models.JSONField("数据", default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "登记记录"
        verbose_name_plural = "登记记录（内置提供方）"
        constraints = [
            models.UniqueConstraint(fields=["resource", "subject_key"], name="unique_record")
        ]

    def __str__(self) -> str:
        return f"{self.resource.code} · {self.pk}"


class ExchangePeer(models.Model):
    """A remote system allowed to query this platform's resources with signed requests,
    acting for a consuming department (its grants apply)."""

    key_id = models.SlugField("密钥编号", max_length=40, unique=True)
    name = models.CharField("系统名称", max_length=100)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="所属部门")
    secret = models.CharField("签名密钥", max_length=128)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "对接系统"
        verbose_name_plural = "对接系统"

    def __str__(self) -> str:
        return self.name


class SeenNonce(models.Model):
    """Nonces of signed requests already accepted: a replay inside the time window fails on
    the unique constraint. Rows older than the window are pruned by the sweep."""

    key_id = models.CharField(max_length=40)
    nonce = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key_id", "nonce"], name="unique_nonce")]

    def __str__(self) -> str:
        return f"{self.key_id}:{self.nonce}"


class AccessLog(models.Model):
    """One access to a subject's data, whatever its result."""

    class Result(models.TextChoices):
        OK = "ok", _("已获取")
        NO_RECORD = "no_record", _("无记录")
        DENIED = "denied", _("未授权")
        UNAVAILABLE = "unavailable", _("提供方不可用")
        INVALID = "invalid", _("提供方返回无效数据")
        REJECTED = "rejected", _("签名无效或重放")

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField("访问者", max_length=100)
    consumer = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name="使用部门"
    )
    resource = models.ForeignKey(
        DataResource, on_delete=models.PROTECT, null=True, blank=True, related_name="accesses"
    )
    grant = models.ForeignKey(AccessGrant, on_delete=models.PROTECT, null=True, blank=True)
    purpose = models.CharField("目的", max_length=300)
    # Purpose, reader and case label in the portal's other languages (`translations_by_field`).
    i18n = models.JSONField(default=dict, blank=True)
    case_id = models.BigIntegerField("关联办件", null=True, blank=True)
    case_label = models.CharField("办件编号", max_length=40, blank=True)
    subject_digest = models.CharField(max_length=64, db_index=True)
    # The audit record this access was written in: the person's proof that it is in the
    # sealed log (`/me/data-access/<id>/proof.json`).
    audit_record = models.ForeignKey(
        "core.AuditRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_masked = models.CharField("主体", max_length=30)
    fields = models.JSONField("字段", default=list)
    result = models.CharField("结果", max_length=12, choices=Result.choices)
    detail = models.CharField("说明", max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "数据访问记录"
        verbose_name_plural = "数据访问记录"
        indexes = [models.Index(fields=["consumer", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}"

    @property
    def purpose_shown(self) -> str:
        return field_in_language(self.purpose, self.i18n, "purpose")

    @property
    def case_label_shown(self) -> str:
        return field_in_language(self.case_label, self.i18n, "case_label")

    @property
    def actor_label_shown(self) -> str:
        return field_in_language(self.actor_label, self.i18n, "actor_label")
