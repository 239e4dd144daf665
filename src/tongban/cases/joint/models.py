"""Joint review (联合审查): the lead department convenes one meeting over cases, every
participating department enters its opinion on one consolidated form (one row each), the form
is closed, and the lead department issues one decision (一会定方案、一表给意见、一章管审批)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Department


class JointReviewState(models.TextChoices):
    OPEN = "open", _("征求意见中")
    CLOSED = "closed", _("意见已汇总")
    DECIDED = "decided", _("已作出决定")


class OpinionKind(models.TextChoices):
    AGREE = "agree", _("同意")
    CONDITIONAL = "conditional", _("有条件同意")
    DISAGREE = "disagree", _("不同意")


class JointReview(models.Model):
    bundle_case = models.ForeignKey(
        "cases.BundleCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_reviews",
        verbose_name="一件事办件",
    )
    cases = models.ManyToManyField("cases.Case", related_name="joint_reviews", verbose_name="议题")
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="牵头部门"
    )
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="召集人"
    )
    meeting_at = models.DateTimeField("会议时间")
    place = models.CharField("会议地点", max_length=200)
    online = models.BooleanField("线上会议", default=False)
    state = models.CharField(
        "状态", max_length=8, choices=JointReviewState.choices, default=JointReviewState.OPEN
    )
    closed_at = models.DateTimeField("汇总时间", null=True, blank=True)
    decision = models.CharField("决定", max_length=5, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="决定人",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "联合审查"
        verbose_name_plural = "联合审查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"联合审查#{self.pk}"


class JointOpinion(models.Model):
    """One department's row on the consolidated opinion form; empty until entered."""

    review = models.ForeignKey(JointReview, on_delete=models.CASCADE, related_name="opinions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="部门")
    opinion = models.CharField("意见", max_length=12, choices=OpinionKind.choices, blank=True)
    conditions = models.TextField("条件", blank=True)
    legal_basis = models.TextField("依据", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填写人",
    )
    entered_at = models.DateTimeField("填写时间", null=True, blank=True)

    class Meta:
        verbose_name = "联合审查意见"
        verbose_name_plural = "联合审查意见"
        ordering = ["department__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "department"], name="unique_joint_opinion")
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.department}"
