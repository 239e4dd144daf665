"""The README's configuration table is the settings' own: every variable they read, with its
default and help, and nothing else."""

from __future__ import annotations

from pathlib import Path

from tongban.core.env import ENV_VARS, env_table
from tongban.core.management.commands.env_table import END, START, readme_with_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert readme_with_table(text) == text, "run: tongban env_table --write README.md"


def test_every_variable_the_settings_read_has_a_help_text() -> None:
    assert "DATABASE_URL" in ENV_VARS and "TONGBAN_SECRET_KEY" in ENV_VARS
    assert [v.name for v in ENV_VARS.values() if not v.help] == []


def test_the_table_sits_between_its_markers() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split(START, 1)[1].split(END, 1)[0]
    assert block == "\n" + env_table()
