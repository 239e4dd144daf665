"""Printing at a kiosk: a ticket on its receipt printer, a form or a certificate on its A4
printer, each recorded as a job. A kiosk without a printer for the role prints through its
browser instead (the caller shows the print dialog); a printer fault is refused with what the
person should do, and the failed job is recorded for the hall's staff."""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import DeviceIdentity
from tongban.core.errors import ServiceBusy
from tongban.hall.models import KioskPrinter, PrintJob, Ticket
from tongban.hall.printers import PrinterFault, print_drivers

log = logging.getLogger(__name__)

ROLE_OF_KIND = {
    PrintJob.Kind.TICKET: KioskPrinter.Role.RECEIPT,
    PrintJob.Kind.FORM: KioskPrinter.Role.A4,
    PrintJob.Kind.CERTIFICATE: KioskPrinter.Role.A4,
}


def kiosk_printer(device: DeviceIdentity, kind: str) -> KioskPrinter | None:
    """The printer that prints `kind` at this kiosk, or None (the browser prints)."""
    role = ROLE_OF_KIND[PrintJob.Kind(kind)]
    return KioskPrinter.objects.filter(device=device, role=role, active=True).first()


def _send(printer: KioskPrinter, kind: str, title: str, data: bytes, *, text: str = "") -> PrintJob:
    driver = print_drivers.get(printer.driver)(dict(printer.driver_config or {}))
    job = PrintJob(
        printer=printer,
        kind=kind,
        title=title[:100],
        size=len(data),
        digest=hashlib.sha256(data).hexdigest(),
        text=text if printer.driver == "simulator" else "",
    )
    try:
        if text:
            driver.print_text(text, title=title)
        else:
            driver.print_pdf(data, title=title)
    except PrinterFault as exc:
        job.status, job.error = PrintJob.Status.FAILED, str(exc)[:200]
        with transaction.atomic():
            job.save()
        log.warning("kiosk %s: %s printer failed: %s", printer.device_id, printer.role, exc)
        raise ServiceBusy(60, f"{exc}，未能打印，请联系大厅工作人员") from exc
    job.status = PrintJob.Status.PRINTED
    with transaction.atomic():
        job.save()
    return job


def kiosk_print_pdf(
    device: DeviceIdentity, *, kind: str, title: str, pdf: bytes
) -> PrintJob | None:
    """Print a form or a certificate at the kiosk's A4 printer; None when it has none."""
    printer = kiosk_printer(device, kind)
    return None if printer is None else _send(printer, kind, title, pdf)


def ticket_receipt(ticket: Ticket, *, ahead: int | None, follow_url: str) -> str:
    """A ticket's receipt, as a receipt printer prints it (no personal data)."""
    issued = timezone.localtime(ticket.issued_at)
    lines = [
        ticket.hall.name,
        "排队号",
        ticket.number,
        ticket.category.name,
        f"前面还有 {ahead} 人" if ahead is not None else "",
        f"取号时间 {issued:%Y-%m-%d %H:%M}",
        "扫码或访问以下地址查看排队进度：",
        follow_url,
    ]
    return "\n".join(line for line in lines if line) + "\n"


def kiosk_print_ticket(
    device: DeviceIdentity, ticket: Ticket, *, ahead: int | None, follow_url: str
) -> PrintJob | None:
    """Print a ticket at the kiosk's receipt printer; None when it has none."""
    printer = kiosk_printer(device, PrintJob.Kind.TICKET)
    if printer is None:
        return None
    text = ticket_receipt(ticket, ahead=ahead, follow_url=follow_url)
    return _send(printer, PrintJob.Kind.TICKET, f"排队号 {ticket.number}", text.encode(), text=text)
