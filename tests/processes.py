"""Running the platform's own command in a real process, for the fault tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tongban(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """`python -m tongban …` with `env`, from the repository; its output (fails if it fails)."""
    done = subprocess.run(
        [sys.executable, "-m", "tongban", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return done.stdout
