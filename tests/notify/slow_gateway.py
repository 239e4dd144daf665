"""A test SMS gateway that accepts the message, then is slow to acknowledge: a worker killed
in that window has sent the SMS but not recorded it."""

from __future__ import annotations

import os
import time

from tongban.notify.contrib.log_sms import LogSmsGateway


class SlowAckGateway(LogSmsGateway):
    def send(self, *, phone: str, text: str, client_id: str) -> None:
        super().send(phone=phone, text=text, client_id=client_id)
        time.sleep(float(os.environ.get("SLOW_ACK_SECONDS", "0")))
