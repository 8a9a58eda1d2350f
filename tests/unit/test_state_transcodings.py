"""Every state class an account holds can be written into a snapshot.

A class missing from `STATE_CLASSES` is found only when an account holding one is first
snapshotted, and then every command on that account fails (a task did exactly that).
"""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date

from ledger.aggregates import state
from ledger.transcodings import STATE_CLASSES, stored_event_mapper


def test_every_dataclass_of_the_account_state_has_a_transcoding() -> None:
    defined = {cls for _, cls in inspect.getmembers(state, inspect.isclass)
               if dataclasses.is_dataclass(cls) and cls.__module__ == state.__name__}
    assert defined - set(STATE_CLASSES.values()) == set()


def test_a_task_survives_the_transcoder() -> None:
    transcoder = stored_event_mapper().transcoder
    task = state.Task("TSK-1", "callback", "agent-1", date(2026, 1, 2), "09:30",
                      date(2026, 1, 1), rule="promise-due")
    assert transcoder.decode(transcoder.encode({"tasks": {"TSK-1": task}})) == {
        "tasks": {"TSK-1": task}}
