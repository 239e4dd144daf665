"""帮办代办: construction projects carried by an agent (店小二), and the outreach days of
金钥匙 teams. A project wraps the 一件事 of its approval chain (the demo's construction bundle:
立项/备案 → 用地预审与选址 → 用地规划许可 → 工程规划许可 → 施工许可, with the side approvals),
applied for and followed by the agent under the enterprise's mandate (`Delegation`: its
scope of items, its expiry, revocable). Its days are counted on the platform's calendar
against the goal (26 working days in 西咸新区)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Delegation, Enterprise
from tongban.cases.bundles.models import BundleCase
from tongban.cases.models import Case

GOAL_WORKING_DAYS = 26


class Project(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("办理中")
        DONE = "done", _("已取得施工许可")
        CLOSED = "closed", _("已终止")

    name = models.CharField("项目名称", max_length=120)
    # 投资项目统一代码 (全国投资项目在线审批监管平台), e.g. 2026-610100-47-01-000123.
    code = models.CharField("项目代码", max_length=24, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="projects", verbose_name="建设单位"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="projects_owned",
        verbose_name="委托人（企业经办人）",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="projects_carried",
        verbose_name="帮办代办员",
    )
    mandate = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, related_name="projects", verbose_name="委托授权"
    )
    bundle_case = models.OneToOneField(
        BundleCase, on_delete=models.PROTECT, related_name="project", verbose_name="审批链一件事"
    )
    goal_days = models.PositiveSmallIntegerField("目标（工作日）", default=GOAL_WORKING_DAYS)
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    done_on = models.DateField("取得施工许可日", null=True, blank=True)

    class Meta:
        verbose_name = "工程建设项目"
        verbose_name_plural = "工程建设项目"
        indexes = [models.Index(fields=["agent", "state"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class OutreachEvent(models.Model):
    """金钥匙 on-site service day: a team serving a residential area, park or complex."""

    name = models.CharField("活动名称", max_length=120)
    place = models.CharField("地点", max_length=200)
    held_on = models.DateField("日期")
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="outreach_events", verbose_name="服务团队"
    )
    people_served = models.PositiveIntegerField("服务人数", default=0)
    notes = models.TextField("说明", blank=True)
    cases: models.ManyToManyField[Case, OutreachCase] = models.ManyToManyField(
        Case, through="OutreachCase", related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "金钥匙上门服务活动"
        verbose_name_plural = "金钥匙上门服务活动"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.name}"


class OutreachCase(models.Model):
    """A case started at an outreach event (one event per case)."""

    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="links")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "活动办件"
        verbose_name_plural = "活动办件"

    def __str__(self) -> str:
        return f"{self.event_id} · {self.case_id}"
