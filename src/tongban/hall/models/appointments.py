"""Appointments (预约): half-hour slots of a category's capacity, and the bookings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.hall.models.queue import Hall, QueueCategory, Ticket


class AppointmentSlot(models.Model):
    """Half an hour of one category's appointment capacity on one working day."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="slots")
    category = models.ForeignKey(QueueCategory, on_delete=models.CASCADE, related_name="slots")
    day = models.DateField("日期")
    starts_at = models.TimeField("开始")
    ends_at = models.TimeField("结束")
    capacity = models.PositiveSmallIntegerField("名额")
    booked = models.PositiveSmallIntegerField("已约", default=0)

    class Meta:
        verbose_name = "预约时段"
        verbose_name_plural = "预约时段"
        ordering = ["day", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "day", "starts_at"], name="unique_slot_start"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.day} {self.starts_at:%H:%M}"

    @property
    def left(self) -> int:
        return max(self.capacity - self.booked, 0)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")
        CHECKED_IN = "checked_in", _("已签到")
        MISSED = "missed", _("未到")

    ACTIVE = (Status.BOOKED, Status.CHECKED_IN)

    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="bookings")
    # Copied from the slot so that "one appointment per person, category and day" is a
    # database constraint.
    category = models.ForeignKey(QueueCategory, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    code = models.CharField("签到码", max_length=8)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.BOOKED)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField("预约时间", auto_now_add=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    reminded = models.BooleanField("已提醒", default=False)
    ticket = models.OneToOneField(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointment"
    )

    class Meta:
        verbose_name = "预约"
        verbose_name_plural = "预约"
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "category", "day"],
                condition=Q(status__in=["booked", "checked_in"]),
                name="one_appointment_per_day",
            ),
            models.UniqueConstraint(fields=["day", "code"], name="unique_appointment_code"),
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="unique_appointment_idempotency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot} · {self.applicant}"
