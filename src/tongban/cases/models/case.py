"""Cases (办件): one handling of one item version for one applicant, and their clock.

The state field follows the national 办件 process; transitions are declared here (they depend
only on the case's own state) and driven by `cases.services`, which does everything else.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from tongban.accounts.models import Delegation, Department, Enterprise
from tongban.catalog.models import Material, ServiceItem


class CaseState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    PRE_REVIEW = "pre_review", _("预审中")
    CORRECTION = "correction", _("待补正")
    REJECTED = "rejected", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    IN_REVIEW = "in_review", _("审查中")
    SUSPENDED = "suspended", _("特别程序中")
    DECIDED = "decided", _("已决定")
    RESULT_READY = "result_ready", _("结果已制作")
    DELIVERED = "delivered", _("已送达")
    COMPLETED = "completed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    TERMINATED = "terminated", _("已终止")


S = CaseState
BEFORE_DECISION = [
    S.DRAFT,
    S.SUBMITTED,
    S.PRE_REVIEW,
    S.CORRECTION,
    S.ACCEPTED,
    S.IN_REVIEW,
    S.SUSPENDED,
]
FINAL_STATES = frozenset({S.REJECTED, S.COMPLETED, S.WITHDRAWN, S.TERMINATED})
# States in which a case waits on staff: the work lists read only these, by a partial index.
QUEUE_STATES = frozenset(set(CaseState) - FINAL_STATES - {S.DRAFT})


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口申请")
    KIOSK = "kiosk", _("自助机申请")


class Warning(models.TextChoices):  # noqa: A001 — the domain's word (预警)
    NONE = "", _("正常")
    YELLOW = "yellow", _("黄灯预警")
    RED = "red", _("红灯超期")


class Decision(models.TextChoices):
    GRANT = "grant", _("准予许可")
    DENY = "deny", _("不予许可")


class CaseNumberCounter(models.Model):
    """Per-day sequence behind gap-free case numbers (taken under a row lock at acceptance)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "办件编号计数"
        verbose_name_plural = "办件编号计数"

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Case(models.Model):
    number = models.CharField("办件编号", max_length=20, unique=True, null=True, blank=True)
    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="cases", verbose_name="事项（版本）"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cases", verbose_name="承办部门"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="申请人",
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, verbose_name="申请企业"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_created",
        verbose_name="经办人",
    )
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, verbose_name="委托授权"
    )
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices)
    idempotency_key = models.CharField("幂等键", max_length=64)
    # Not `protected`: django-fsm unprotects it process-wide to refresh, racing other threads.
    # Only the transitions below change it, and only services call them.
    state = FSMField("状态", default=S.DRAFT, choices=CaseState.choices)
    form_data = models.JSONField("表单数据", default=dict, blank=True)
    # Where prefilled form values came from: key → {source, label, editable}; None until the
    # form was first prefilled (once per case, so the exchange is not asked on every page view).
    form_prefill = models.JSONField("表单预填来源", null=True, blank=True)
    situations = models.JSONField("所选情形", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    accepted_on = models.DateField("受理日", null=True, blank=True)
    legal_due = models.DateField("法定办结期限", null=True, blank=True)
    promised_due = models.DateField("承诺办结期限", null=True, blank=True)
    # The first year of a provisional calendar (no State Council notice entered yet) that the
    # due dates were counted on; cleared when the year is entered and the dates re-mapped.
    dues_provisional_from = models.PositiveSmallIntegerField(
        "期限按暂定日历计算（起始年度）", null=True, blank=True
    )
    suspended_working_days = models.PositiveIntegerField("暂停计时工作日", default=0)
    extension_working_days = models.PositiveIntegerField("延期工作日", default=0)
    warning = models.CharField(
        "预警", max_length=6, choices=Warning.choices, default=Warning.NONE, blank=True
    )
    decision = models.CharField("决定", max_length=5, choices=Decision.choices, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    closing_reason = models.TextField("不予受理、撤回或终止原因", blank=True)
    # A child of a 一件事 case: its key in the bundle, and the keys whose results it waits for
    # (empty once dispatched to its department).
    bundle_case = models.ForeignKey(
        "cases.BundleCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="一件事办件",
    )
    bundle_key = models.CharField(max_length=40, blank=True)
    waiting_for = models.JSONField("等待前置事项", default=list, blank=True)
    # Where a correction requested during review returns to (pre-review or review).
    return_state = models.CharField(max_length=20, blank=True)
    # Derived from state and dates on every save: the work lists' partial index reads them.
    # see decision 8
    in_queue = models.BooleanField("在办", default=False, editable=False)
    queue_date = models.DateField("排序日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], name="unique_case_idempotency"
            ),
        ]
        indexes = [
            models.Index(
                # state last: counting a filtered list reads the index alone.
                fields=["department", "queue_date", "id", "state"],
                condition=Q(in_queue=True),
                name="case_queue_by_department",
            ),
            models.Index(
                fields=["queue_date", "id", "state"], condition=Q(in_queue=True), name="case_queue"
            ),
            models.Index(fields=["department", "warning", "promised_due"]),
            models.Index(fields=["applicant", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.number or f"草稿#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Fields derived from this row alone: whether staff work on it, and the date its work
        # list is sorted by (the promised due date once accepted, else the day it came in).
        self.in_queue = self.state in QUEUE_STATES
        submitted = timezone.localdate(self.submitted_at) if self.submitted_at else None
        self.queue_date = self.promised_due or submitted
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "in_queue", "queue_date"}
        super().save(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    # --- transitions: the state machine only; every side effect lives in services ----------

    @transition(field=state, source=S.DRAFT, target=S.SUBMITTED)
    def submit(self) -> None: ...

    @transition(field=state, source=S.SUBMITTED, target=S.PRE_REVIEW)
    def start_pre_review(self) -> None: ...

    @transition(field=state, source=[S.PRE_REVIEW, S.IN_REVIEW], target=S.CORRECTION)
    def request_correction(self) -> None: ...

    @transition(field=state, source=S.CORRECTION, target=S.SUBMITTED)
    def resubmit_to_pre_review(self) -> None: ...

    @transition(field=state, source=S.CORRECTION, target=S.IN_REVIEW)
    def resubmit_to_review(self) -> None: ...

    @transition(field=state, source=S.PRE_REVIEW, target=S.REJECTED)
    def reject(self) -> None: ...

    @transition(field=state, source=S.PRE_REVIEW, target=S.ACCEPTED)
    def accept(self) -> None: ...

    @transition(field=state, source=S.ACCEPTED, target=S.IN_REVIEW)
    def start_review(self) -> None: ...

    @transition(field=state, source=S.IN_REVIEW, target=S.SUSPENDED)
    def suspend(self) -> None: ...

    @transition(field=state, source=S.SUSPENDED, target=S.IN_REVIEW)
    def resume(self) -> None: ...

    @transition(field=state, source=S.IN_REVIEW, target=S.DECIDED)
    def decide(self) -> None: ...

    @transition(field=state, source=S.DECIDED, target=S.RESULT_READY)
    def produce_result(self) -> None: ...

    @transition(field=state, source=S.RESULT_READY, target=S.DELIVERED)
    def deliver(self) -> None: ...

    @transition(field=state, source=S.DELIVERED, target=S.COMPLETED)
    def complete(self) -> None: ...

    @transition(field=state, source=BEFORE_DECISION, target=S.WITHDRAWN)
    def withdraw(self) -> None: ...

    @transition(field=state, source=BEFORE_DECISION, target=S.TERMINATED)
    def terminate(self) -> None: ...


class CaseMaterial(models.Model):
    """A material of the case: uploaded by the applicant, or to be obtained by the platform."""

    class Status(models.TextChoices):
        PROVIDED = "provided", _("已提交")
        TO_RESOLVE = "to_resolve", _("待平台获取")
        RESOLVED = "resolved", _("平台已获取")
        UNAVAILABLE = "unavailable", _("无法自动获取，需上传")
        NEEDS_CORRECTION = "needs_correction", _("需补正")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    file = models.FileField("文件", upload_to="cases/%Y/%m/", blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    sha256 = models.CharField("文件摘要", max_length=64, blank=True)
    correction_note = models.CharField("补正说明", max_length=300, blank=True)
    # Where a material the platform obtained came from (resource, provider, access record, or
    # the earlier case whose result it is) and what was fetched, masked as the grant says.
    provenance = models.JSONField("来源", default=dict, blank=True)
    data = models.JSONField("获取的数据", default=dict, blank=True)
    resolution_note = models.CharField("获取说明", max_length=300, blank=True)
    # What in the fetched record contradicts the item's conditions (`Material.data_checks`),
    # shown to the staff who review the case.
    flags = models.JSONField("与事项条件不符之处", default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        constraints = [
            models.UniqueConstraint(fields=["case", "material"], name="unique_case_material")
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.material.name}"


class CaseEvent(models.Model):
    """One step on the case's timeline, as the applicant and staff see it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField("环节", max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "办件环节"
        verbose_name_plural = "办件环节"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case} {self.action}"
