"""Electronic certificates (电子证照): the types a city issues, and each certificate issued,
with its signed PDF, its holder, its validity and, if it comes to that, its revocation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Department
from tongban.core.models import EnglishNamed


class Template(models.TextChoices):
    LICENCE = "licence", _("执照（横版）")
    PERMIT = "permit", _("许可证（竖版）")
    DECISION = "decision", _("决定书")
    OPINION = "opinion", _("联合审查意见书")


class HolderKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")


class CertificateType(EnglishNamed):
    """A kind of certificate: its template, numbering rule, validity and printed fields.

    `fields` is a list of {code, label, source}; a source is `enterprise.<attr>`,
    `applicant.<attr>`, `form.<key>`, `case.<attr>`, `item.<attr>`, `department.<attr>`, or a
    literal after `=`. The certificate library publishes each type to the exchange as the
    resource `resource_code`, so the next application that needs it does not ask for it.
    """

    code = models.SlugField("证照类型编码", max_length=40, unique=True)
    name = models.CharField("证照名称", max_length=60)
    template = models.CharField("版式", max_length=10, choices=Template.choices)
    items = models.JSONField("签发事项基本编码", default=list, blank=True)
    fallback = models.BooleanField(
        "通用决定书", default=False, help_text="未配置专门证照的事项，作出决定后签发此类文书"
    )
    resource_code = models.CharField("共享资源编码", max_length=60, blank=True)
    holder_kind = models.CharField("持证主体", max_length=10, choices=HolderKind.choices)
    number_pattern = models.CharField(
        "编号规则",
        max_length=60,
        help_text="占位符：{region} 行政区划代码，{year} 年份，{seq:06d} 年度顺序号，"
        "{check} 校验码（ISO 7064 MOD 11-2）",
    )
    validity_years = models.PositiveSmallIntegerField(
        "有效期（年）", default=0, help_text="0为长期"
    )
    fields = models.JSONField("证面字段", default=list)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "证照类型"
        verbose_name_plural = "证照类型"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class NumberCounter(models.Model):
    """The last sequence number given per certificate type and year (gap-free, locked)."""

    type = models.ForeignKey(CertificateType, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "year"], name="unique_certificate_counter")
        ]

    def __str__(self) -> str:
        return f"{self.type_id}/{self.year}: {self.last}"


class Certificate(models.Model):
    class State(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    number = models.CharField("证照编号", max_length=40, unique=True)
    type = models.ForeignKey(
        CertificateType, on_delete=models.PROTECT, related_name="certificates", verbose_name="类型"
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="办件",
    )
    joint_review = models.ForeignKey(
        "cases.JointReview",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="联合审查",
    )
    holder_kind = models.CharField("持证主体", max_length=10, choices=HolderKind.choices)
    holder_name = models.CharField("持证者", max_length=200)
    holder_key = models.CharField("持证者证件号码", max_length=18, db_index=True)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="申请人",
    )
    data = models.JSONField("证面信息", default=dict)
    issuer = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="发证机关")
    issued_on = models.DateField("发证日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    token = models.CharField("核验码", max_length=32, unique=True)
    pdf = models.BinaryField("签章文件", editable=False)
    sha256 = models.CharField("文件摘要", max_length=64, db_index=True)
    seal_holder = models.CharField("印章", max_length=100)
    seal_fingerprint = models.CharField("印章证书指纹", max_length=64)
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.VALID)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤销人",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["type", "holder_key", "-issued_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="valid") | Q(revoked_at__isnull=False),
                name="certificate_revoked_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type.name} {self.number}"

    def expired_on(self, day: dt.date) -> bool:
        return self.valid_until is not None and self.valid_until < day
