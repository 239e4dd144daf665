"""The audit chain: appended on every write, and verify catches tampering in the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tongban.core.audit import audit_log, audit_verify
from tongban.core.context import Actor, acting_as
from tongban.core.models import AuditRecord

# Simulates a DBA deleting rows behind the application's back.
DELETE_SQL = "DELETE FROM core_auditrecord WHERE id = %s"


@pytest.fixture
def chain(db: None) -> list[AuditRecord]:
    with acting_as(Actor("user:1", "tester"), request_id="req-0001"):
        return [
            audit_log(
                action="test.write", object_type="test", object_id=str(i), changes={"n": [i, i + 1]}
            )
            for i in range(5)
        ]


def test_each_record_holds_the_hash_of_the_one_before(chain: list[AuditRecord]) -> None:
    assert chain[0].prev_hash == "0" * 64
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    assert chain[2].actor_label == "tester"
    assert chain[2].request_id == "req-0001"
    assert audit_verify().ok


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
