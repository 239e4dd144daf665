"""The append-only audit log: every write (and every read of personal information) is one
record, written alone in the writer's transaction. The sequencer seals records into a signed
Merkle tree (`tongban.core.auditseal`). Records from before the seal carry a hash chain,
still verified here (`audit_verify`)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from tongban.core.context import Actor, current_actor, current_request_id
from tongban.core.models import AuditHead, AuditRecord

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """What a JSON column gives back, so the hash computed now matches the one recomputed later."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _digest(prev_hash: str, fields: Mapping[str, Any]) -> str:
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


def _hashed_fields(record: AuditRecord) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "at": record.at.astimezone(dt.UTC).isoformat(),
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "changes": record.changes,
        "request_id": record.request_id,
    }


def changes_between(
    old: Mapping[str, Any] | None, new: Mapping[str, Any], fields: Iterable[str] | None = None
) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that differ (all of `new` when there was no old)."""
    keys = list(fields) if fields is not None else list(new.keys())
    result: dict[str, list[Any]] = {}
    for key in keys:
        before = None if old is None else old.get(key)
        after = new.get(key)
        if old is None or before != after:
            result[key] = [before, after]
    return _canonical(result)  # type: ignore[no-any-return]


def audit_log(
    *,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: Mapping[str, Any] | None = None,
    actor: Actor | None = None,
) -> AuditRecord:
    """Append one record to the chain, inside the caller's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    who = actor or current_actor()
    # One row in the caller's transaction, depending on no other record and holding no lock
    # any other writer waits on: the sequencer (`auditseal.audit_seal`) seals it after commit.
    # see decision 56
    # The JSON is serialised once, as the ORM would send it, and parsed once for the record.
    body = json.dumps(dict(changes or {}), cls=DjangoJSONEncoder)
    record = AuditRecord(
        at=timezone.now(),
        actor_id=who.id,
        actor_label=who.label[:150],
        action=action,
        object_type=object_type,
        object_id=object_id[:100],
        changes=json.loads(body),
        request_id=current_request_id(),
    )
    # Every write carries this insert: one statement, not the ORM's compiler (which cost most
    # of an audited write's time), with the same values the ORM would send.
    params = [
        connection.ops.adapt_datetimefield_value(record.at),
        record.actor_id,
        record.actor_label,
        record.action,
        record.object_type,
        record.object_id,
        body,
        record.request_id,
        "",
    ]
    with _append_cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), params)
        record.pk = cursor.fetchone()[0]
    record._state.adding = False
    record._state.db = "default"
    return record


_INSERT_COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "changes",
    "request_id",
    "prev_hash",
)


def _append_cursor() -> Any:
    """A cursor for the append. On PostgreSQL it binds its parameters on the server (the
    extended protocol: no quoting on the client, no parsing of literals on the server), which
    takes about a fifth off the insert; Django's wrapper is kept, so the statement is logged
    and counted like any other. Elsewhere, the connection's own cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg  # only PostgreSQL deployments load it

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)  # type: ignore[arg-type]  # any DB-API cursor
    return connection.make_cursor(raw)  # type: ignore[arg-type]


@functools.cache
def _insert_sql(vendor: str) -> str:
    """The statement for this kind of database (quoting is the backend's)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in _INSERT_COLUMNS)
    values = ", ".join(["%s"] * len(_INSERT_COLUMNS))
    return (
        f"INSERT INTO {quote(AuditRecord._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608 — the model's own names
        f" RETURNING {quote('id')}"
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def audit_verify() -> VerifyResult:
    """Walk the legacy chain (the records written before the Merkle seal) and report the
    first edited, removed or reordered record. Later records are the tree's
    (`auditseal.audit_tree_verify`)."""
    head = AuditHead.objects.filter(pk=1).first()
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    chained = AuditRecord.objects.filter(hash__isnull=False).order_by("pk")
    for record in chained.iterator(chunk_size=2000):
        if record.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                expected_seq,
                f"第{expected_seq}条记录缺失或顺序被调换（发现的是第{record.seq}条）",
            )
        if record.prev_hash != expected_prev:
            return VerifyResult(
                False, checked, record.seq, f"第{record.seq}条记录的前序哈希不符：记录被删除或调换"
            )
        if _digest(record.prev_hash, _hashed_fields(record)) != record.hash:
            return VerifyResult(False, checked, record.seq, f"第{record.seq}条记录的内容被修改")
        expected_prev = record.hash
        expected_seq += 1
        checked += 1
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS
    if checked != last_seq or expected_prev != last_hash:
        return VerifyResult(
            False, checked, checked + 1, f"链尾记录缺失：应有{last_seq}条，实有{checked}条"
        )
    return VerifyResult(True, checked)


_PROTECT_SQL: dict[str, list[str]] = {
    "sqlite": [],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION core_auditrecord_append_only() RETURNS trigger AS $$"
        " BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql",
    ],
}
# The sealed tree's leaves and checkpoints are append-only too.
for _table in ("core_auditrecord", "core_auditleaf", "core_auditcheckpoint", "core_audittimestamp"):
    _PROTECT_SQL["sqlite"] += [
        f"CREATE TRIGGER IF NOT EXISTS {_table}_no_update BEFORE UPDATE ON {_table}"
        " BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
        f"CREATE TRIGGER IF NOT EXISTS {_table}_no_delete BEFORE DELETE ON {_table}"
        " BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    ]
    _PROTECT_SQL["postgresql"] += [
        f"DROP TRIGGER IF EXISTS {_table}_no_change ON {_table}",
        f"CREATE TRIGGER {_table}_no_change BEFORE UPDATE OR DELETE ON {_table}"
        " FOR EACH ROW EXECUTE FUNCTION core_auditrecord_append_only()",
        f"DROP TRIGGER IF EXISTS {_table}_no_truncate ON {_table}",
        f"CREATE TRIGGER {_table}_no_truncate BEFORE TRUNCATE ON {_table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION core_auditrecord_append_only()",
    ]


def audit_protect() -> bool:
    """Make the database itself refuse UPDATE and DELETE on audit records (deployments run
    `tongban audit protect` after migrating). Tests keep their flushable databases unprotected.
    Returns False on a database we have no triggers for."""
    statements = _PROTECT_SQL.get(connection.vendor)
    if statements is None:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return True
