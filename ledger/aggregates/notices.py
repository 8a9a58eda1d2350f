"""Notices after they are issued: delivered or failed, once each.

`NoticeSent` (the dunning run's) marks an e-mail or letter notice ``issued`` and books its
channel; the SMTP delivery step records what became of e-mails, an external mailer what
became of letters, as `NoticeDelivered` or `NoticeFailed`. Neither carries clear personal
data: no address and no rendered text, only the notice id, the channel and a reason. A
failure raises a ``notice-failed`` task for the account's agent, unless the contact was
erased (nothing an agent could do about it; docs/domain.md, *Notices*).
"""

from __future__ import annotations

from typing import Any

from ledger.aggregates.base import AccountState
from ledger.aggregates.envelope import CommandContext, LedgerEvent
from ledger.aggregates.errors import AccountStandingConflict, NoticeChannelMismatch, NoticeNotFound
from ledger.aggregates.tasks import NOTICE_FAILED, TaskCommands
from ledger.commands.notices import RecordNoticeDelivery

CONTACT_ERASED = "contact erased"
TRACKED_CHANNELS = ("email", "letter")


def notice_book(account: Any) -> dict[str, str]:
    """Notice id -> ``issued``, ``delivered`` or ``failed``; an account snapshotted before
    notices were tracked has none yet."""
    notices: dict[str, str] = account.__dict__.setdefault("notices", {})
    return notices


def notice_channels(account: Any) -> dict[str, str]:
    """Notice id -> its channel, for the notices in `notice_book`; a notice booked before
    channels were (only e-mails were then) has none and is an e-mail."""
    channels: dict[str, str] = account.__dict__.setdefault("notice_channels", {})
    return channels


def sent_notice_ids(account: Any) -> dict[str, str]:
    """Every notice id the account has used, whatever its channel, with that channel (a
    dict, not a set: snapshots hold JSON)."""
    sent: dict[str, str] = account.__dict__.setdefault("sent_notice_ids", {})
    return sent


def unused_notice_id(account: Any, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... when a notice of the account already has it:
    a second dunning run on one day (new facts since the first) sends a notice of its own,
    and a notice is known by its id everywhere (its delivery, the read models, a mailer)."""
    taken = sent_notice_ids(account)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def book_issued(account: Any, notice_id: str, channel: str) -> None:
    """`NoticeSent`'s bookkeeping: every id is kept; e-mails and letters are tracked
    (issued, then delivered or failed), a call task is not."""
    sent_notice_ids(account)[notice_id] = channel
    if channel in TRACKED_CHANNELS:
        notice_book(account)[notice_id] = "issued"
        notice_channels(account)[notice_id] = channel


def channel_of(account: Any, notice_id: str) -> str:
    return notice_channels(account).get(notice_id, "email")


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
    def notices_to_deliver(self, channel: str | None = "email") -> list[str]:
        """The notices still ``issued`` on ``channel`` (None: on any channel); by default
        the e-mails, the SMTP delivery step's share (letters are an external mailer's)."""
        return [n for n, status in notice_book(self).items()
                if status == "issued" and channel in (None, channel_of(self, n))]

    def record_notice_delivery(self, ctx: CommandContext, cmd: RecordNoticeDelivery) -> None:
        status = notice_book(self).get(cmd.notice_id)
        if status is None:
            raise NoticeNotFound(f"no e-mail or letter notice {cmd.notice_id!r} on {self.number}")
        channel = channel_of(self, cmd.notice_id)
        if channel != cmd.channel:
            raise NoticeChannelMismatch(
                f"notice {cmd.notice_id!r} is a {channel} notice, not a {cmd.channel}")
        if status != "issued":
            raise AccountStandingConflict(f"notice {cmd.notice_id!r} is already {status}")
        if cmd.outcome == "delivered":
            self._record(NoticeDelivered, ctx, cmd)
            return
        self._record(NoticeFailed, ctx, cmd)
        if cmd.reason != CONTACT_ERASED:
            self.raise_task(ctx, NOTICE_FAILED, cmd.notice_id, "follow_up", ctx.effective_on)
