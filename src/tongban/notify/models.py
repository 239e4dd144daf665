"""Notifications: one row per recipient and channel; the in-app inbox is the rows themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.texts import field_in_language


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField("渠道", max_length=20)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    # Subject and body in the portal's other languages, where written with `said`:
    # {"en": {"subject": …, "body": …}}.
    i18n = models.JSONField(default=dict, blank=True)
    ref = models.CharField("关联对象", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel}→{self.recipient_id}: {self.subject}"

    @property
    def subject_shown(self) -> str:
        return field_in_language(self.subject, self.i18n, "subject")

    @property
    def body_shown(self) -> str:
        return field_in_language(self.body, self.i18n, "body")
