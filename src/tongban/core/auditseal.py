"""The audit log's seal: a Merkle tree over the records (RFC 9162), signed tree heads
(checkpoints) with a key the database does not hold, a copy of every checkpoint outside the
database, and verification that a database writer cannot fool.

- `audit_seal()` (the sequencer) numbers the committed records not yet in the tree, appends
  their leaves, and signs a checkpoint of the new tree: its size, root and time. It holds no
  lock a writer waits on: two sequencers racing collide on the leaf and checkpoint keys and one
  of them rolls back.
- `audit_tree_verify()` recomputes every leaf from its record and the tree from the leaves,
  checks each checkpoint's signature against the platform's public keys (current and retired),
  each checkpoint's root against the tree, the file copy against the database, and a
  witness's copies against both, and the time stamps of an outside authority
  (`tongban.core.audittime`); it names the first record that differs.

Checkpoints are notes in the transparency-log checkpoint format: an origin line, the tree
size, the base64 root, and a time line, signed with Ed25519 (the signer is a plugin)."""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from tongban.core.auditkeys import checkpoint_signer, known_keys, public_key_pem
from tongban.core.audittime import timestamp_problems
from tongban.core.merkle import Frontier, leaf_hash
from tongban.core.models import AuditCheckpoint, AuditLeaf, AuditRecord

BATCH = 20_000


