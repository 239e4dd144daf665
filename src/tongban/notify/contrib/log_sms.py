"""The default SMS gateway: appends each message to a log file (a console for development and
the demo). Like a real provider, it ignores a client_id it has already accepted."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from tongban.core.masking import mask_phone
from tongban.notify.channels import SmsGateway


class LogSmsGateway(SmsGateway):
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(settings.DATA_DIR) / "sms.log"

    def sent_ids(self) -> set[str]:
        if not self.path.exists():
            return set()
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return {json.loads(line)["client_id"] for line in lines if line.strip()}

    def send(self, *, phone: str, text: str, client_id: str) -> None:
        if client_id in self.sent_ids():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {"client_id": client_id, "phone": mask_phone(phone), "text": text}
        with self.path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
