"""A small HTTP/1.1 keep-alive load generator (asyncio), measuring per-request latency."""

from __future__ import annotations

import asyncio
import socket
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

# Builds the n-th request (the full HTTP/1.1 bytes) for a host:port.
RequestBuilder = Callable[[int], bytes]


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    p95_ms: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def get_builder(host: str, port: int, paths: list[str], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())

    def build(n: int) -> bytes:
        return (
            f"GET {paths[n % len(paths)]} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n"
            f"{extra}Connection: keep-alive\r\n\r\n"
        ).encode()

    return build


def post_builder(  # type: ignore[no-untyped-def]
    host: str,
    port: int,
    path_for: Callable[[int], str],
    body_for: Callable[[int], tuple[str, bytes]],
    headers: dict[str, str],
):
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())

    def build(n: int) -> bytes:
        content_type, body = body_for(n)
        head = (
            f"POST {path_for(n)} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n\r\n"
        )
        return head.encode() + body

    return build


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    keep_alive = headers.get("connection", "keep-alive").lower() != "close"
    return status, keep_alive


class _Counter:
    def __init__(self, start: int) -> None:
        self.value = start

    def next(self) -> int:
        self.value += 1
        return self.value - 1


async def _client(
    host: str,
    port: int,
    build: RequestBuilder,
    counter: _Counter,
    deadline: float,
    record: list[float],
    limit: int | None,
) -> int:
    errors = 0
    reader, writer = await asyncio.open_connection(host, port)
    while time.perf_counter() < deadline:
        n = counter.next()
        if limit is not None and n >= limit:
            break
        started = time.perf_counter()
        writer.write(build(n))
        await writer.drain()
        status, keep_alive = await _read_response(reader)
        record.append(time.perf_counter() - started)
        if not 200 <= status < 300:  # 201 Created is a success
            errors += 1
        if not keep_alive:
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
    writer.close()
    return errors


async def _run(
    host: str,
    port: int,
    build: RequestBuilder,
    concurrency: int,
    seconds: float,
    counter: _Counter,
    limit: int | None = None,
) -> tuple[list[float], int, float]:
    record: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds
    errors = await asyncio.gather(
        *(_client(host, port, build, counter, deadline, record, limit) for _ in range(concurrency))
    )
    return record, sum(errors), time.perf_counter() - started


def measure(
    name: str,
    host: str,
    port: int,
    build: RequestBuilder,
    *,
    concurrency: int,
    seconds: float,
    warmup_requests: int = 0,
    warmup_seconds: float = 1.5,
    limit: int | None = None,
) -> Result:
    """Warm up (every distinct request once when asked, then a short burst), then measure.
    With `limit`, request numbers are never reused (each submit needs its own draft)."""
    counter = _Counter(0)
    if warmup_requests:
        asyncio.run(_run(host, port, build, 1, 3600, counter, warmup_requests))
    asyncio.run(_run(host, port, build, concurrency, warmup_seconds, counter, limit))
    if limit is None:
        counter = _Counter(0)
    latencies, errors, elapsed = asyncio.run(
        _run(host, port, build, concurrency, seconds, counter, limit)
    )
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else 0.0
    return Result(
        name=name,
        requests=len(latencies),
        errors=errors,
        seconds=elapsed,
        p50_ms=statistics.median(ordered) * 1000 if ordered else 0.0,
        p99_ms=p99 * 1000,
        p95_ms=p95 * 1000,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
