"""The audit log's seal against someone who can write to the database: each attack of issue
17 is made with raw SQL (as if the append-only triggers were dropped), and `verify` must fail
and say what it found. The key signing checkpoints and the file copy of the checkpoints are
outside the database; a witness keeps copies of its own."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tongban.core.audit import audit_log
from tongban.core.auditkeys import key_id_of
from tongban.core.auditseal import (
    audit_seal,
    audit_tree_verify,
    checkpoint_dict,
    checkpoint_note,
    read_checkpoint_file,
    record_leaf,
)
from tongban.core.merkle import Frontier
from tongban.core.models import AuditCheckpoint, AuditLeaf, AuditRecord


@pytest.fixture(autouse=True)
def _keys_outside(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit.pem")
    settings.AUDIT_CHECKPOINT_LOG = str(tmp_path / "log" / "checkpoints.log")
    yield


def _write(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        audit_log(action="test.write", object_type="test", object_id=str(i), changes={"n": i})


@pytest.fixture
def sealed(transactional_db: None) -> list[AuditCheckpoint]:
    """Two sealed batches (12 then 8 records), their checkpoints copied to the file."""
    _write(12)
    first = audit_seal()
    _write(8, start=12)
    second = audit_seal()
    assert first is not None and second is not None
    return [first, second]


def _sql(statement: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _problems() -> list[str]:
    report = audit_tree_verify()
    assert not report.ok
    return report.problems


def test_an_untouched_log_verifies_and_shows_what_is_unsealed(sealed: list[Any]) -> None:
    report = audit_tree_verify()
    assert report.ok, report.problems
    assert (report.sealed, report.checkpoints, report.unsealed) == (20, 2, 0)
    _write(3, start=100)
    assert audit_tree_verify().unsealed == 3
    copies = read_checkpoint_file(Path(connection.settings_dict["NAME"]).parent / "x")
    assert copies == []  # (an absent file reads as no copies)
    call_command("audit", "verify")


def test_a_checkpoint_is_a_signed_note(sealed: list[AuditCheckpoint]) -> None:
    newest = sealed[-1]
    lines = newest.note.split("\n")
    assert lines[0].startswith("tongban-audit/") and lines[1] == "20"
    assert base64.b64decode(lines[2]).hex() == newest.root
    assert lines[3].startswith("time ")


def test_a_an_edit_with_every_hash_recomputed(sealed: list[Any]) -> None:
    """Record 5 edited; its leaf, every later root and the checkpoints recomputed and stored
    as the code would (only the signing key is out of reach)."""
    target = AuditRecord.objects.order_by("pk")[4]
    _sql("UPDATE core_auditrecord SET changes = %s WHERE id = %s", '{"n": 999}', target.pk)
    edited = AuditRecord.objects.get(pk=target.pk)
    _sql(
        "UPDATE core_auditleaf SET hash = %s WHERE record_id = %s",
        record_leaf(edited).hex(),
        target.pk,
    )
    frontier = Frontier()
    for leaf in AuditLeaf.objects.select_related("record").order_by("index"):
        frontier.append(record_leaf(leaf.record))
        checkpoint = AuditCheckpoint.objects.filter(tree_size=frontier.size).first()
        if checkpoint is not None:
            note = checkpoint_note(frontier.size, frontier.root(), checkpoint.at)
            _sql(
                "UPDATE core_auditcheckpoint SET root = %s, note = %s WHERE tree_size = %s",
                frontier.root().hex(),
                note,
                frontier.size,
            )
    problems = _problems()
    assert any("检查点12的签名无效" in p for p in problems)
    # The file outside the database still has the true roots: the rewrite is located.
    assert any(
        "外部日志的检查点12与记录重算的根哈希不符" in p and "第1至12片叶" in p for p in problems
    )
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_b_the_tail_cut_off_and_the_head_rewound(sealed: list[Any]) -> None:
    last = AuditRecord.objects.order_by("-pk")[:8]
    ids = [r.pk for r in last]
    for record_id in ids:
        _sql("DELETE FROM core_auditleaf WHERE record_id = %s", record_id)
        _sql("DELETE FROM core_auditrecord WHERE id = %s", record_id)
    _sql("DELETE FROM core_auditcheckpoint WHERE tree_size = 20")
    _sql("UPDATE core_audithead SET last_seq = last_seq - 8")
    problems = _problems()
    assert any("数据库的检查点被回退：外部日志最新为20，数据库为12" in p for p in problems)
    assert any("外部日志的检查点20多于数据库中的12片叶" in p for p in problems)


def test_c_a_deletion(sealed: list[Any]) -> None:
    victim = AuditLeaf.objects.get(index=6)
    _sql("DELETE FROM core_auditleaf WHERE record_id = %s", victim.record_id)
    _sql("DELETE FROM core_auditrecord WHERE id = %s", victim.record_id)
    assert any("审计树第6片叶缺失" in p for p in _problems())


def test_d_a_reorder(sealed: list[Any]) -> None:
    """Two records' contents swapped (their places in the tree kept)."""
    a, b = AuditLeaf.objects.get(index=3).record, AuditLeaf.objects.get(index=9).record
    for one, other in ((a, b), (b, a)):
        _sql(
            "UPDATE core_auditrecord SET object_id = %s, changes = %s WHERE id = %s",
            other.object_id,
            json.dumps(other.changes),
            one.pk,
        )
    problems = _problems()
    report = audit_tree_verify()
    assert report.first_bad_record == a.pk
    assert any(f"审计记录#{a.pk}（第3片叶）的内容与封存时不同" in p for p in problems)


