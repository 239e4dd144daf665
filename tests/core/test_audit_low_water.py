"""The sequencer's low-water mark: each second's seal looks at new records only, and a
record whose transaction committed late (below the mark) is still sealed by a full sweep."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.core import auditseal
from tongban.core.audit import audit_log
from tongban.core.auditseal import LOW_WATER_GRACE, audit_seal, audit_tree_verify
from tongban.core.models import AuditCheckpoint, AuditRecord

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _write(n: int, label: str = "w") -> list[AuditRecord]:
    return [
        audit_log(action="test.write", object_type="test", object_id=f"{label}{i}")
        for i in range(n)
    ]


@pytest.fixture(autouse=True)
def _no_full_sweep_by_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test says when it wants a full sweep (a process's first seal is one)."""
    monkeypatch.setattr(auditseal, "_full_sweep_due", lambda: False)


def test_the_mark_moves_past_records_older_than_the_grace_only() -> None:
    with time_machine.travel(START, tick=False):
        old = _write(5, "old")
    with time_machine.travel(START + LOW_WATER_GRACE * 2, tick=False):
        recent = _write(3, "new")
        checkpoint = audit_seal()
    assert checkpoint is not None and checkpoint.tree_size == 8
    # The old records are below the mark; the recent ones may still have company below them.
    assert checkpoint.low_water == old[-1].pk
    assert checkpoint.low_water < recent[0].pk


def test_a_seal_reads_only_the_records_above_the_mark() -> None:
    with time_machine.travel(START, tick=False):
        _write(40, "old")
    with time_machine.travel(START + LOW_WATER_GRACE * 2, tick=False):
        first = audit_seal()
        _write(2, "new")
        with CaptureQueriesContext(connection) as queries:
            second = audit_seal()
    assert first is not None and second is not None and second.tree_size == 42
    pending = next(q["sql"] for q in queries.captured_queries if "core_auditleaf" in q["sql"])
    assert f"> {first.low_water}" in pending.replace('"', "").replace("%s", "")


def test_a_cut_batch_does_not_move_the_mark_past_its_last_record() -> None:
    with time_machine.travel(START, tick=False):
        records = _write(10)
    with time_machine.travel(START + LOW_WATER_GRACE * 2, tick=False):
        checkpoint = audit_seal(limit=4)
        assert checkpoint is not None and checkpoint.low_water == records[3].pk
        while audit_seal(limit=4) is not None:
            pass
    newest = AuditCheckpoint.objects.order_by("-tree_size").first()
    assert newest is not None and newest.tree_size == 10 and newest.low_water == records[-1].pk


def _at(pk: int, when: dt.datetime) -> AuditRecord:
    """A record with a chosen id (bulk_create: a record's own save refuses a set id)."""
    record = AuditRecord(pk=pk, at=when, actor_id="system", actor_label="t", action="test.w")
    AuditRecord.objects.bulk_create([record])
    return record


def test_a_record_committed_late_below_the_mark_is_sealed_by_the_full_sweep() -> None:
    for pk in (9001, 9002, 9003, 9010, 9011):
        _at(pk, START)
    with time_machine.travel(START + LOW_WATER_GRACE * 2, tick=False):
        first = audit_seal()
    assert first is not None and first.low_water == 9011
    # A record whose transaction stayed open past the grace: its id is below the mark, and it
    # becomes visible only now.
    _at(9005, START)
    with time_machine.travel(START + LOW_WATER_GRACE * 3, tick=False):
        assert audit_seal() is None  # the fast path does not look below the mark
        assert audit_tree_verify().unsealed == 1  # verify counts every record, and says so
        swept = audit_seal(full=True)
    assert swept is not None and swept.tree_size == 6
    report = audit_tree_verify()
    assert report.ok and report.unsealed == 0


def test_a_process_first_seal_is_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    monkeypatch.setattr(auditseal, "_last_full_sweep", [-auditseal.FULL_SWEEP_EVERY])
    assert auditseal._full_sweep_due()
    _write(1)
    assert audit_seal() is not None
    assert not auditseal._full_sweep_due()
