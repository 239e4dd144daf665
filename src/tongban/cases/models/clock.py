"""The case's clock records: stretches that do not count (补正, 特别程序) and extensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models.case import Case


class Suspension(models.Model):
    """A stretch of time that does not count against the case's limits (补正, 特别程序)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("补正")
        EXPERT_REVIEW = "expert_review", _("专家评审")
        HEARING = "hearing", _("听证")
        PUBLIC_NOTICE = "public_notice", _("公示")
        ON_SITE_INSPECTION = "on_site_inspection", _("现场勘察")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    reason = models.CharField("原因", max_length=300)
    started_on = models.DateField("开始日")
    ended_on = models.DateField("结束日", null=True, blank=True)
    working_days = models.PositiveIntegerField("暂停工作日", default=0)

    class Meta:
        verbose_name = "暂停计时"
        verbose_name_plural = "暂停计时"
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"


class Extension(models.Model):
    """延期: extra working days on both limits, with reason and approver."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveIntegerField("延长工作日")
    reason = models.CharField("延期理由", max_length=300)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    approved_at = models.DateTimeField("批准时间", auto_now_add=True)

    class Meta:
        verbose_name = "延期"
        verbose_name_plural = "延期"

    def __str__(self) -> str:
        return f"{self.case} +{self.working_days}"
