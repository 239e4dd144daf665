"""The legacy audit chain (records written before the Merkle seal, decision 56): `verify` still
catches tampering with them. New records carry no chain: they are written alone and sealed
(tests/core/test_audit_seal.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from tongban.core.audit import GENESIS, _digest, _hashed_fields, audit_log, audit_verify
from tongban.core.context import Actor, acting_as
from tongban.core.models import AuditHead, AuditRecord

# Simulates a DBA deleting rows behind the application's back.
DELETE_SQL = "DELETE FROM core_auditrecord WHERE id = %s"


@pytest.fixture
def chain(db: None) -> list[AuditRecord]:
    """Five records as the hash chain wrote them, each holding the hash of the one before,
    and the chain's head."""
    records, previous = [], GENESIS
    for i in range(5):
        record = AuditRecord(
            seq=i + 1,
            at=timezone.now(),
            actor_id="user:1",
            actor_label="tester",
            action="test.write",
            object_type="test",
            object_id=str(i),
            changes={"n": [i, i + 1]},
            request_id="req-0001",
            prev_hash=previous,
        )
        record.hash = _digest(previous, _hashed_fields(record))
        record.save()
        records.append(record)
        previous = record.hash
    AuditHead.objects.update_or_create(pk=1, defaults={"last_seq": 5, "last_hash": previous})
    return records


def test_a_record_is_written_alone_with_who_and_which_request(chain: list[AuditRecord]) -> None:
    with acting_as(Actor("user:1", "tester"), request_id="req-0002"):
        record = audit_log(action="test.write", object_type="test", object_id="new")
    assert (record.seq, record.prev_hash, record.hash) == (None, "", None)
    assert (record.actor_label, record.request_id) == ("tester", "req-0002")
    # The old chain is untouched by it, and still intact.
    assert AuditHead.objects.get(pk=1).last_seq == 5
    assert audit_verify().ok
    assert audit_verify().checked == 5


def test_it_catches_a_record_edited_directly_in_the_database(chain: list[AuditRecord]) -> None:
    # queryset.update bypasses the model's append-only save(), as a DBA's UPDATE would.
    AuditRecord.objects.filter(pk=chain[2].pk).update(changes={"n": [0, 999]})
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == chain[2].seq
    assert "被修改" in result.reason


def test_it_catches_a_record_deleted_in_the_middle(chain: list[AuditRecord]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(DELETE_SQL, [chain[1].pk])
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == chain[1].seq


def test_it_catches_the_last_record_removed(chain: list[AuditRecord]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(DELETE_SQL, [chain[-1].pk])
    result = audit_verify()
    assert not result.ok
    assert "链尾" in result.reason


def test_it_catches_two_records_swapped(chain: list[AuditRecord]) -> None:
    first, second = chain[1], chain[2]
    fields = ["action", "object_id", "changes", "prev_hash", "hash", "at"]
    values = {f: (getattr(first, f), getattr(second, f)) for f in fields}
    # Move one record's content out of the way of the unique hash, then swap.
    AuditRecord.objects.filter(pk=first.pk).update(hash="x" * 64)
    AuditRecord.objects.filter(pk=second.pk).update(**{f: v[0] for f, v in values.items()})
    AuditRecord.objects.filter(pk=first.pk).update(**{f: v[1] for f, v in values.items()})
    assert not audit_verify().ok


def test_records_refuse_to_be_saved_again_or_deleted(chain: list[AuditRecord]) -> None:
    record = chain[0]
    record.action = "changed"
    with pytest.raises(PermissionDenied):
        record.save()
    with pytest.raises(PermissionDenied):
        record.delete()


def test_the_verify_command_fails_loudly_on_a_broken_chain(chain: list[AuditRecord]) -> None:
    call_command("audit", "verify")
    AuditRecord.objects.filter(pk=chain[3].pk).update(actor_label="someone else")
    with pytest.raises(CommandError, match=f"#{chain[3].seq}"):
        call_command("audit", "verify")


def test_an_empty_chain_is_intact(db: None) -> None:
    assert audit_verify().ok


def test_a_protected_database_refuses_to_edit_or_delete_audit_records(
    chain: list[AuditRecord],
) -> None:
    from django.db import DatabaseError, transaction

    call_command("audit", "protect")
    call_command("audit", "protect")  # idempotent
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=chain[0].pk).update(action="edited")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=chain[0].pk).delete()
    audit_log(action="test.after_protect", object_type="test", object_id="x")
    assert audit_verify().ok


def test_the_old_chain_is_sealed_into_the_first_tree(
    chain: list[AuditRecord], settings: object, tmp_path: object
) -> None:
    """Migration: the chained records become the first leaves, in their chain's order; both
    checks hold afterwards."""
    from tongban.core.auditseal import audit_seal, audit_tree_verify
    from tongban.core.models import AuditLeaf

    settings.AUDIT_KEY_FILE = str(tmp_path / "audit.pem")  # type: ignore[attr-defined]
    settings.AUDIT_CHECKPOINT_LOG = str(tmp_path / "checkpoints.log")  # type: ignore[attr-defined]
    audit_log(action="test.after_switch", object_type="test", object_id="x")
    checkpoint = audit_seal()
    assert checkpoint is not None and checkpoint.tree_size == 6
    order = list(AuditLeaf.objects.order_by("index").values_list("record__seq", flat=True))
    assert order == [1, 2, 3, 4, 5, None]
    assert audit_verify().ok and audit_tree_verify().ok
