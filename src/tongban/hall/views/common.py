"""What the hall's pages share: the device session key."""

from __future__ import annotations

DEVICE_SESSION_KEY = "hall_device_id"