def record_bytes(record: AuditRecord) -> bytes:
    """What a leaf seals of a record: everything it says, its id included (so a record
    cannot be moved to another place of the tree)."""
    fields = {
        "id": record.pk,
        "at": record.at.astimezone(dt.UTC).isoformat(),
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "changes": record.changes,
        "request_id": record.request_id,
    }
    return json.dumps(
        fields, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()


def record_leaf(record: AuditRecord) -> bytes:
    return leaf_hash(record_bytes(record))


# --- checkpoints -----------------------------------------------------------------------------


def checkpoint_note(size: int, root: bytes, at: dt.datetime) -> str:
    origin = f"tongban-audit/{settings.CITY_NAME}"
    stamp = at.astimezone(dt.UTC).isoformat()
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\ntime {stamp}\n"


def checkpoint_dict(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    return {
        "tree_size": checkpoint.tree_size,
        "root": checkpoint.root,
        "at": checkpoint.at.astimezone(dt.UTC).isoformat(),
        "key_id": checkpoint.key_id,
        "note": checkpoint.note,
        "signature": checkpoint.signature,
    }


def signature_ok(entry: dict[str, Any], keys: dict[str, Ed25519PublicKey]) -> str:
    """Why a checkpoint (as a dict) does not hold, or ""."""
    key = keys.get(str(entry.get("key_id", "")))
    if key is None:
        return f"检查点{entry.get('tree_size')}的签名密钥不是本平台的审计密钥"
    try:
        key.verify(base64.b64decode(str(entry["signature"])), str(entry["note"]).encode())
    except (InvalidSignature, ValueError, KeyError):
        return f"检查点{entry.get('tree_size')}的签名无效"
    lines = str(entry["note"]).split("\n")
    try:
        root = base64.b64decode(lines[2]).hex()
        size = int(lines[1])
    except (IndexError, ValueError):
        return f"检查点{entry.get('tree_size')}的签署内容无法解析"
    if size != int(entry["tree_size"]) or root != entry["root"]:
        return f"检查点{entry.get('tree_size')}的树大小或根哈希与其签署内容不符"
    return ""


def checkpoint_log_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_LOG)


def read_checkpoint_file(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entries.append(json.loads(line))
    return entries


def _append_to_file() -> None:
    """Copy the checkpoints the file lacks to it (after the sequencer's commit; a crash in
    between is made good by the next seal)."""
    path = checkpoint_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)
        out.seek(0)
        last = 0
        for line in out.read().splitlines():
            if line.strip():
                last = max(last, int(json.loads(line)["tree_size"]))
        for checkpoint in AuditCheckpoint.objects.filter(tree_size__gt=last).order_by("tree_size"):
            out.write(json.dumps(checkpoint_dict(checkpoint), ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())


def audit_seal(limit: int = BATCH, *, full: bool = False) -> AuditCheckpoint | None:
    """Seal the committed records not yet in the tree (at most `limit`): their leaves and a
    signed checkpoint, in one transaction. None when there was nothing to seal (or another
    sequencer sealed the same records first).

    It looks above the newest checkpoint's low-water mark only, so a second's work does not
    grow with the log; `full` (and, by itself, once an hour) looks at every record, for one
    whose transaction stayed open longer than the mark's grace (a process's first seal is
    full too)."""
    signer = checkpoint_signer()
    full = full or _full_sweep_due()
    try:
        with transaction.atomic():
            last = AuditCheckpoint.objects.order_by("-tree_size").first()
            mark = 0 if full or last is None else last.low_water or 0
            pending = list(
                AuditRecord.objects.filter(pk__gt=mark, leaf__isnull=True).order_by("pk")[:limit]
            )
            if not pending:
                return None
            frontier = (
                Frontier(last.tree_size, [bytes.fromhex(h) for h in last.frontier])
                if last
                else Frontier()
            )
            leaves = []
            for record in pending:
                leaf = record_leaf(record)
                leaves.append(AuditLeaf(index=frontier.size, record=record, hash=leaf.hex()))
                frontier.append(leaf)
            AuditLeaf.objects.bulk_create(leaves)
            root = frontier.root()
            at = timezone.now()
            note = checkpoint_note(frontier.size, root, at)
            checkpoint = AuditCheckpoint.objects.create(
                tree_size=frontier.size,
                root=root.hex(),
                at=at,
                key_id=signer.key_id(),
                note=note,
                signature=base64.b64encode(signer.sign(note.encode())).decode(),
                frontier=[h.hex() for h in frontier.hashes],
                low_water=_low_water(mark, pending, limit, at),
            )
            transaction.on_commit(_append_to_file)
    except IntegrityError:
        return None  # another sequencer took these records: its checkpoint stands
    if full:
        _last_full_sweep[0] = time.monotonic()
    return checkpoint


# A record is numbered when its writer's transaction commits, which may be after records with
# higher ids: the mark moves only past records older than this, and a transaction that stays
# open longer after writing its record is found by the hourly full sweep.
# see decision 56
LOW_WATER_GRACE = dt.timedelta(minutes=2)
FULL_SWEEP_EVERY = 3600.0
_last_full_sweep = [-FULL_SWEEP_EVERY]  # a process's first seal is a full one


def _full_sweep_due() -> bool:
    return time.monotonic() - _last_full_sweep[0] >= FULL_SWEEP_EVERY


def _low_water(mark: int, pending: list[AuditRecord], limit: int, at: dt.datetime) -> int:
    """The highest id up to which every record is now sealed: the newest record written
    before the grace (every committed one below it was pending, and is sealed now), but not
    past the batch when the batch was cut at `limit`."""
    older = AuditRecord.objects.filter(pk__gt=mark, at__lt=at - LOW_WATER_GRACE)
    if len(pending) >= limit:
        older = older.filter(pk__lte=pending[-1].pk)
    newest = older.aggregate(top=models.Max("pk"))["top"]
    return max(mark, newest or 0)


def audit_seal_all(*, full: bool = False) -> int:
    """Seal until nothing is left; the number of checkpoints made."""
    made = 0
    while audit_seal(full=full) is not None:
        made += 1
    return made


# --- verification ----------------------------------------------------------------------------


@dataclass
class TreeReport:
    sealed: int = 0
    unsealed: int = 0
    checkpoints: int = 0
    timestamps: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_record: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _prefix_roots(report: TreeReport, sizes: set[int]) -> dict[int, bytes]:
    """Walk the leaves in order, recomputing each from its record; the root at each of
    `sizes`. Gaps, and leaves whose record no longer gives their hash, are reported."""
    roots: dict[int, bytes] = {}
    frontier = Frontier()
    for leaf in AuditLeaf.objects.select_related("record").order_by("index").iterator(2000):
        if leaf.index != frontier.size:
            report.problems.append(
                f"审计树第{frontier.size}片叶缺失（下一片是第{leaf.index}片）：记录被删除"
            )
            break
        recomputed = record_leaf(leaf.record)
        if recomputed.hex() != leaf.hash and report.first_bad_record is None:
            report.first_bad_record = leaf.record_id
            report.problems.append(
                f"审计记录#{leaf.record_id}（第{leaf.index}片叶）的内容与封存时不同"
            )
        frontier.append(recomputed)
        if frontier.size in sizes:
            roots[frontier.size] = frontier.root()
    report.sealed = frontier.size
    return roots


def _last_good(entries: list[dict[str, Any]], roots: dict[int, bytes], before: int) -> int:
    """The largest checkpoint size below `before` whose root still matches: the rewrite is
    in the leaves after it."""
    good = 0
    for entry in entries:
        size = int(entry["tree_size"])
        if size < before and roots.get(size, b"").hex() == entry["root"]:
            good = max(good, size)
    return good


def audit_tree_verify(witness: Iterable[dict[str, Any]] = ()) -> TreeReport:
    """Everything a writer could have done to the sealed log, named; see the module."""
    report = TreeReport()
    keys = known_keys()
    checkpoints = [checkpoint_dict(c) for c in AuditCheckpoint.objects.order_by("tree_size")]
    copies = read_checkpoint_file(checkpoint_log_path())
    witnessed = list(witness)
    report.checkpoints = len(checkpoints)
    sizes = {int(c["tree_size"]) for c in (*checkpoints, *copies, *witnessed)}
    roots = _prefix_roots(report, sizes)
    newest = checkpoints[-1]["tree_size"] if checkpoints else 0
    sources = (("数据库", checkpoints), ("外部日志", copies), ("见证方", witnessed))
    for source, entries in sources:
        for entry in entries:
            problem = signature_ok(entry, keys)
            size = int(entry["tree_size"])
            if not problem and size > report.sealed:
                problem = f"{source}的检查点{size}多于数据库中的{report.sealed}片叶：记录尾部被截去"
            elif not problem and roots.get(size, b"").hex() != entry["root"]:
                problem = (
                    f"{source}的检查点{size}与记录重算的根哈希不符：已封存的记录被改写"
                    f"（在第{_last_good(entries, roots, size) + 1}至{size}片叶之间）"
                )
            if problem:
                report.problems.append(problem)
    if report.sealed > newest:
        report.problems.append(
            f"第{newest}片之后的{report.sealed - newest}片叶不在任何签署的检查点内：伪造的插入"
        )
    if copies and int(copies[-1]["tree_size"]) > newest:
        report.problems.append(
            f"数据库的检查点被回退：外部日志最新为{copies[-1]['tree_size']}，数据库为{newest}"
        )
    if witnessed:
        top = max(int(w["tree_size"]) for w in witnessed)
        if not copies or int(copies[-1]["tree_size"]) < top:
            held = copies[-1]["tree_size"] if copies else 0
            report.problems.append(
                f"外部检查点日志被替换为旧副本：见证方持有{top}，日志最新为{held}"
            )
    report.timestamps, stamp_problems = timestamp_problems()
    report.problems += stamp_problems
    report.unsealed = AuditRecord.objects.filter(leaf__isnull=True).count()
    return report


# --- proofs for a person ---------------------------------------------------------------------


def inclusion_for(record: AuditRecord) -> dict[str, Any] | None:
    """What a person needs to check, without trusting the database, that `record` is in the
    sealed log: the record as sealed, its leaf's place, the proof up to the signed checkpoint
    that sealed it, that checkpoint, and its public key. None while it is not sealed yet.

    The proof is built from the previous checkpoint's right edge and the leaves of the one
    batch (`merkle.inclusion_proof_extending`), so it costs the same in a log of any size;
    the later checkpoints extend that one, which `verify` and the witnesses check."""
    from tongban.core.merkle import inclusion_proof_extending

    leaf = AuditLeaf.objects.filter(record=record).first()
    if leaf is None:
        return None
    sealing = AuditCheckpoint.objects.filter(tree_size__gt=leaf.index).order_by("tree_size")
    checkpoint = sealing.first()
    if checkpoint is None:
        return None
    before = (
        AuditCheckpoint.objects.filter(tree_size__lte=leaf.index).order_by("-tree_size").first()
    )
    edge = (
        Frontier(before.tree_size, [bytes.fromhex(h) for h in before.frontier])
        if before
        else Frontier()
    )
    batch = [
        bytes.fromhex(h)
        for h in AuditLeaf.objects.filter(index__gte=edge.size, index__lt=checkpoint.tree_size)
        .order_by("index")
        .values_list("hash", flat=True)
    ]
    signer = checkpoint_signer()
    return {
        "format": "tongban-audit-inclusion/1",
        "record": record_bytes(record).decode(),
        "leaf_index": leaf.index,
        "tree_size": checkpoint.tree_size,
        "proof": [h.hex() for h in inclusion_proof_extending(edge, batch, leaf.index)],
        "checkpoint": checkpoint_dict(checkpoint),
        "public_key": public_key_pem(known_keys().get(checkpoint.key_id, signer.public_key())),
    }
