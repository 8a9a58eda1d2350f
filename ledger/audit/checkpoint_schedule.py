"""Periodic checkpoints, recorded by whichever process follows the log.

Called after each batch the follower applied; records a checkpoint once at least
``every`` events arrived since the last one, verifying only those (continuing from
the last checkpoint's heads), so its cost follows the new events. Never fatal: a
ledger that does not verify is logged (and not retried until ``every`` more
notifications), and a checkpoint another process recorded first simply wins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from ledger.application import LedgerApplication
from ledger.audit.recording import CheckpointRefused, checkpoint_due, record_checkpoint

log = logging.getLogger(__name__)

PERIODIC_ACTOR = "ledger:periodic-checkpoint"


class PeriodicCheckpoints:
    def __init__(
        self, app: LedgerApplication, every: int, clock: Callable[[], datetime],
    ) -> None:
        self.app = app
        self.every = every
        self.clock = clock
        self.refused_at = -every

    def __call__(self) -> None:
        if self.every <= 0 or not checkpoint_due(self.app, self.every):
            return
        head = self.app.recorder.max_notification_id() or 0
        if head - self.refused_at < self.every:
            return
        try:
            checkpoint = record_checkpoint(self.app, PERIODIC_ACTOR, self.clock, full=False)
        except CheckpointRefused as refused:
            self.refused_at = head
            log.error("%s", refused)
            return
        except Exception:  # noqa: BLE001 - e.g. another process recorded this one first
            log.warning("periodic checkpoint not recorded", exc_info=True)
            return
        log.info("checkpoint #%d at position %d: digest %s", checkpoint.sequence,
                 checkpoint.position, checkpoint.digest)
