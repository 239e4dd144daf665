"""一件事 cases: one application over a bundle's items (the parent case), whose children are
ordinary cases, one per item, each handled by its own department."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Enterprise
from tongban.catalog.models import Bundle


class BundleCaseState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_PROGRESS = "in_progress", _("办理中")
    COMPLETED = "completed", _("已办结")
    CLOSED = "closed", _("已终止")


class BundleCase(models.Model):
    number = models.CharField("一件事编号", max_length=24, unique=True, null=True, blank=True)
    bundle = models.ForeignKey(
        Bundle, on_delete=models.PROTECT, related_name="cases", verbose_name="一件事套餐"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bundle_cases",
        verbose_name="申请人",
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, verbose_name="申请企业"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    channel = models.CharField("申请渠道", max_length=10)
    idempotency_key = models.CharField("幂等键", max_length=64)
    state = models.CharField(
        "状态", max_length=12, choices=BundleCaseState.choices, default=BundleCaseState.DRAFT
    )
    choices = models.JSONField("所选情形", default=dict, blank=True)
    form_data = models.JSONField("合并表单数据", default=dict, blank=True)
    # The items skipped because the applicant already held their result when starting:
    # basic code → where it was found (an earlier case, or the registry through the exchange).
    held = models.JSONField("已持有的办理结果", default=dict, blank=True)
    serial_days = models.DecimalField("串联承诺时限", max_digits=6, decimal_places=1, default=0)
    critical_days = models.DecimalField("一件事承诺时限", max_digits=6, decimal_places=1, default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "一件事办件"
        verbose_name_plural = "一件事办件"
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], name="unique_bundle_case_idempotency"
            )
        ]
        indexes = [models.Index(fields=["applicant", "-created_at"])]

    def __str__(self) -> str:
        return self.number or f"一件事草稿#{self.pk}"


class BundleNumberCounter(models.Model):
    """The last 一件事 number given per day (gap-free, locked while taken)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"
