"""The guide's tests search the demo catalogue: its items, bundles, life events and synonyms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

QUERIES = Path(__file__).with_name("queries.yaml")


def evaluation_set() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = yaml.safe_load(QUERIES.read_text("utf-8"))["queries"]
    return rows


@pytest.fixture
def catalogue(db: None) -> None:
    """The demo city's catalogue, its bundles and its synonym table (no people or halls)."""
    from tongban.demo.seed import demo_catalogue_seed, demo_departments_seed

    demo_departments_seed()
    demo_catalogue_seed()
