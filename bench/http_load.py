"""Concurrent clients over loopback: latency of every request, bounded in count and time.

Each of ``clients`` threads has its own ``httpx.Client`` (its own connection) and takes
the next request from one shared list until the list or the time runs out, so the
clients ask different questions at once. The first ``clients`` requests are a warm-up
(connections, the server's first planning of each statement) and are not counted.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

Call = Callable[[Any], None]  # does one request with the client (or connection) it is given


@dataclass
class Load:
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0

    @property
    def p99(self) -> float:
        return percentile(self.seconds, 99)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else math.nan

    def summary(self) -> str:
        return f"p99 {self.p99 * 1000:,.0f} ms, median {self.median * 1000:,.0f} ms"


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest rank: with fewer than 100 samples, p99 is the slowest."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def http_get(path: str) -> Call:
    def call(client: httpx.Client) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:300]}")

    return call


def run(calls: Sequence[Call], opener: Callable[[], Any], clients: int = 8,
        budget_seconds: float = 120.0) -> Load:
    """``calls`` spread over ``clients`` threads, each with its own ``opener()`` (closed
    afterwards), after one warm-up call each."""
    load = Load()
    lock = threading.Lock()
    queue = list(reversed(calls))
    warmups = [queue.pop() for _ in range(min(clients, len(queue)))]
    deadline = time.monotonic() + budget_seconds

    def client(warmup: Call | None) -> None:
        handle = opener()
        try:
            if warmup is not None:
                _timed(warmup, handle, load, lock, counted=False)
            while time.monotonic() < deadline:
                with lock:
                    if not queue:
                        return
                    call = queue.pop()
                _timed(call, handle, load, lock, counted=True)
        finally:
            handle.close()

    threads = [threading.Thread(target=client, args=(warmups[n] if n < len(warmups) else None,))
               for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.wall = time.perf_counter() - started
    return load


def _timed(call: Call, handle: Any, load: Load, lock: threading.Lock, counted: bool) -> None:
    started = time.perf_counter()
    try:
        call(handle)
    except Exception as error:  # noqa: BLE001 - a failed request is reported, not fatal
        with lock:
            load.failures.append(str(error))
        return
    elapsed = time.perf_counter() - started
    if counted:
        with lock:
            load.seconds.append(elapsed)


def http_clients(base_url: str, headers: dict[str, str]) -> Callable[[], httpx.Client]:
    return lambda: httpx.Client(base_url=base_url, headers=headers, timeout=120)
