"""`colledger relay` that SIGKILLs itself at the worst moment, for test_relay_crash.

``python -m tests.integration.relay_killed_after_ack POSITION <colledger arguments>`` runs
the real command, except that the first batch starting at or after ``POSITION`` is
killed between the broker's acknowledgement of every send and the commit of the new
position: the one moment a crash must cost a re-send and nothing else. Killing a process
from outside at a random time hits that moment only by luck.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from colledger.main import main
from ledger.projections import tracking


def killed_before_advancing_from(position: int) -> None:
    advance = tracking.advance

    def advance_unless_due(session: Any, projection: str, expected: int, new: int) -> None:
        if expected >= position:
            os.kill(os.getpid(), signal.SIGKILL)
        advance(session, projection, expected, new)

    tracking.advance = advance_unless_due


if __name__ == "__main__":
    killed_before_advancing_from(int(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
