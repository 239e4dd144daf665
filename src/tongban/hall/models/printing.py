"""A kiosk's printers (a receipt printer for tickets, an A4 printer for forms and certificates)
and every job sent to them."""

from __future__ import annotations

from django.db import models

from tongban.accounts.models import DeviceIdentity


class KioskPrinter(models.Model):
    """One printer of a kiosk, driven by a print driver (`hall.printers`). A kiosk with no
    printer for a role prints through its browser (the print dialog, with a print stylesheet)."""

    class Role(models.TextChoices):
        RECEIPT = "receipt", "小票打印机"
        A4 = "a4", "A4打印机"

    device = models.ForeignKey(
        DeviceIdentity, on_delete=models.CASCADE, related_name="printers", verbose_name="自助机"
    )
    role = models.CharField("用途", max_length=10, choices=Role.choices)
    driver = models.CharField(
        "驱动", max_length=20, default="simulator", help_text="simulator（模拟）或 cups"
    )
    driver_config = models.JSONField(
        "驱动配置", default=dict, blank=True, help_text='cups: {"queue": "打印队列名"}'
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "自助机打印机"
        verbose_name_plural = "自助机打印机"
        constraints = [
            models.UniqueConstraint(fields=["device", "role"], name="unique_kiosk_printer_role")
        ]

    def __str__(self) -> str:
        return f"{self.device.name} · {self.get_role_display()}"


class PrintJob(models.Model):
    """One print: what (its kind, title, size and digest, never the content), where and how it
    went. A simulated receipt keeps its text, which holds no personal data (a ticket)."""

    class Kind(models.TextChoices):
        TICKET = "ticket", "排队小票"
        FORM = "form", "申请表"
        CERTIFICATE = "certificate", "电子证照"

    class Status(models.TextChoices):
        PRINTED = "printed", "已打印"
        FAILED = "failed", "打印失败"

    printer = models.ForeignKey(KioskPrinter, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=100)
    size = models.PositiveIntegerField("字节数", default=0)
    digest = models.CharField("SHA-256", max_length=64, blank=True)
    text = models.TextField("小票内容（模拟打印机）", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    error = models.CharField("故障", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "打印记录"
        verbose_name_plural = "打印记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"
