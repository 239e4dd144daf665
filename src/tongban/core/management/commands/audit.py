"""`tongban audit …`: the audit log's seal and its checks.

- `verify [--witness FILE]`: the legacy hash chain, then the Merkle tree against every signed
  checkpoint, the file copy and (given) a witness's copies; exits non-zero naming each fault.
- `seal`: seal what is committed and not yet sealed, now. `sequence`: do so every second
  (the sequencer's own loop; a transient database error is waited out).
- `checkpoint --export [FILE]`: the newest signed checkpoint, as one JSON line.
- `witness FILE`: check the platform against the checkpoints kept in FILE, then add the newest.
- `key`: the public key checkpoints are verified with, and its id.
- `protect`: make the audit tables append-only in the database itself."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import InterfaceError, OperationalError, connections

from tongban.core.audit import audit_protect, audit_verify
from tongban.core.auditkeys import checkpoint_signer, public_key_pem
from tongban.core.auditseal import (
    audit_seal_all,
    audit_tree_verify,
    checkpoint_dict,
    read_checkpoint_file,
)
from tongban.core.audittime import audit_timestamp
from tongban.core.models import AuditCheckpoint


class Command(BaseCommand):
    help = "审计日志 / audit log: verify, seal, sequence, checkpoint, witness, key, protect"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["verify", "seal", "sequence", "checkpoint", "witness", "key", "protect"],
        )
        parser.add_argument("file", nargs="?", default="", help="witness file, or export target")
        parser.add_argument("--witness", default="", help="verify: a witness's checkpoint file")
        parser.add_argument("--export", action="store_true", help="checkpoint: print the newest")
        parser.add_argument("--interval", type=float, default=1.0, help="sequence: seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "protect":
            if not audit_protect():
                raise CommandError("此数据库类型不支持审计表保护触发器 / unsupported database")
            self.stdout.write("审计表已设为只可追加 / audit tables are now append-only")
        elif action == "seal":
            self.stdout.write(f"已封存 / sealed: {audit_seal_all(full=True)} 个检查点")
        elif action == "sequence":
            self._sequence(options["interval"])
        elif action == "checkpoint":
            self._export(options["file"])
        elif action == "key":
            signer = checkpoint_signer()
            self.stdout.write(f"key id {signer.key_id()}\n{public_key_pem(signer.public_key())}")
        elif action == "witness":
            self._witness(options["file"])
        else:
            witness = read_checkpoint_file(Path(options["witness"])) if options["witness"] else []
            self._verify(witness)

    def _verify(self, witness: list[dict[str, Any]]) -> None:
        chain = audit_verify()
        if not chain.ok:
            raise CommandError(
                f"审计链校验失败 / audit chain broken at #{chain.first_bad_seq}: {chain.reason}"
                f"（此前{chain.checked}条完好）"
            )
        report = audit_tree_verify(witness)
        if not report.ok:
            raise CommandError(
                "审计树校验失败 / audit log tampered with:\n  " + "\n  ".join(report.problems)
            )
        self.stdout.write(
            f"审计日志完好 / audit log intact: 链 {chain.checked} 条；已封存 {report.sealed} 条，"
            f"{report.checkpoints} 个签署检查点，{report.timestamps} 个外部时间戳；"
            f"尚未封存 {report.unsealed} 条"
        )

    def _export(self, target: str) -> None:
        newest = AuditCheckpoint.objects.order_by("-tree_size").first()
        if newest is None:
            raise CommandError("尚无检查点，请先运行 tongban audit seal / no checkpoint yet")
        line = json.dumps(checkpoint_dict(newest), ensure_ascii=False)
        if target:
            with open(target, "a", encoding="utf-8") as out:
                out.write(line + "\n")
        else:
            self.stdout.write(line)

    def _witness(self, target: str) -> None:
        if not target:
            raise CommandError("请给出见证文件路径 / give the witness file")
        kept = read_checkpoint_file(Path(target))
        report = audit_tree_verify(kept)
        if not report.ok:
            raise CommandError(
                "与见证方保存的检查点不一致 / the platform disagrees with the witness:\n  "
                + "\n  ".join(report.problems)
            )
        self._export(target)
        self.stdout.write(f"已核对 {len(kept)} 个见证检查点，并记下最新检查点 / witnessed")

    def _sequence(self, interval: float) -> None:
        delay = interval
        while True:
            try:
                audit_seal_all()
                audit_timestamp()
                delay = interval
            except (OperationalError, InterfaceError) as exc:
                self.stderr.write(f"数据库暂时不可用（{exc}），稍后重试")
                connections.close_all()
                delay = min(delay * 2, 30.0)
            time.sleep(delay)
