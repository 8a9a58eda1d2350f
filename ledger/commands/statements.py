"""A statement of account sent on demand, through the same pipeline as dunning notices."""

from __future__ import annotations

from typing import ClassVar, Literal

from ledger.commands.base import BusinessDate, Command, RequiredText


class SendStatement(Command):
    """Every open item as of ``as_of`` (default today), disputed amounts marked, and any
    unapplied credit. ``customer_request``: the customer asked for it, the one case in which
    a statement goes to an account under cease-communication, with an agency or referred to
    legal (docs/domain.md, *Statements on demand*); ``reason`` says how they asked."""

    dated_by: ClassVar[str | None] = "as_of"

    channel: Literal["email", "letter"] = "email"
    as_of: BusinessDate | None = None
    reason: RequiredText
    customer_request: bool = False
