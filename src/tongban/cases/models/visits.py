"""Visits (到现场): each time the applicant had to come in person, recorded on the case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visit(models.Model):
    """A time the applicant had to come in person, counted against the item's promise."""

    class Purpose(models.TextChoices):
        WINDOW_APPLICATION = "window_application", _("窗口申请")
        CORRECTION = "correction", _("补正材料")
        ON_SITE_CHECK = "on_site_check", _("现场核验")
        PICKUP = "pickup", _("窗口领取结果")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="visits")
    purpose = models.CharField("事由", max_length=20, choices=Purpose.choices)
    at = models.DateTimeField("时间", auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "到现场记录"
        verbose_name_plural = "到现场记录"

    def __str__(self) -> str:
        return f"{self.case} {self.get_purpose_display()}"
