"""Lock-board drivers behind one interface, chosen per locker bank (`LockerBank.driver`).

A bank's compartments are wired to lock boards; a board opens a lock on command and reports
each door's sensor (open or closed). Two drivers ship:

- `simulator`: doors in the database, for the demo and the tests, with the faults real boards
  have: a lock that does not open (jam), a sensor that says closed when the door never opened
  or open when it was shut (mismatch), a reply that never comes (timeout). The locker page
  shows the simulated doors, so a person can close them by hand.
- `rs485`: the frame set common to Chinese "KR"-type lock boards on an RS485 bus, through a
  serial device the bank's own computer opens (`driver_config = {"port": "/dev/ttyUSB0"}`).

A city with another board registers its own driver (`lock_drivers.register`).
"""

from __future__ import annotations

import abc
import enum
import os
import select
from typing import Any, BinaryIO

from tongban.core.registry import Registry
from tongban.delivery.models import SimulatedDoor


class Door(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class LockFault(Exception):
    """The board did not do what it was told; `kind` is jam, mismatch or timeout."""

    MESSAGES = {
        "jam": "柜门未能打开",
        "mismatch": "门磁状态与指令不符",
        "timeout": "锁控板无响应",
    }

    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind = kind
        super().__init__(detail or self.MESSAGES.get(kind, kind))


class LockDriver(abc.ABC):
    """One bank's lock boards."""

    def __init__(self, bank_code: str, config: dict[str, Any]) -> None:
        self.bank_code = bank_code
        self.config = config

    @abc.abstractmethod
    def open(self, board: int, lock: int) -> None:
        """Unlock one door and confirm by its sensor that it opened, or raise LockFault."""

    @abc.abstractmethod
    def door(self, board: int, lock: int) -> Door:
        """What the door's sensor says now, or raise LockFault."""


# --- the simulator ------------------------------------------------------------------------------

SIM_FAULTS = ("jam", "mismatch", "timeout", "stuck_open")


class SimulatorDriver(LockDriver):
    """Doors kept in the database (`SimulatedDoor`), so every process of the installation
    sees the same doors. A fault set on a door (`simulate_fault`) applies to its next
    commands until cleared."""

    def _door(self, board: int, lock: int) -> SimulatedDoor:
        door, _ = SimulatedDoor.objects.get_or_create(
            bank_code=self.bank_code, board=board, lock=lock
        )
        return door

    def open(self, board: int, lock: int) -> None:
        door = self._door(board, lock)
        if door.fault in ("jam", "timeout"):
            raise LockFault(door.fault)
        if door.fault == "mismatch":
            # The lock released, but the sensor still reads closed.
            raise LockFault("mismatch", "已发出开门指令，但门磁仍显示关闭")
        door.open = True
        door.save(update_fields=["open"])

    def door(self, board: int, lock: int) -> Door:
        door = self._door(board, lock)
        if door.fault == "timeout":
            raise LockFault("timeout")
        return Door.OPEN if door.open else Door.CLOSED

    # What a person does at the bank, and what a test makes go wrong.
    def simulate_close(self, board: int, lock: int) -> None:
        door = self._door(board, lock)
        if door.fault != "stuck_open":
            door.open = False
            door.save(update_fields=["open"])

    def simulate_fault(self, board: int, lock: int, fault: str) -> None:
        if fault and fault not in SIM_FAULTS:
            raise ValueError(f"unknown simulated fault {fault!r}")
        door = self._door(board, lock)
        door.fault = fault
        door.save(update_fields=["fault"])


# --- RS485 lock boards --------------------------------------------------------------------------

OPEN_COMMAND = 0x8A
STATUS_COMMAND = 0x80
OPEN_FUNCTION = 0x11
STATUS_FUNCTION = 0x33
DOOR_OPEN_BYTE = 0x11


def xor_checksum(body: bytes) -> int:
    value = 0
    for byte in body:
        value ^= byte
    return value


def frame(command: int, board: int, lock: int, function: int) -> bytes:
    """Five bytes: command, board address, lock number, function, XOR of the four."""
    if not (0 <= board <= 0xFF and 0 <= lock <= 0xFF):
        raise ValueError("board and lock are one byte each")
    body = bytes([command, board, lock, function])
    return body + bytes([xor_checksum(body)])


def parse_reply(reply: bytes, command: int, board: int, lock: int) -> Door:
    """A board's five-byte reply: the command echoed, board, lock, state, XOR."""
    if len(reply) != 5:
        raise LockFault("timeout", f"锁控板应答不完整（{len(reply)}字节）")
    if xor_checksum(reply[:4]) != reply[4]:
        raise LockFault("mismatch", "锁控板应答校验错误")
    if reply[0] != command or reply[1] != board or reply[2] != lock:
        raise LockFault("mismatch", "锁控板应答与指令不对应")
    return Door.OPEN if reply[3] == DOOR_OPEN_BYTE else Door.CLOSED


class Rs485Driver(LockDriver):
    """Frames to and from lock boards on an RS485 bus. The port is a character device the
    bank's computer configured (baud rate, 8N1) before the platform opens it; `transport`
    replaces it in tests."""

    def __init__(
        self, bank_code: str, config: dict[str, Any], transport: BinaryIO | None = None
    ) -> None:
        super().__init__(bank_code, config)
        self.transport = transport
        self.timeout = float(config.get("timeout", 1.0))

    def _exchange(self, request: bytes) -> bytes:
        if self.transport is not None:
            self.transport.write(request)
            return self.transport.read(5) or b""
        port = str(self.config.get("port", ""))
        if not port:
            raise LockFault("timeout", "未配置锁控板串口")
        try:
            fd = os.open(port, os.O_RDWR | os.O_NOCTTY)
        except OSError as exc:
            raise LockFault("timeout", f"无法打开串口：{exc.strerror}") from exc
        try:
            os.write(fd, request)
            reply = b""
            while len(reply) < 5:
                ready, _, _ = select.select([fd], [], [], self.timeout)
                if not ready:
                    break
                reply += os.read(fd, 5 - len(reply))
            return reply
        finally:
            os.close(fd)

    def open(self, board: int, lock: int) -> None:
        reply = self._exchange(frame(OPEN_COMMAND, board, lock, OPEN_FUNCTION))
        if parse_reply(reply, OPEN_COMMAND, board, lock) is not Door.OPEN:
            raise LockFault("jam")

    def door(self, board: int, lock: int) -> Door:
        reply = self._exchange(frame(STATUS_COMMAND, board, lock, STATUS_FUNCTION))
        return parse_reply(reply, STATUS_COMMAND, board, lock)


lock_drivers: Registry[type[LockDriver]] = Registry("lock driver")


def register_default_drivers() -> None:
    lock_drivers.register("simulator", SimulatorDriver, replace=True)
    lock_drivers.register("rs485", Rs485Driver, replace=True)


def driver_for(bank: Any) -> LockDriver:
    return lock_drivers.get(bank.driver)(bank.code, dict(bank.driver_config or {}))
