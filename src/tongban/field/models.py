"""现场核查: government that comes to the applicant. A case whose item and situations need an
on-site inspection (`catalog.inspections`) gets an `Inspection` when it is accepted: its
department's part, with the checklist frozen from the item version and a deadline on the
platform's calendar. Inspections are carried out on a `FieldVisit`: one trip to one address
at one time, by at least two inspectors, which may serve several departments' inspections
(a 一件事's merged visit). The inspectors' phones write entries, photos, signatures and
materials collected on the spot; each write carries the phone's own id (`FieldWrite`), so a
write sent twice after a dropped connection counts once."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Department
from tongban.cases.models import Case, CaseMaterial


class Warning(models.TextChoices):  # noqa: A001 — the domain's word (预警)
    NONE = "", _("正常")
    YELLOW = "yellow", _("黄灯预警")
    RED = "red", _("红灯超期")


class FieldVisit(models.Model):
    """One trip to one address: the time agreed with the applicant and the inspectors."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待预约")
        SCHEDULED = "scheduled", _("已安排")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PROPOSED)
    address = models.CharField("核查地址", max_length=200)
    starts_at = models.DateTimeField("约定开始时间", null=True, blank=True)
    ends_at = models.DateTimeField("约定结束时间", null=True, blank=True)
    slot_chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="预约人",
    )
    inspectors: models.ManyToManyField[Any, VisitInspector] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="VisitInspector",
        through_fields=("visit", "inspector"),
        related_name="field_visits",
        verbose_name="核查人员",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "上门核查"
        verbose_name_plural = "上门核查"
        indexes = [models.Index(fields=["state", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.address} {self.starts_at or ''}".strip()


class VisitInspector(models.Model):
    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="assignments")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "核查人员指派"
        verbose_name_plural = "核查人员指派"
        constraints = [
            models.UniqueConstraint(fields=["visit", "inspector"], name="one_assignment_each")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} · {self.inspector_id}"


class Inspection(models.Model):
    """One department's inspection of one case, one round: a re-inspection after 限期整改
    is a new round (`previous`)."""

    class Purpose(models.TextChoices):
        LICENSING = "licensing", _("许可前现场核查")
        POST_CHECK = "post_check", _("告知承诺核查")

    class State(models.TextChoices):
        OPEN = "open", _("待核查")
        PASSED = "passed", _("核查通过")
        RECTIFY = "rectify", _("限期整改")
        FAILED = "failed", _("核查不通过")
        CANCELLED = "cancelled", _("已取消")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(FieldVisit, on_delete=models.PROTECT, related_name="inspections")
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_round",
        verbose_name="上一轮核查",
    )
    purpose = models.CharField(
        "类型", max_length=10, choices=Purpose.choices, default=Purpose.LICENSING
    )
    round = models.PositiveSmallIntegerField("轮次", default=1)
    # 倒上门: a pre-visit asked for before the application was submitted, and the situations
    # it inspected (a later change of situation or address needs a new inspection).
    previsit = models.BooleanField("上门预勘", default=False)
    situations = models.JSONField("核查时的情形", default=dict, blank=True)
    # The checks that apply to the case's situations, frozen from the item version.
    checklist = models.JSONField("核查表")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    opened_on = models.DateField("下达日")
    due = models.DateField("核查期限")
    warning = models.CharField(
        "预警", max_length=6, choices=Warning.choices, default=Warning.NONE, blank=True
    )
    result_note = models.TextField("核查意见", blank=True)
    rectify_due = models.DateField("整改期限", null=True, blank=True)
    concluded_at = models.DateTimeField("结论时间", null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "现场核查"
        verbose_name_plural = "现场核查"
        constraints = [
            # One open round per case and department at a time.
            models.UniqueConstraint(
                fields=["case", "department"],
                condition=Q(state="open"),
                name="one_open_inspection",
            ),
        ]
        indexes = [models.Index(fields=["department", "state", "due"])]

    def __str__(self) -> str:
        return f"{self.case} 第{self.round}轮现场核查"


class InspectionEntry(models.Model):
    """The inspectors' verdict on one check of the list; the latest write wins until the
    inspection is concluded."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField("核查项", max_length=40)
    verdict = models.CharField("结论", max_length=10)
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "核查记录"
        verbose_name_plural = "核查记录"
        constraints = [
            models.UniqueConstraint(fields=["inspection", "code"], name="one_entry_per_check")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.verdict}"


class InspectionPhoto(models.Model):
    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="photos")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    check_code = models.CharField("核查项", max_length=40, blank=True)
    file = models.FileField("照片", upload_to="field/%Y/%m/")
    sha256 = models.CharField("文件摘要", max_length=64)
    taken_at = models.DateTimeField("拍摄时间")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField("定位精度（米）", null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.taken_at}"


class VisitSignature(models.Model):
    """A signature drawn on the screen at the site: each inspector's and the applicant's."""

    class Role(models.TextChoices):
        INSPECTOR = "inspector", _("核查人员")
        APPLICANT = "applicant", _("申请人（或其代表）")

    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField("签名人身份", max_length=10, choices=Role.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("签名人", max_length=50)
    image = models.FileField("签名", upload_to="field/signatures/%Y/%m/")
    sha256 = models.CharField("签名摘要", max_length=64)
    signed_at = models.DateTimeField("签名时间")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "现场签名"
        verbose_name_plural = "现场签名"
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "signer"],
                condition=Q(role="inspector"),
                name="one_signature_per_inspector",
            ),
            models.UniqueConstraint(
                fields=["visit"], condition=Q(role="applicant"), name="one_applicant_signature"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class FieldWrite(models.Model):
    """Each write from an inspector's phone, by the id the phone gave it: a write sent again
    (the answer was lost with the connection) finds its row and changes nothing."""

    client_id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    visit = models.ForeignKey(FieldVisit, on_delete=models.CASCADE, related_name="writes")
    kind = models.CharField("类型", max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    # Material collected on the spot: the case material row it filled.
    case_material = models.ForeignKey(
        CaseMaterial, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "现场写入记录"
        verbose_name_plural = "现场写入记录"

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"


class Commitment(models.Model):
    """告知承诺: the applicant's signed promise that the item's conditions hold, instead of
    proving them. The licence is issued at once; the promise is checked on site afterwards
    (a post-check inspection), and a broken promise costs the licence and a credit record."""

    class State(models.TextChoices):
        SIGNED = "signed", _("已承诺，待核查")
        KEPT = "kept", _("核查属实")
        RECTIFYING = "rectifying", _("限期整改中")
        BROKEN = "broken", _("承诺不实，待撤销")
        REVOKED = "revoked", _("已撤销许可")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="签署人"
    )
    # The promise as the signer read it, and its digest (in the audit record too).
    text = models.TextField("承诺书")
    text_sha256 = models.CharField("承诺书摘要", max_length=64)
    conditions = models.JSONField("承诺的条件")
    waived = models.JSONField("免提交的材料", default=list)
    signed_at = models.DateTimeField("签署时间")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.SIGNED)
    post_check_due = models.DateField("核查期限", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    revoked_reason = models.TextField("撤销理由", blank=True)

    class Meta:
        verbose_name = "告知承诺"
        verbose_name_plural = "告知承诺"
        indexes = [models.Index(fields=["state", "post_check_due"])]

    def __str__(self) -> str:
        return f"{self.case} 告知承诺"


class CreditRecord(models.Model):
    """信用记录: a broken commitment, written against the applicant (the enterprise when the
    case was for one). Shown to the reviewer of their next application and shared on the
    exchange as a data resource (`res.commitment_credit`)."""

    class Kind(models.TextChoices):
        COMMITMENT_BROKEN = "commitment_broken", _("告知承诺不实")

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    # The subject: an enterprise's credit code, or a person's ID number (normalised).
    subject_key = models.CharField("主体标识", max_length=18, db_index=True)
    subject_name = models.CharField("主体名称", max_length=200)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("事由")
    recorded_on = models.DateField("记录日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.get_kind_display()}"
