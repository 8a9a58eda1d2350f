"""Notices after they are issued: delivered or failed, once each.

`NoticeSent` (the dunning run's) marks a notice ``issued``; the delivery step records
`NoticeDelivered` or `NoticeFailed`. Neither carries clear personal data: no address and
no rendered text, only the notice id, the channel and a reason. A failure raises a
``notice-failed`` task for the account's agent, unless the contact was erased (nothing an
agent could do about it; docs/domain.md, *Notices*).
"""

from __future__ import annotations

from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import AccountStandingConflict, InvalidCommand
from ledger.aggregates.tasks import NOTICE_FAILED, TaskCommands
from ledger.commands.notices import RecordNoticeDelivery

CONTACT_ERASED = "contact erased"


def notice_book(account: Any) -> dict[str, str]:
    """Notice id -> ``issued``, ``delivered`` or ``failed``; an account snapshotted before
    notices were tracked has none yet."""
    notices: dict[str, str] = account.__dict__.setdefault("notices", {})
    return notices


class NoticeDelivered(LedgerEvent):
    notice_id: str
    channel: str

    def apply(self, account: Any) -> None:
        notice_book(account)[self.notice_id] = "delivered"


class NoticeFailed(LedgerEvent):
    notice_id: str
    channel: str
    reason: str

    def apply(self, account: Any) -> None:
        notice_book(account)[self.notice_id] = "failed"


class NoticeCommands(TaskCommands, AccountState):
    def notices_to_deliver(self) -> list[str]:
        return [n for n, status in notice_book(self).items() if status == "issued"]

    def record_notice_delivery(self, ctx: CommandContext, cmd: RecordNoticeDelivery) -> None:
        status = notice_book(self).get(cmd.notice_id)
        if status is None:
            raise InvalidCommand(f"no notice {cmd.notice_id!r} on {self.number}")
        if status != "issued":
            raise AccountStandingConflict(f"notice {cmd.notice_id!r} is already {status}")
        if cmd.outcome == "delivered":
            self._record(NoticeDelivered, ctx, cmd)
            return
        self._record(NoticeFailed, ctx, cmd)
        if cmd.reason != CONTACT_ERASED:
            self.raise_task(ctx, NOTICE_FAILED, cmd.notice_id, "follow_up", ctx.effective_on)
