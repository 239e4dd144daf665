"""API fuzzing in CI: Schemathesis against the running platform, as three callers.

A fresh demo city in a temporary data directory, gunicorn on a free port, and
`st run` against `/api/openapi.json` anonymous, as an applicant (zhangsan) and as a clerk,
with every response checked: no server error, only declared status codes, the declared
content type and the declared response schema. Exits non-zero on any failure.

    .venv/bin/python .ci/fuzz.py [--max-examples N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)
DEMO_PASSWORD = "Tongban-Demo-2026"  # noqa: S105 — the published demo login
CALLERS = {
    "anonymous": None,
    "applicant": "zhangsan",
    "clerk": "clerk",
    # Not in CI's default run (its time): `--callers inspector,agent` for the field and
    # projects APIs.
    "inspector": "inspector",
    "agent": "wangwu",
}
DEFAULT_CALLERS = ("anonymous", "applicant", "clerk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sign_in(base: str, username: str) -> dict[str, str]:
    """A signed-in session's cookie and CSRF header, as a browser would hold them."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        client.get("/accounts/login/")
        token = client.cookies["csrftoken"]
        answer = client.post(
            "/accounts/login/",
            data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/"},
        )
        if answer.status_code != 302:
            raise SystemExit(f"sign-in as {username} failed: {answer.status_code}")
        token = client.cookies["csrftoken"]
        session = client.cookies["sessionid"]
    return {"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token}


def known_values(base: str, headers: dict[str, str]) -> dict[str, object]:
    """Identifiers that exist, as this caller sees them, so that operations on one object are
    fuzzed against a real one too, not only against numbers that are not on file."""
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        halls = client.get("/api/hall/halls").json()
        items = client.get("/api/catalog/items", params={"limit": 5}).json()
        codes = [i["code"] for i in (items.get("items") if isinstance(items, dict) else items)]
        cases = [
            c["id"]
            for answer in (client.get("/api/cases/mine"), client.get("/api/cases/worklist"))
            if answer.status_code == 200
            for c in answer.json()["items"]
        ]
        if not cases and "Cookie" in headers:  # an applicant with none yet: a draft of their own
            person = client.get("/api/catalog/items", params={"audience": "person", "limit": 1})
            code = person.json()["items"][0]["code"]
            draft = client.post("/api/cases", json={"item_code": code, "idempotency_key": "f"})
            if draft.status_code == 200:
                cases.append(draft.json()["id"])
            else:
                print(f"   (no draft: {draft.status_code} {draft.text[:200]})", flush=True)
        certificates = client.get("/api/certificates/mine")
        appointments = client.get("/api/hall/appointments")
    values: dict[str, object] = {"/api/hall/halls/": {"code": halls[0]["code"]}}
    if certificates.status_code == 200 and certificates.json():
        values["/api/certificates/{number}"] = {"number": certificates.json()[0]["number"]}
    if appointments.status_code == 200 and appointments.json():
        values["/api/hall/appointments/{appointment_id}"] = {
            "appointment_id": appointments.json()[0]["id"]
        }
    if codes:
        values["/api/catalog/items/"] = {"code": codes[0]}
        values["/api/forms/items/"] = {"code": codes[0]}
    if cases:
        values["/api/cases/{case_id}"] = {"case_id": cases[0]}
    return values


def config_file(where: Path, values: dict[str, object]) -> Path:
    lines = []
    for prefix, parameters in values.items():
        regex = "^" + prefix.replace("{", "\\\\{").replace("}", "\\\\}")
        pairs = ", ".join(f"{name} = {json.dumps(value)}" for name, value in parameters.items())
        lines += [
            "[[operations]]",
            f'include-path-regex = "{regex}"',
            f"parameters = {{ {pairs} }}",
            "",
        ]
    where.write_text("\n".join(lines), encoding="utf-8")
    return where


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--callers", default=",".join(DEFAULT_CALLERS))
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument(
        "--include", default="", help="only the operations whose path matches this regex"
    )
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="tongban-fuzz-"))
    env = {**os.environ, "TONGBAN_DATA_DIR": str(data), "TONGBAN_LOG_LEVEL": "WARNING"}
    # Thousands of requests from one address: the limits are tested on their own (tests/api).
    env |= {f"TONGBAN_RATE_{who}": "off" for who in ("ANONYMOUS", "DEVICE", "PERSON")}
    env.pop("DATABASE_URL", None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run = lambda *cmd: subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    run(str(BIN / "tongban"), "migrate", "--no-input", "-v0")
    run(str(BIN / "tongban"), "demo", "seed")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "tongban.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--threads", "4", "--timeout", "60"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    failed = []
    try:
        for _ in range(60):
            try:
                if httpx.get(f"{base}/api/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        for caller in args.callers.split(","):
            username = CALLERS[caller]
            headers = sign_in(base, username) if username else {}
            known = known_values(base, headers)
            print(f"== Schemathesis as {caller}; real objects: {json.dumps(known)} ==", flush=True)
            config = config_file(data / f"{caller}.toml", known)
            command = [str(BIN / "st"), "--config-file", str(config), "run"]
            command += [f"{base}/api/openapi.json", "--checks", CHECKS]
            command += ["--max-examples", str(args.max_examples), "--seed", str(args.seed)]
            # One worker: Python 3.11 is not safe parsing code (hypothesis) in threads at once.
            command += ["--workers", "1", "--no-shrink", "--generation-database", "none"]
            command += ["--request-timeout", "30", "--no-color", "--exclude-deprecated"]
            if args.include:
                command += ["--include-path-regex", args.include]
            for name, value in headers.items():
                command += ["-H", f"{name}: {value}"]
            if subprocess.run(command, env=env, cwd=data, check=False).returncode != 0:
                failed.append(caller)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    if failed:
        print(f"Schemathesis found failures as: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
