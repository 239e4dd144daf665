"""The RS485 lock-board driver's frames and replies, against a fake serial line."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.delivery.drivers import (
    Door,
    LockFault,
    Rs485Driver,
    frame,
    parse_reply,
    xor_checksum,
)


class Line(io.RawIOBase):
    """A serial line: what was written, and the board's canned reply."""

    def __init__(self, reply: bytes) -> None:
        self.sent = b""
        self.reply = reply

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.sent += data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        out, self.reply = self.reply[:size], self.reply[size:]
        return out


def test_the_open_frame_is_the_common_boards_five_bytes() -> None:
    assert frame(0x8A, 1, 1, 0x11) == bytes([0x8A, 0x01, 0x01, 0x11, 0x9B])


@given(st.integers(0, 255), st.integers(0, 255))
def test_every_frame_carries_its_checksum(board: int, lock: int) -> None:
    sent = frame(0x80, board, lock, 0x33)
    assert xor_checksum(sent[:4]) == sent[4]
    reply = bytes([0x80, board, lock, 0x11])
    assert parse_reply(reply + bytes([xor_checksum(reply)]), 0x80, board, lock) is Door.OPEN


def test_the_driver_opens_and_reads_a_door() -> None:
    ok = bytes([0x8A, 2, 5, 0x11])
    line = Line(ok + bytes([xor_checksum(ok)]))
    Rs485Driver("b", {}, transport=line).open(2, 5)  # type: ignore[arg-type]
    assert line.sent == frame(0x8A, 2, 5, 0x11)
    closed = bytes([0x80, 2, 5, 0x00])
    line = Line(closed + bytes([xor_checksum(closed)]))
    assert Rs485Driver("b", {}, transport=line).door(2, 5) is Door.CLOSED  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (b"", "timeout"),
        (bytes([0x8A, 2, 5, 0x11, 0x00]), "mismatch"),  # bad checksum
        (bytes([0x8A, 3, 5, 0x11]) + bytes([0x8A ^ 3 ^ 5 ^ 0x11]), "mismatch"),  # other board
        (bytes([0x8A, 2, 5, 0x00]) + bytes([0x8A ^ 2 ^ 5]), "jam"),  # still closed
    ],
)
def test_a_board_that_answers_wrongly_is_a_fault(reply: bytes, kind: str) -> None:
    with pytest.raises(LockFault) as fault:
        Rs485Driver("b", {}, transport=Line(reply)).open(2, 5)  # type: ignore[arg-type]
    assert fault.value.kind == kind


def test_no_port_configured_is_a_fault_not_a_crash() -> None:
    with pytest.raises(LockFault):
        Rs485Driver("b", {}).open(1, 1)
