"""Print drivers behind one interface, chosen per kiosk printer (`KioskPrinter.driver`).

- `simulator`: prints nothing; the job is recorded (and a receipt's text kept) so the demo and
  the tests see what came out. `driver_config = {"fault": "paper_out"}` (or `offline`) makes
  it fail the way real printers do.
- `cups`: the kiosk's own CUPS queue (`driver_config = {"queue": "kiosk-a4"}`), through `lp`,
  which every Linux kiosk has; receipt printers take plain text, A4 printers PDF.

A city with another printer registers its own driver (`print_drivers.register`).
"""

from __future__ import annotations

import abc
import shutil
import subprocess
from typing import Any

from tongban.core.registry import Registry


class PrinterFault(Exception):
    """The printer did not print; the message is for the person at the kiosk."""

    MESSAGES = {
        "paper_out": "打印机缺纸",
        "offline": "打印机未连接",
    }

    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind = kind
        super().__init__(detail or self.MESSAGES.get(kind, "打印机故障"))


class PrintDriver(abc.ABC):
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @abc.abstractmethod
    def print_pdf(self, data: bytes, *, title: str) -> None:
        """Print a PDF (A4), or raise PrinterFault."""

    @abc.abstractmethod
    def print_text(self, text: str, *, title: str) -> None:
        """Print a receipt's lines, or raise PrinterFault."""


class SimulatorPrinter(PrintDriver):
    def _check(self) -> None:
        fault = self.config.get("fault")
        if fault:
            raise PrinterFault(str(fault))

    def print_pdf(self, data: bytes, *, title: str) -> None:
        self._check()
        if not data.startswith(b"%PDF-"):
            raise PrinterFault("format", "打印内容不是PDF")

    def print_text(self, text: str, *, title: str) -> None:
        self._check()


class CupsPrinter(PrintDriver):
    """`lp -d <queue>`: the job goes to the kiosk's CUPS queue; CUPS drives the printer."""

    TIMEOUT_SECONDS = 20

    def _lp(self, data: bytes, title: str, *options: str) -> None:
        queue = str(self.config.get("queue", ""))
        lp = shutil.which("lp")
        if not queue or lp is None:
            raise PrinterFault("offline", "打印队列未配置或本机没有 CUPS（lp）")
        command = [lp, "-d", queue, "-t", title, *options, "-"]
        try:
            done = subprocess.run(  # noqa: S603 - fixed program, arguments from configuration
                command, input=data, capture_output=True, timeout=self.TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PrinterFault("offline") from exc
        if done.returncode != 0:
            raise PrinterFault("offline", done.stderr.decode(errors="replace")[:200] or "打印失败")

    def print_pdf(self, data: bytes, *, title: str) -> None:
        self._lp(data, title)

    def print_text(self, text: str, *, title: str) -> None:
        self._lp(text.encode("utf-8"), title, "-o", "document-format=text/plain")


print_drivers: Registry[type[PrintDriver]] = Registry("print driver")


def print_drivers_register() -> None:
    print_drivers.register("simulator", SimulatorPrinter, replace=True)
    print_drivers.register("cups", CupsPrinter, replace=True)
