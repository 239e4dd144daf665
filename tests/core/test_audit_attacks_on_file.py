"""The attacks of issue 17 on a real SQLite database file, by a writer who drops the
append-only triggers, each on its own copy of the platform's data folder (database, checkpoint
log, key folder), and `tongban audit verify` run as a separate process must exit non-zero and
say what it found. (On PostgreSQL the same attacks run in tests/core/test_audit_seal.py.)"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
TONGBAN = Path(sys.executable).parent / "tongban"

SETUP = """
from tongban.core.audit import audit_log
from tongban.core.auditseal import audit_seal
for i in range(12):
    audit_log(action="test.write", object_type="test", object_id=str(i), changes={"n": i})
audit_seal()
for i in range(12, 20):
    audit_log(action="test.write", object_type="test", object_id=str(i), changes={"n": i})
audit_seal()
"""

# (a): the record edited, and its leaf, every root and note recomputed with the code's own
# functions and stored; only the key is out of reach.
REHASH = """
from django.db import connection
from tongban.core.auditseal import checkpoint_note, record_leaf
from tongban.core.merkle import Frontier
from tongban.core.models import AuditCheckpoint, AuditLeaf, AuditRecord
target = AuditRecord.objects.order_by("pk")[4]
with connection.cursor() as c:
    c.execute("UPDATE core_auditrecord SET changes = %s WHERE id = %s", ['{"n": 999}', target.pk])
edited = AuditRecord.objects.get(pk=target.pk)
with connection.cursor() as c:
    c.execute("UPDATE core_auditleaf SET hash = %s WHERE record_id = %s",
              [record_leaf(edited).hex(), target.pk])
f = Frontier()
for leaf in AuditLeaf.objects.select_related("record").order_by("index"):
    f.append(record_leaf(leaf.record))
    cp = AuditCheckpoint.objects.filter(tree_size=f.size).first()
    if cp:
        with connection.cursor() as c:
            c.execute("UPDATE core_auditcheckpoint SET root = %s, note = %s WHERE tree_size = %s",
                      [f.root().hex(), checkpoint_note(f.size, f.root(), cp.at), f.size])
"""

FOREIGN_KEY = """
import base64
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from tongban.core.auditkeys import key_id_of
from tongban.core.models import AuditCheckpoint
other = Ed25519PrivateKey.generate()
cp = AuditCheckpoint.objects.get(tree_size=20)
with connection.cursor() as c:
    c.execute("UPDATE core_auditcheckpoint SET signature = %s, key_id = %s WHERE tree_size = 20",
              [base64.b64encode(other.sign(cp.note.encode())).decode(),
               key_id_of(other.public_key())])
"""


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TONGBAN_DATA_DIR=str(folder), PYTHONPATH=str(ROOT), TONGBAN_LOG_LEVEL="ERROR")
    return env


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TONGBAN), *args], env=_env(folder), capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def sealed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if connection.vendor != "sqlite":
        pytest.skip("the file attacks are SQLite's; PostgreSQL has its own in test_audit_seal")
    folder = tmp_path_factory.mktemp("sealed")
    for args in (("migrate", "-v0", "--no-input"), ("shell", "-c", SETUP), ("audit", "protect")):
        done = _run(folder, *args)
        assert done.returncode == 0, done.stderr
    witness = folder.parent / "witness.log"
    assert _run(folder, "audit", "witness", str(witness)).returncode == 0
    return folder


@pytest.fixture
def copy(sealed_folder: Path, tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "data"
    shutil.copytree(sealed_folder, target)
    yield target


def _sql(folder: Path, *statements: str) -> None:
    """As a writer with the file: the triggers dropped first."""
    with sqlite3.connect(folder / "tongban.sqlite3") as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
        for name in names:
            db.execute(f'DROP TRIGGER "{name}"')
        for statement in statements:
            db.execute(statement)


def _refused(folder: Path, *expected: str, witness: Path | None = None) -> None:
    args = ["audit", "verify", *(["--witness", str(witness)] if witness else [])]
    done = _run(folder, *args)
    assert done.returncode != 0, done.stdout
    for text in expected:
        assert text in done.stderr, done.stderr


def test_the_untouched_copy_verifies(copy: Path) -> None:
    done = _run(copy, "audit", "verify")
    assert done.returncode == 0 and "已封存 20 条" in done.stdout, done.stderr


def test_a_edit_with_every_hash_recomputed(copy: Path) -> None:
    _sql(copy)
    assert _run(copy, "shell", "-c", REHASH).returncode == 0
    _refused(copy, "检查点12的签名无效", "外部日志的检查点12与记录重算的根哈希不符")


def test_b_tail_cut_off_and_head_rewound(copy: Path) -> None:
    _sql(
        copy,
        'DELETE FROM core_auditleaf WHERE "index" >= 12',
        "DELETE FROM core_auditrecord WHERE id NOT IN (SELECT record_id FROM core_auditleaf)",
        "DELETE FROM core_auditcheckpoint WHERE tree_size = 20",
    )
    _refused(copy, "数据库的检查点被回退", "记录尾部被截去")


def test_c_deletion(copy: Path) -> None:
    _sql(
        copy,
        "DELETE FROM core_auditrecord WHERE id = (SELECT record_id FROM core_auditleaf"
        ' WHERE "index" = 6)',
        'DELETE FROM core_auditleaf WHERE "index" = 6',
    )
    _refused(copy, "审计树第6片叶缺失")


def test_d_reorder(copy: Path) -> None:
    _sql(
        copy,
        "UPDATE core_auditrecord SET object_id = 'tmp' WHERE object_id = '3'",
        "UPDATE core_auditrecord SET object_id = '3', changes = '{\"n\": 3}' WHERE object_id = '9'",
        "UPDATE core_auditrecord SET object_id = '9', changes = '{\"n\": 9}'"
        " WHERE object_id = 'tmp'",
    )
    _refused(copy, "的内容与封存时不同")


def test_e_forged_record_inserted(copy: Path) -> None:
    _sql(
        copy,
        "INSERT INTO core_auditrecord (at, actor_id, actor_label, action, object_type, object_id,"
        " changes, request_id, prev_hash) VALUES ('2026-01-01 00:00:00', 'x', '伪造',"
        " 'test.forged', 'test', 'f', '{}', '', '')",
        'INSERT INTO core_auditleaf ("index", record_id, hash) VALUES (20,'
        " (SELECT max(id) FROM core_auditrecord), 'ff')",
    )
    _refused(copy, "伪造的插入")


def test_f_checkpoint_log_replaced_by_an_older_copy(copy: Path, sealed_folder: Path) -> None:
    log = copy / "audit" / "checkpoints.log"
    log.write_text(log.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    witness = sealed_folder.parent / "witness.log"
    _refused(copy, "外部检查点日志被替换为旧副本", witness=witness)


def test_g_checkpoint_signed_with_another_key(copy: Path) -> None:
    _sql(copy)
    assert _run(copy, "shell", "-c", FOREIGN_KEY).returncode == 0
    _refused(copy, "签名密钥不是本平台的审计密钥")
