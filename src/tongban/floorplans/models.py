"""餐饮平面图: a floor plan drawn with the platform's tool. The plan belongs to the person who
drew it; each save is a revision (the JSON as checked, its digest and the checker's verdict),
so the reviewer sees exactly the revision that was attached. Every attempt to attach a plan to
an application is recorded, passed or refused: the scoreboard's share of plans that passed
the checker at their first submission is counted from these. A reviewer's comments point at a
place on a revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tongban.accounts.models import DeviceIdentity
from tongban.cases.models import Case


class FloorPlan(models.Model):
    # None while the plan is a kiosk's: drawn at a hall's kiosk by someone not signed in, it
    # waits for its 取图码 (`claim_digest`, until `claim_until`) to give it an owner online.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="绘制人",
        null=True,
        blank=True,
    )
    device = models.ForeignKey(
        DeviceIdentity,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="绘制所用自助机",
        null=True,
        blank=True,
    )
    claim_digest = models.CharField("取图码摘要", max_length=64, blank=True, db_index=True)
    claim_until = models.DateTimeField("取图码有效期", null=True, blank=True)
    title = models.CharField("名称", max_length=60, blank=True)
    jurisdiction = models.CharField("适用规则", max_length=30)
    revision = models.PositiveIntegerField("当前版本", default=0)
    # The current revision's data and verdict, copied here to list plans without the history.
    data = models.JSONField("平面图数据", default=dict)
    passed = models.BooleanField("通过约束性规则", default=False)
    findings = models.JSONField("核验结果", default=list, blank=True)
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所附办件",
    )
    attached_revision = models.PositiveIntegerField("所附版本", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "餐饮平面图"
        verbose_name_plural = "餐饮平面图"
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.title or '平面图'} #{self.pk}"


class PlanRevision(models.Model):
    plan = models.ForeignKey(FloorPlan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField("版本")
    data = models.JSONField("平面图数据")
    sha256 = models.CharField("摘要", max_length=64)
    passed = models.BooleanField("通过约束性规则")
    findings = models.JSONField("核验结果", default=list)
    # None: saved at a kiosk, by someone not signed in.
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "平面图版本"
        verbose_name_plural = "平面图版本"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_revision")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}-v{self.number}"


class PlanSubmission(models.Model):
    """One attempt to attach a plan to an application, whatever the checker said."""

    plan = models.ForeignKey(FloorPlan, on_delete=models.CASCADE, related_name="submissions")
    revision = models.PositiveIntegerField("版本")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    passed = models.BooleanField("通过核验")
    binding = models.PositiveIntegerField("约束性问题数", default=0)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "平面图提交记录"
        verbose_name_plural = "平面图提交记录"
        indexes = [models.Index(fields=["plan", "at"])]

    def __str__(self) -> str:
        return f"{self.plan_id}-v{self.revision} → {self.case_id}"


class PlanComment(models.Model):
    """A reviewer's remark on a place of the plan (metres on the plan's grid)."""

    plan = models.ForeignKey(FloorPlan, on_delete=models.CASCADE, related_name="comments")
    revision = models.PositiveIntegerField("版本")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    x = models.FloatField()
    y = models.FloatField()
    text = models.CharField("意见", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "平面图审查意见"
        verbose_name_plural = "平面图审查意见"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:30]
