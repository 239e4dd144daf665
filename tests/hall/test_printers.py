"""The CUPS print driver: a job goes to the kiosk's queue through `lp`; no queue, no `lp`, a
refusal or a hang is a PrinterFault the kiosk can show."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tongban.hall import printers
from tongban.hall.printers import CupsPrinter, PrinterFault, SimulatorPrinter


def test_a_pdf_goes_to_the_configured_queue(monkeypatch: Any) -> None:
    ran: list[tuple[list[str], bytes]] = []

    def run(command: list[str], *, input: bytes, **kw: Any) -> Any:  # noqa: A002
        ran.append((command, input))
        return subprocess.CompletedProcess(command, 0, b"", b"")

    monkeypatch.setattr(printers.shutil, "which", lambda name: "/usr/bin/lp")
    monkeypatch.setattr(printers.subprocess, "run", run)
    CupsPrinter({"queue": "kiosk-a4"}).print_pdf(b"%PDF-1.7", title="申请表")
    CupsPrinter({"queue": "kiosk-receipt"}).print_text("A001\n", title="排队号 A001")
    assert ran[0] == (["/usr/bin/lp", "-d", "kiosk-a4", "-t", "申请表", "-"], b"%PDF-1.7")
    assert ran[1][0][-3:] == ["-o", "document-format=text/plain", "-"]


def test_no_queue_a_refusal_or_a_hang_is_a_fault(monkeypatch: Any) -> None:
    with pytest.raises(PrinterFault, match="打印队列未配置"):
        CupsPrinter({}).print_pdf(b"%PDF-1.7", title="x")
    monkeypatch.setattr(printers.shutil, "which", lambda name: "/usr/bin/lp")

    def refused(command: list[str], **kw: Any) -> Any:
        return subprocess.CompletedProcess(command, 1, b"", b"lp: The printer is not responding")

    monkeypatch.setattr(printers.subprocess, "run", refused)
    with pytest.raises(PrinterFault, match="not responding"):
        CupsPrinter({"queue": "q"}).print_pdf(b"%PDF-1.7", title="x")

    def hang(command: list[str], **kw: Any) -> Any:
        raise subprocess.TimeoutExpired(command, 20)

    monkeypatch.setattr(printers.subprocess, "run", hang)
    with pytest.raises(PrinterFault, match="打印机未连接"):
        CupsPrinter({"queue": "q"}).print_pdf(b"%PDF-1.7", title="x")


def test_the_simulator_refuses_what_is_not_a_pdf() -> None:
    with pytest.raises(PrinterFault, match="不是PDF"):
        SimulatorPrinter({}).print_pdf(b"hello", title="x")
