"""A person proves, without trusting the platform's database, that an access to their data is
in the sealed audit log: the proof from /me/data-access/, the public key from /audit/key.pem,
and the documented script (docs/audit-proof-check.py) — which refuses a doctored record, a
proof against another root, and another key."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from tongban.accounts.models import User
from tongban.core.auditseal import audit_seal
from tongban.exchange.models import AccessLog, DataResource

from .test_query import _query

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "audit-proof-check.py"


@pytest.fixture
def checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_proof_check", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _keys_outside(settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_KEY_FILE = str(tmp_path / "audit.pem")
    settings.AUDIT_CHECKPOINT_LOG = str(tmp_path / "checkpoints.log")


def test_a_person_proves_an_access_is_in_the_signed_log(
    client: Client,
    reviewer: User,
    population: DataResource,
    zhangsan: User,
    lisi: User,
    checker: ModuleType,
) -> None:
    _query(reviewer, population, str(zhangsan.id_number))
    _query(reviewer, population, str(lisi.id_number))
    entry = AccessLog.objects.get(result="ok")
    client.force_login(zhangsan)
    # Not sealed yet: the page says so rather than offering a proof that cannot hold.
    assert client.get(f"/me/data-access/{entry.pk}/proof.json").status_code == 404
    assert audit_seal() is not None
    page = client.get("/me/data-access/").content.decode()
    assert f"/me/data-access/{entry.pk}/proof.json" in page
    proof = client.get(f"/me/data-access/{entry.pk}/proof.json").json()
    key = client.get("/audit/key.pem").content
    assert checker.check(proof, key) == ""
    assert json.loads(proof["record"])["action"] == "exchange.access"

    doctored = dict(proof, record=proof["record"].replace("核验法定代表人身份", "例行核查"))
    assert "root" in checker.check(doctored, key)
    other_root = dict(proof, leaf_index=proof["leaf_index"] ^ 1)
    assert checker.check(other_root, key) != ""
    stranger = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert "signature" in checker.check(proof, stranger)
    # Someone else's access is not theirs to download.
    theirs = AccessLog.objects.get(result="no_record")
    assert client.get(f"/me/data-access/{theirs.pk}/proof.json").status_code == 404


@pytest.mark.django_db
def test_a_proof_holds_for_a_record_sealed_in_a_later_batch(checker: ModuleType) -> None:
    """The proof is made from the previous checkpoint's edge and the record's own batch, and
    checks against the checkpoint that sealed it, however many batches came before and after."""
    from tongban.core.audit import audit_log
    from tongban.core.auditkeys import checkpoint_signer, public_key_pem
    from tongban.core.auditseal import inclusion_for

    batches = []
    for size in (13, 7, 21, 5):
        batches.append(
            [audit_log(action="test.write", object_id=f"{size}-{i}") for i in range(size)]
        )
        assert audit_seal(full=True) is not None
    key = public_key_pem(checkpoint_signer().public_key()).encode()
    for batch, sealed_at in zip(batches, (13, 20, 41, 46), strict=True):
        for record in (batch[0], batch[len(batch) // 2], batch[-1]):
            proof = inclusion_for(record)
            assert proof is not None and proof["tree_size"] == sealed_at
            assert checker.check(proof, key) == "", (record.pk, proof["leaf_index"])
