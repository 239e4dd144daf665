"""The guide's own tables: the government vocabulary's synonyms and the log of what people
asked (without who asked it)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

MAX_TERM_LENGTH = 20


class Synonym(models.Model):
    """A word people use (饭馆) and the catalogue's word for it (餐饮). Rows are never edited:
    a change retires the row and adds another, so the table's history stays readable."""

    term = models.CharField("常用说法", max_length=MAX_TERM_LENGTH)
    canonical = models.CharField("规范用语", max_length=MAX_TERM_LENGTH)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="添加人",
    )
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "同义词"
        verbose_name_plural = "同义词表"
        ordering = ["term", "canonical"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "canonical"],
                condition=Q(retired_at__isnull=True),
                name="one_active_synonym",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.canonical}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.term = (self.term or "").strip()
        self.canonical = (self.canonical or "").strip()
        if not self.term:
            errors["term"] = ["常用说法不能为空"]
        if not self.canonical:
            errors["canonical"] = ["规范用语不能为空"]
        if self.term and self.term == self.canonical:
            errors["canonical"] = ["规范用语不能与常用说法相同"]
        if errors:
            raise ValidationError(errors)


class GuideQuery(models.Model):
    """One search or question: its words (long numbers and e-mail addresses masked), where it
    was asked, what it found and what was opened. No person, session or address is kept."""

    class Channel(models.TextChoices):
        PORTAL = "portal", "门户搜索"
        API = "api", "接口"
        ASK = "ask", "数小二"
        KIOSK = "kiosk", "自助终端"

    asked_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    text = models.CharField("查询内容", max_length=200)
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    results = models.PositiveIntegerField("结果数")
    top = models.CharField("首个结果", max_length=100, blank=True)
    opened = models.CharField("打开的结果", max_length=100, blank=True)

    class Meta:
        verbose_name = "查询记录"
        verbose_name_plural = "查询记录"
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["text", "asked_at"])]

    def __str__(self) -> str:
        return self.text
