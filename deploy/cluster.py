"""`make cluster`: the platform as a city runs it, on this one machine and without containers.

    PostgreSQL 15 (a private cluster, Debian's binaries)   127.0.0.1:$CLUSTER_PG_PORT (55432)
    Redis (Debian's redis-server)                          127.0.0.1:$CLUSTER_REDIS_PORT (56379)
    nginx in front, spreading requests over               http://127.0.0.1:$CLUSTER_PORT/ (8800)
      two gunicorn app servers (2 processes × 4 threads)  127.0.0.1:8801 and :8802
    two background workers, the audit sequencer and the 5-minute sweep

Everything lives under `var/cluster/` (data, logs, pid files); `make cluster-stop` stops it
and keeps the data, `python deploy/cluster.py destroy` removes it. The first start migrates,
protects the audit tables and seeds the demo city. Each app process runs under a small
restart loop in its own session, as systemd's `Restart=always` would (`deploy/systemd/`):
kill -9 any of them and it comes back; kill the loop's session and it stays down.

Needs: Debian's postgresql-15, redis-server and nginx (`apt install postgresql redis-server
nginx`). As root, PostgreSQL runs as the `postgres` user (initdb refuses root).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / "var" / "cluster"
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("CLUSTER_PORT", "8800"))
APP_PORTS = (PORT + 1, PORT + 2)
PG_PORT = int(os.environ.get("CLUSTER_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("CLUSTER_REDIS_PORT", "56379"))
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
IS_ROOT = os.geteuid() == 0

DATABASE_URL = f"postgres://tongban@127.0.0.1:{PG_PORT}/tongban"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"


def app_env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "TONGBAN_REDIS_URL": REDIS_URL,
        "TONGBAN_DATA_DIR": str(HOME / "data"),
        "TONGBAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TONGBAN_LOG_LEVEL": os.environ.get("TONGBAN_LOG_LEVEL", "WARNING"),
    }


# --- PostgreSQL --------------------------------------------------------------------------------


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if IS_ROOT else args


def pg_start() -> None:
    if PG_BIN is None:
        sys.exit("需要 PostgreSQL（apt install postgresql） / PostgreSQL's binaries are missing")
    data = HOME / "pg"
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        if IS_ROOT:
            shutil.chown(data, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(data), "-U", "tongban", "-A", "trust"]
                + ["-E", "UTF8", "--no-locale"]
            ),
            check=True,
            capture_output=True,
        )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {PG_PORT} -k {data} -c max_connections=200"
        " -c shared_buffers=256MB"
    )
    subprocess.run(
        _as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options]
            + ["-l", str(data / "server.log"), "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )
    probe = [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "tongban"]
    exists = subprocess.run(
        [*probe, "-d", "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname='tongban'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run([*probe, "-d", "postgres", "-c", "CREATE DATABASE tongban"], check=True)


def pg_stop() -> None:
    data = HOME / "pg"
    if PG_BIN and (data / "postmaster.pid").exists():
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            capture_output=True,
        )


# --- Redis and nginx ---------------------------------------------------------------------------


def redis_start() -> None:
    folder = HOME / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--daemonize",
            "yes",
            "--pidfile",
            str(folder / "redis.pid"),
            "--logfile",
            str(folder / "redis.log"),
            "--save",
            "",
        ],
        check=True,
    )


def redis_stop() -> None:
    _kill_pidfile(HOME / "redis" / "redis.pid", group=False)


NGINX_CONF = """\
worker_processes 1;
pid {home}/nginx/nginx.pid;
error_log {home}/logs/nginx-error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log {home}/logs/nginx-access.log;
    client_body_temp_path {home}/nginx/body;
    proxy_temp_path {home}/nginx/proxy;
    fastcgi_temp_path {home}/nginx/fastcgi;
    uwsgi_temp_path {home}/nginx/uwsgi;
    scgi_temp_path {home}/nginx/scgi;
    client_max_body_size 30m;
    upstream tongban {{
        {servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://tongban;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # An app server that is down (killed, restarting) is skipped, not shown.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
        # The hall boards' event stream: no buffering.
        location /hall/board/events {{
            proxy_pass http://tongban;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host:$server_port;
            proxy_buffering off;
            proxy_read_timeout 3600s;
        }}
    }}
}}
"""


def nginx_start() -> None:
    folder = HOME / "nginx"
    folder.mkdir(parents=True, exist_ok=True)
    servers = "\n        ".join(
        f"server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in APP_PORTS
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            home=HOME, servers=servers, port=PORT, user="user nobody nogroup;" if IS_ROOT else ""
        ),
        encoding="utf-8",
    )
    subprocess.run(
        ["nginx", "-p", str(folder), "-c", str(conf), "-e", str(HOME / "logs" / "nginx-error.log")],
        check=True,
    )


def nginx_stop() -> None:
    _kill_pidfile(HOME / "nginx" / "nginx.pid", group=False)


# --- the app's processes -----------------------------------------------------------------------


def services() -> dict[str, list[str]]:
    tongban = str(BIN / "tongban")
    gunicorn = [str(BIN / "gunicorn"), "tongban.wsgi", "--workers", "2", "--threads", "4"]
    found = {
        f"app{n}": [
            *gunicorn,
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "10",
            # each app server its own control socket (gunicorn's default is one per user)
            "--control-socket",
            str(HOME / "run" / f"app{n}.ctl"),
        ]
        for n, port in enumerate(APP_PORTS, 1)
    }
    found |= {f"worker{n}": [tongban, "worker", "--interval", "1"] for n in (1, 2)}
    found["sequencer"] = [tongban, "audit", "sequence"]
    found["sweep"] = ["sh", "-c", f"{tongban} sweep >/dev/null; sleep 300"]
    return found


def _loop(name: str, command: list[str]) -> None:
    """Start `command` under a restart loop in its own session; its pid file is the loop's."""
    log = open(HOME / "logs" / f"{name}.log", "ab")  # noqa: SIM115 — handed to the child
    quoted = " ".join(f"'{part}'" for part in command)
    script = f'while true; do {quoted}; echo "{name} exited ($?), restarting" >&2; sleep 1; done'
    child = subprocess.Popen(
        ["sh", "-c", script],
        env=app_env(),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (HOME / "run" / f"{name}.pid").write_text(str(child.pid))


def _kill_pidfile(path: Path, *, group: bool) -> None:
    if not path.exists():
        return
    try:
        pid = int(path.read_text().strip())
        if group:
            os.killpg(pid, signal.SIGTERM)
        else:
            os.kill(pid, signal.SIGTERM)
    except (ValueError, ProcessLookupError, PermissionError):
        pass
    path.unlink(missing_ok=True)


def _manage(*args: str) -> None:
    subprocess.run([str(BIN / "tongban"), *args], env=app_env(), cwd=ROOT, check=True)


def _wait_up(timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"集群未能启动，见 {HOME / 'logs'} / the cluster did not come up")


def start() -> None:
    for folder in ("logs", "run", "data"):
        (HOME / folder).mkdir(parents=True, exist_ok=True)
    if any((HOME / "run").glob("*.pid")):
        sys.exit("集群已在运行（make cluster-stop 先停止） / already running")
    pg_start()
    redis_start()
    _manage("migrate", "--no-input", "-v0")
    _manage("audit", "protect")
    if not (HOME / "seeded").exists():
        _manage("demo", "seed")
        (HOME / "seeded").write_text("demo\n")
    for name, command in services().items():
        _loop(name, command)
    nginx_start()
    _wait_up()
    print(f"通办 Tongban 集群 / cluster: http://127.0.0.1:{PORT}/")
    print(
        f"  app servers {APP_PORTS[0]}, {APP_PORTS[1]} · PostgreSQL {PG_PORT} · Redis {REDIS_PORT}"
    )
    print(f"  logs: {HOME / 'logs'} · stop: make cluster-stop")


def stop() -> None:
    nginx_stop()
    for pidfile in sorted((HOME / "run").glob("*.pid")):
        _kill_pidfile(pidfile, group=True)
    redis_stop()
    pg_stop()
    print("集群已停止 / cluster stopped")


def status() -> int:
    running = 0
    for name in services():
        pidfile = HOME / "run" / f"{name}.pid"
        alive = False
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text()), 0)
                alive = True
            except (ValueError, ProcessLookupError):
                pass
        running += alive
        print(f"  {name:<10} {'运行 / up' if alive else '停止 / down'}")
    return 0 if running == len(services()) else 1


def main() -> None:
    action = sys.argv[1] if len(sys.argv) > 1 else "start"
    if action == "start":
        start()
    elif action == "stop":
        stop()
    elif action == "status":
        sys.exit(status())
    elif action == "destroy":
        stop()
        shutil.rmtree(HOME, ignore_errors=True)
    else:
        sys.exit("用法 / usage: cluster.py start|stop|status|destroy")


if __name__ == "__main__":
    main()
