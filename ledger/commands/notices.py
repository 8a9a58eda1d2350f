"""What became of a notice the dunning run issued: the delivery step records it, once."""

from __future__ import annotations

from typing import Literal

from ledger.commands.base import Command, Identifier, Text


class RecordNoticeDelivery(Command):
    """``reason`` says why a failed delivery failed (never the address or the text)."""

    notice_id: Identifier
    channel: Literal["email"] = "email"
    outcome: Literal["delivered", "failed"]
    reason: Text = ""
