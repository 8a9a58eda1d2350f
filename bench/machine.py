"""What a run ran on: figures mean little without the machine beside them."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from sqlalchemy import create_engine, text

SERVER_SETTINGS = ("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers")


def describe(database_url: str | None = None) -> dict[str, str]:
    facts = {
        "cores": str(os.cpu_count()),
        "memory": f"{_memory_gib():.0f} GiB",
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "load average at start": load_average(),
        "niceness of this run": str(os.nice(0)),
    }
    if database_url:
        facts.update(_postgres(database_url))
    return facts


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _postgres(url: str) -> dict[str, str]:
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            version = db.execute(text("SHOW server_version")).scalar_one()
            settings = {name: db.execute(text(f"SHOW {name}")).scalar_one()
                        for name in SERVER_SETTINGS}
    finally:
        engine.dispose()
    shown = ", ".join(f"{k}={v}" for k, v in settings.items())
    return {"postgresql": f"{version} on loopback, durability off ({shown})"}
