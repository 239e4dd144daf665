"""Browser tests: Playwright (Python) driving Debian's chromium against a live server."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; the ORM calls that the fixtures make
# around it are still synchronous and single-threaded.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("TONGBAN_REQUIRE_BROWSER") == "1":
            pytest.fail("/usr/bin/chromium is missing (apt install chromium)")
        pytest.skip("Debian's chromium is not installed (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    # With SQLite in memory the live server's threads share the test's database connection:
    # a request still in flight (a favicon, a late navigation) when the next test seeds its
    # data would run inside that test's transaction. Let the network go quiet first.
    from playwright.sync_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):  # a page that never settles (a board's stream)
        page.wait_for_load_state("networkidle", timeout=5_000)
    context.close()


@pytest.fixture
def live_demo_city(transactional_db: None, django_db_serialized_rollback: None) -> None:
    """The demo city for a live server; the flush afterwards restores the migrated calendar."""
    from tongban.demo.seed import demo_seed

    demo_seed(with_cases=False)


@pytest.fixture
def live_demo_city_with_cases(transactional_db: None, django_db_serialized_rollback: None) -> None:
    """The demo city with its applications (the figures come from them)."""
    from tongban.demo.seed import demo_seed

    demo_seed()
