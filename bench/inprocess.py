"""Shared by the in-process benchmarks (forms, certificates): Django on a throwaway SQLite
data folder, and percentiles."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def setup_sqlite(data_dir: str) -> None:
    """Django with its data (and SQLite database) in `data_dir`, migrated."""
    os.environ["TONGBAN_DATA_DIR"] = data_dir
    os.environ.setdefault("TONGBAN_LOG_LEVEL", "WARNING")  # the renderer logs every step at INFO
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
