"""A small HTTP/1.1 keep-alive load generator (asyncio), measuring per-request latency."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


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


async def _client(
    host: str,
    port: int,
    paths: list[str],
    offset: int,
    deadline: float,
    record: list[float],
    extra: str = "",
) -> int:
    errors = 0
    reader, writer = await asyncio.open_connection(host, port)
    index = offset
    while time.perf_counter() < deadline:
        path = paths[index % len(paths)]
        index += 1
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n"
            f"{extra}Connection: keep-alive\r\n\r\n"
        ).encode()
        started = time.perf_counter()
        writer.write(request)
        await writer.drain()
        status, keep_alive = await _read_response(reader)
        record.append(time.perf_counter() - started)
        if status != 200:
            errors += 1
        if not keep_alive:
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
    writer.close()
    return errors


async def _run(
    host: str, port: int, paths: list[str], concurrency: int, seconds: float, extra: str = ""
) -> tuple[list[float], int, float]:
    record: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds
    errors = await asyncio.gather(
        *(_client(host, port, paths, i * 7, deadline, record, extra) for i in range(concurrency))
    )
    return record, sum(errors), time.perf_counter() - started


async def _sweep(host: str, port: int, paths: list[str]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    for path in paths:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n\r\n".encode()
        )
        await writer.drain()
        _, keep_alive = await _read_response(reader)
        if not keep_alive:
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
    writer.close()


def measure(
    name: str,
    host: str,
    port: int,
    paths: list[str],
    *,
    concurrency: int,
    seconds: float,
    warmup: float = 1.5,
    headers: dict[str, str] | None = None,
) -> Result:
    # Warm-up: every path once (a city's popular guides are always warm), then a short burst.
    asyncio.run(_sweep(host, port, paths))
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    asyncio.run(_run(host, port, paths, concurrency, warmup, extra))
    latencies, errors, elapsed = asyncio.run(_run(host, port, paths, concurrency, seconds, extra))
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
    return Result(
        name=name,
        requests=len(latencies),
        errors=errors,
        seconds=elapsed,
        p50_ms=statistics.median(ordered) * 1000 if ordered else 0.0,
        p99_ms=p99 * 1000,
    )
