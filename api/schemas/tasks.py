"""What the task reads return: tasks with whether each is overdue on the day asked about."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account: str
    task_id: str
    kind: str = Field(description="callback, follow_up or review")
    owner: str | None = Field(description="who does it; null: not yet anyone's")
    due_date: date
    due_time: str | None = Field(description="HH:MM in the account's timezone, if set")
    rule: str | None = Field(description="the rule that created it (promise-due-tomorrow, "
                             "promise-broken, instalment-missed); null: a person did")
    status: str = Field(description="open, completed or cancelled")
    created_on: date
    created_by: str
    closed_on: date | None
    overdue: bool = Field(description="open and due before the day asked about")


class TasksPublic(BaseModel):
    """Tasks, earliest due first, as of ``on``."""

    on: date
    items: list[TaskPublic]
