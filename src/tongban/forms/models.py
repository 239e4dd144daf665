"""A form filled without an account (at a hall kiosk): kept under a reference number so the
window can start the case from it, and deleted after a retention period."""

from __future__ import annotations

from django.db import models

from tongban.accounts.models import DeviceIdentity
from tongban.catalog.models import ServiceItem

RETENTION_DAYS = 30


class FilledForm(models.Model):
    reference = models.CharField("申请表编号", max_length=20, unique=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, verbose_name="事项版本")
    situations = models.JSONField("情形", default=dict)
    data = models.JSONField("表单数据", default=dict)
    sources = models.JSONField("预填来源", default=dict)
    device = models.ForeignKey(
        DeviceIdentity, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="自助机"
    )
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField("填写时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "自助填写的申请表"
        verbose_name_plural = "自助填写的申请表"

    def __str__(self) -> str:
        return self.reference


class ItemForm(ServiceItem):
    """The item version seen as its application form, for the forms admin."""

    class Meta:
        proxy = True
        verbose_name = "申请表单"
        verbose_name_plural = "申请表单"
