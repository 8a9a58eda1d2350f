"""Commands on an account's tasks: a callback, follow-up or review someone owns and does
by a day (and, for a callback, perhaps a time), then completes or cancels with a note."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ledger.commands.base import BusinessDate, Command, Identifier, Personal, Text

TaskKind = Literal["callback", "follow_up", "review"]
TimeOfDay = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                                 examples=["14:30"])]
"""A time of day in the account's timezone, ``HH:MM``."""


class CreateTask(Command):
    """``owner`` defaults to whoever creates the task."""

    task_id: Identifier
    kind: TaskKind
    due_date: BusinessDate
    due_time: TimeOfDay | None = None
    owner: Identifier | None = None
    note: Annotated[Text, Personal("TaskCreated.note")] = ""


class ReassignTask(Command):
    task_id: Identifier
    owner: Identifier
    note: Annotated[Text, Personal("TaskReassigned.note")] = ""


class CompleteTask(Command):
    task_id: Identifier
    note: Annotated[Text, Personal("TaskCompleted.note")] = ""


class CancelTask(Command):
    task_id: Identifier
    note: Annotated[Text, Personal("TaskCancelled.note")] = ""
