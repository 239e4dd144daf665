"""Shared tables: the audit chain and the working-day calendar."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import translation


class AuditRecord(models.Model):
    """One append-only entry of the audit log. A record is written alone, in the writer's
    transaction, depending on no other; the sequencer then seals it into the Merkle tree
    (`AuditLeaf`, `AuditCheckpoint`). Records written before the seal replaced the hash chain
    keep their chain fields (`seq`, `prev_hash`, `hash`); later ones leave them empty."""

    # The legacy chain's fields carry no index: every write would pay for them, and the old
    # chain's check walks it in order anyway (a duplicate breaks the chain it walks).
    seq = models.PositiveBigIntegerField("链序号（旧）", null=True, blank=True)
    at = models.DateTimeField("时间")
    actor_id = models.CharField("操作者标识", max_length=64)
    actor_label = models.CharField("操作者", max_length=150)
    action = models.CharField("操作", max_length=100)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象标识", max_length=100, blank=True)
    changes = models.JSONField("变更内容", default=dict)
    request_id = models.CharField("请求标识", max_length=64, blank=True)
    prev_hash = models.CharField("前一条哈希（旧链）", max_length=64, blank=True)
    hash = models.CharField("哈希（旧链）", max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionDenied("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("audit records are append-only")


class AuditHead(models.Model):
    """The legacy chain's tip (records before the Merkle seal): its last sequence number and
    hash, so a removed tail of the old chain is detected too. No longer written."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class AuditLeaf(models.Model):
    """The sequencer's numbering: record `record` is leaf `index` of the audit log's Merkle
    tree (RFC 9162), with its leaf hash as sealed. Written once, by the sequencer only."""

    index = models.PositiveBigIntegerField("叶序号", primary_key=True)
    record = models.OneToOneField(
        AuditRecord, on_delete=models.PROTECT, related_name="leaf", verbose_name="审计记录"
    )
    hash = models.CharField("叶哈希", max_length=64)

    class Meta:
        verbose_name = "审计树叶"
        verbose_name_plural = "审计树叶"
        ordering = ["index"]

    def __str__(self) -> str:
        return f"leaf {self.index} → #{self.record_id}"


class AuditCheckpoint(models.Model):
    """A signed tree head: the first `tree_size` leaves have Merkle root `root`, signed at
    `at` with the key `key_id` (the signer's key is not in the database). `note` is the
    signed text (a checkpoint in the transparency-log note format); `frontier` lets the
    sequencer continue without rereading the tree, and `low_water` without rereading the
    records. Also appended to a file outside the
    database (`audit/checkpoints.log` in the data folder)."""

    tree_size = models.PositiveBigIntegerField("树大小", primary_key=True)
    root = models.CharField("根哈希", max_length=64)
    at = models.DateTimeField("签署时间")
    key_id = models.CharField("密钥标识", max_length=64)
    note = models.TextField("签署内容")
    signature = models.CharField("签名", max_length=200)
    frontier = models.JSONField("右边界", default=list)
    # Every record up to this id was sealed by this checkpoint or an earlier one, so the
    # sequencer looks for new records above it only (empty on checkpoints older than it).
    low_water = models.PositiveBigIntegerField("已封存下限", null=True, blank=True)

    class Meta:
        verbose_name = "审计检查点"
        verbose_name_plural = "审计检查点"
        ordering = ["tree_size"]

    def __str__(self) -> str:
        return f"{self.tree_size} {self.root[:12]}"


class CalendarYear(models.Model):
    """A year whose holidays and adjusted workdays are on file; a year without a row is unknown."""

    class Source(models.TextChoices):
        CHINESECALENDAR = "chinesecalendar", "chinesecalendar 数据包"
        MANUAL = "manual", "管理员录入"

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    notice = models.CharField("依据（国务院办公厅通知）", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class Holiday(models.Model):
    """A statutory holiday or an adjusted working weekend day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日（休息）"
        WORKDAY = "workday", "调休上班日"

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name="年度"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.date and self.calendar_year_id and self.date.year != self.calendar_year_id:
            raise ValidationError({"date": "日期不在所选年度内"})


class EnglishNamed(models.Model):
    """A name shown in Chinese, with an optional English name (英文名称) that English pages
    show instead (`local_name`); where none is given, the Chinese name stands."""

    name_en = models.CharField("英文名称", max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def local_name(self) -> str:
        name: str = getattr(self, "name", "")
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return name


class AuditTimestamp(models.Model):
    """An RFC 3161 time stamp of a checkpoint's signed note, from an outside authority: the
    checkpoint, and so every record in its tree, existed by `gen_time`. Written once."""

    checkpoint = models.OneToOneField(
        AuditCheckpoint,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="timestamp",
        verbose_name="检查点",
    )
    gen_time = models.DateTimeField("时间戳时间")
    tsa = models.CharField("时间戳机构", max_length=300)
    token = models.TextField("时间戳令牌（DER，base64）")

    class Meta:
        verbose_name = "审计时间戳"
        verbose_name_plural = "审计时间戳"
        ordering = ["checkpoint"]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} @ {self.gen_time:%Y-%m-%d %H:%M:%S}"