def test_e_a_forged_record_inserted(sealed: list[Any]) -> None:
    forged = AuditRecord(
        seq=999, at=AuditRecord.objects.last().at, actor_id="x", actor_label="伪造",
        action="test.forged", object_type="test", object_id="f", changes={}, request_id="",
        prev_hash="0" * 64, hash="f" * 64,
    )  # fmt: skip
    forged.save()
    _sql(
        'INSERT INTO core_auditleaf ("index", record_id, hash) VALUES (%s, %s, %s)',
        20,
        forged.pk,
        record_leaf(forged).hex(),
    )
    assert any("第20片之后的1片叶不在任何签署的检查点内：伪造的插入" in p for p in _problems())


def test_f_the_checkpoint_log_replaced_by_an_older_copy(
    sealed: list[Any], settings: Any, tmp_path: Path
) -> None:
    log = Path(settings.AUDIT_CHECKPOINT_LOG)
    witness = tmp_path / "witness.log"
    call_command("audit", "witness", str(witness))  # the second party keeps the newest head
    assert [c["tree_size"] for c in read_checkpoint_file(witness)] == [20]
    older = log.read_text(encoding="utf-8").splitlines()[0] + "\n"
    log.write_text(older, encoding="utf-8")  # the file rolled back to after the first seal
    assert audit_tree_verify().ok  # alone, the older file is consistent with the database
    report = audit_tree_verify(read_checkpoint_file(witness))
    assert any(
        "外部检查点日志被替换为旧副本：见证方持有20，日志最新为12" in p for p in report.problems
    )
    with pytest.raises(CommandError):
        call_command("audit", "witness", str(witness))


def test_g_a_checkpoint_signed_with_another_key(sealed: list[AuditCheckpoint]) -> None:
    other = Ed25519PrivateKey.generate()
    newest = sealed[-1]
    signature = base64.b64encode(other.sign(newest.note.encode())).decode()
    _sql(
        "UPDATE core_auditcheckpoint SET signature = %s, key_id = %s WHERE tree_size = 20",
        signature,
        key_id_of(other.public_key()),
    )
    assert any("检查点20的签名密钥不是本平台的审计密钥" in p for p in _problems())


def test_a_retired_key_still_verifies_its_checkpoints(
    sealed: list[Any], settings: Any, tmp_path: Path
) -> None:
    """Rotation: the old key's public half goes to `retired/`, a new key signs from then on."""
    from tongban.core.auditkeys import checkpoint_signer, public_key_pem

    keys = Path(settings.AUDIT_KEY_FILE).parent
    (keys / "retired").mkdir()
    (keys / "retired" / "2026.pub").write_text(public_key_pem(checkpoint_signer().public_key()))
    Path(settings.AUDIT_KEY_FILE).rename(keys / "old.pem")
    _write(2, start=50)
    newest = audit_seal()
    assert newest is not None and newest.key_id != sealed[0].key_id
    assert audit_tree_verify().ok
    # A witness's copy of an old head still checks out.
    assert audit_tree_verify([checkpoint_dict(sealed[0])]).ok


def test_protected_leaves_and_checkpoints_refuse_changes(db: None) -> None:
    """`tongban audit protect` covers the tree too (in a rolled-back test transaction: the
    triggers go with it)."""
    from django.db import DatabaseError, transaction

    _write(3)
    assert audit_seal() is not None
    call_command("audit", "protect")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLeaf.objects.filter(index=0).update(hash="0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditCheckpoint.objects.all().delete()
    _write(2, start=10)
    assert audit_seal() is not None  # appending still works
