"""What the servers the test tooling starts on loopback have in common.

PostgreSQL and the Tansu broker are both child processes on 127.0.0.1 with a log file,
used as context managers, and runnable in the foreground for a developer. Only how
each one starts, becomes ready and stops differs.
"""

from __future__ import annotations

import signal
import socket
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType
from typing import Self

HOST = "127.0.0.1"
LOG_TAIL_LINES = 40


class LoopbackServer(ABC):
    @property
    @abstractmethod
    def log_path(self) -> Path: ...

    @property
    @abstractmethod
    def is_running(self) -> bool: ...

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The end of the log, labelled, for error messages."""
        tail = self._log_text().splitlines()[-lines:]
        if not tail:
            return "(the log is empty)"
        return f"last {len(tail)} lines of {self.log_path}:\n" + "\n".join(tail)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except (OSError, RuntimeError):  # RuntimeError: not started, so no log yet
            return ""


def free_port() -> int:
    """Ask the kernel for a currently unused port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def speaker(label: str) -> Callable[[str], None]:
    """Progress lines on stderr, labelled by server, so test output says who said what."""

    def say(message: str) -> None:
        print(f"[{label}] {message}", file=sys.stderr, flush=True)

    return say


def run_in_foreground(
    server: LoopbackServer, address: Callable[[], str], say: Callable[[str], None]
) -> int:
    """Start ``server``, print its address on stdout, and keep it until Ctrl-C or SIGTERM."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)  # so `kill` also cleans up
    try:
        with server:
            print(address(), flush=True)
            say(f"log: {server.log_path}; press Ctrl-C to stop")
            while server.is_running:
                time.sleep(1)
            say(f"exited unexpectedly\n{server.log_tail()}")
            return 1
    except KeyboardInterrupt:
        return 0
