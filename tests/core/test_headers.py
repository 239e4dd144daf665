"""Security headers: a Content-Security-Policy whose scripts need the response's nonce (no
'unsafe-inline', no eval), no inline event handlers in any template, and HTTPS with HSTS and a
redirect when the deployment says it is served over HTTPS."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "tongban" / "templates"


def _policy(answer) -> dict[str, list[str]]:
    header = answer["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/guide/", "/accounts/login/"])
def test_pages_carry_a_policy_that_allows_no_inline_script(
    client: Client, db: None, url: str
) -> None:
    answer = client.get(url)
    policy = _policy(answer)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    nonces = [s for s in policy["script-src"] if s.startswith("'nonce-")]
    page = answer.content.decode()
    for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page):
        assert nonces and f'nonce="{nonces[0][7:-1]}"' in script
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_each_response_has_its_own_nonce(client: Client, db: None) -> None:
    first = _policy(client.get("/accounts/login/"))["script-src"]
    second = _policy(client.get("/accounts/login/"))["script-src"]
    assert first != second


def test_no_template_has_an_inline_event_handler_or_a_script_without_the_nonce() -> None:
    handlers, bare = [], []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        handlers += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
        bare += [
            f"{path.name}: {m}"
            for m in re.findall(r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>", text)
            if 'type="application/json"' not in m
        ]
    assert handlers == [] and bare == []


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_behind_https_plain_http_is_redirected_and_hsts_is_sent(client: Client, db: None) -> None:
    plain = client.get("/guide/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/guide/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.slow
def test_the_deploy_check_is_clean_with_the_documented_production_settings(tmp_path: Path) -> None:
    # As on a city's machine: not the test run's database, nor its async escape hatch.
    unset = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        TONGBAN_DATA_DIR=str(tmp_path),
        TONGBAN_HTTPS="1",
        TONGBAN_SECRET_KEY=secrets.token_urlsafe(50),
        TONGBAN_ALLOWED_HOSTS="zwfw.example.cn",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tongban", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
