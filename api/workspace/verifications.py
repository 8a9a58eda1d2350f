"""The last verification of the whole ledger run from the workspace, kept by the server.

A verification reads every stored event (``verify_ledger``, as ``GET /audit/verify`` and
``colledger verify`` do) and records nothing: the ledger has no event for "someone
checked". So the audit page keeps the last run in this server's memory, with when and
by whom, and says so; what outlasts a restart is a checkpoint, which is only recorded
after a verification that passed (``POST /audit/checkpoints``, ``colledger checkpoint``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import FastAPI

from api.keys import Caller
from ledger.application import LedgerApplication
from ledger.audit.report import VerificationReport
from ledger.audit.verification import verify_ledger


@dataclass(frozen=True)
class VerificationRun:
    report: VerificationReport
    finished_at: datetime
    by: str
    """Who asked: ``actor (role)``."""


class LastVerification:
    def __init__(self) -> None:
        self._run: VerificationRun | None = None
        self._lock = threading.Lock()

    @property
    def run(self) -> VerificationRun | None:
        return self._run

    def verify(self, app: LedgerApplication, caller: Caller,
               clock: Callable[[], datetime]) -> VerificationRun:
        """Verify every account's chain now and keep the result as the last run."""
        report = verify_ledger(app)
        run = VerificationRun(report, clock(), f"{caller.actor_id} ({caller.role})")
        with self._lock:
            self._run = run
        return run


_LOCK = threading.Lock()


def last_verification(app: FastAPI) -> LastVerification:
    """The app's keeper of its last verification, made on first use."""
    with _LOCK:
        kept: LastVerification | None = getattr(app.state, "last_verification", None)
        if kept is None:
            kept = app.state.last_verification = LastVerification()
        return kept
