"""Wrong API keys, counted per client address, so keys cannot be guessed at line speed.

After ``limit`` wrong keys from one address within a window (a minute from its first
wrong key), every request from that address that needs a key is refused until the
window ends, a valid key included: answering a valid key while throttled would tell a
guesser the moment it found one. Requests without any key do not count (they guess
nothing), nor do refused ones (the window does not grow while throttled).

The state is one window per address, kept in the order the windows opened, so expired
ones are dropped from the front whenever another opens; past ``capacity`` addresses the
oldest window goes too, so a flood of addresses costs bounded memory.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_LIMIT = 20
WINDOW_SECONDS = 60.0
DEFAULT_CAPACITY = 10_000


@dataclass
class Window:
    opened: float
    failures: int = 0


class FailedAuthentications:
    """Thread-safe: FastAPI runs the key check in its thread pool."""

    def __init__(
        self,
        limit: int = DEFAULT_LIMIT,
        window_seconds: float = WINDOW_SECONDS,
        capacity: int = DEFAULT_CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or capacity < 1:
            raise ValueError("limit and capacity must be at least 1")
        self.limit, self.window_seconds, self.capacity = limit, window_seconds, capacity
        self.clock = clock
        self.windows: OrderedDict[str, Window] = OrderedDict()
        self.lock = threading.Lock()

    def retry_after(self, address: str) -> int | None:
        """Whole seconds until ``address`` may authenticate again; None: it may now."""
        with self.lock:
            now = self.clock()
            self._forget_expired(now)
            window = self.windows.get(address)
            if window is None or window.failures < self.limit:
                return None
            return max(1, math.ceil(window.opened + self.window_seconds - now))

    def failed(self, address: str) -> None:
        """Count a wrong key from ``address``."""
        with self.lock:
            now = self.clock()
            self._forget_expired(now)
            window = self.windows.get(address)
            if window is None:
                window = self.windows[address] = Window(opened=now)
                while len(self.windows) > self.capacity:
                    self.windows.popitem(last=False)
            window.failures += 1

    def __len__(self) -> int:
        return len(self.windows)

    def _forget_expired(self, now: float) -> None:
        while self.windows:
            oldest = next(iter(self.windows.values()))
            if oldest.opened + self.window_seconds > now:
                return
            self.windows.popitem(last=False)
