"""What became of a notice the dunning run issued: the delivery step (e-mail) or an external
mailer (letters, `POST /accounts/{account}/notices/{notice_id}/deliveries`) records it, once."""

from __future__ import annotations

from typing import Literal

from ledger.commands.base import Command, Identifier, Text

NoticeChannel = Literal["email", "letter"]
"""The channels whose notices are delivered and tracked (a ``call_task`` notice is an agent's
call, not a message)."""


class RecordNoticeDelivery(Command):
    """``reason`` says why a failed delivery failed (never the address or the text);
    ``channel`` must be the notice's own."""

    notice_id: Identifier
    channel: NoticeChannel = "email"
    outcome: Literal["delivered", "failed"]
    reason: Text = ""
