"""Notices as the activity read model keeps them (``rm_notices``, one row per notice, and
``rm_notice_amounts``, what it lists per currency): what went to whom, when, on which
channel, and what became of it (``sent``, then ``delivered`` or ``failed``).

In the activity projection rather than one of their own: a new projection would change
the Kafka workers' projection set and have them re-apply the whole topic into existing
tables (docs/read-models.md, *The account view*), and no released store holds a notice
that the new tables would miss. No personal data: the row names the account, never the
contact, its address or the rendered text.

A notice's listed amount per currency is the sum of its invoices' undisputed amounts, in
minor units: at most what the account owes in that currency, which the open items keep in
the same integer type, so it fits wherever they do (and an account it would not fit is
quarantined there first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    func,
    select,
)

from ledger.projections.amounts import from_minor, to_minor
from ledger.projections.batch_writer import BatchWriter
from ledger.projections.projection import Tables, index

SENT, DELIVERED, FAILED = "sent", "delivered", "failed"
STATUSES = (SENT, DELIVERED, FAILED)
EMAIL = "email"


def notice_tables(metadata: MetaData, suffix: str, token: str) -> Tables:
    notices = Table(
        "rm_notices" + suffix, metadata,
        Column("account_id", String(36), primary_key=True),
        Column("notice_id", String(64), primary_key=True),
        Column("position", BigInteger, nullable=False),
        Column("sent_on", Date, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("level", String(32), nullable=False),
        Column("channel", String(16), nullable=False),
        Column("template", String(64), nullable=False),
        Column("segment", String(64), nullable=False),
        Column("policy_version", Integer, nullable=False),
        Column("invoices", Integer, nullable=False),
        Column("status", String(16), nullable=False),
        Column("reason", String(2000)),
        Column("outcome_at", DateTime(timezone=True)),
        index("rm_notices" + suffix, token, "position", unique=True),
        index("rm_notices" + suffix, token, "status", "channel"),
        index("rm_notices" + suffix, token, "sent_on"),
    )
    amounts = Table(
        "rm_notice_amounts" + suffix, metadata,
        Column("account_id", String(36), primary_key=True),
        Column("notice_id", String(64), primary_key=True),
        Column("currency", String(3), primary_key=True),
        Column("amount_minor", BigInteger, nullable=False),
    )
    return Tables(notices=notices, notice_amounts=amounts)


class NoticeHandlers:
    """The activity projection's handlers of notice events (``self.t``, ``self.w``: its
    tables and batch writer)."""

    t: Tables
    w: BatchWriter

    def on_NoticeSent(self, account: str, e: Any, position: int) -> None:  # noqa: N802
        self.w.insert(
            self.t["notices"], account_id=account, notice_id=e.notice_id, position=position,
            sent_on=e.effective_on, recorded_at=e.timestamp, level=e.level, channel=e.channel,
            template=e.template, segment=e.segment, policy_version=e.policy_version,
            invoices=len(e.invoices), status=SENT, reason=None, outcome_at=None,
        )
        listed: dict[str, Decimal] = defaultdict(Decimal)
        for line in e.invoices:
            listed[str(line["currency"])] += Decimal(str(line["amount"]))
        for currency, amount in sorted(listed.items()):
            self.w.insert(self.t["notice_amounts"], account_id=account, notice_id=e.notice_id,
                          currency=currency, amount_minor=to_minor(amount, currency))

    def on_NoticeDelivered(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.update(self.t["notices"], {"account_id": account, "notice_id": e.notice_id},
                      status=DELIVERED, outcome_at=e.timestamp)

    def on_NoticeFailed(self, account: str, e: Any, _: int) -> None:  # noqa: N802
        self.w.update(self.t["notices"], {"account_id": account, "notice_id": e.notice_id},
                      status=FAILED, reason=e.reason, outcome_at=e.timestamp)


@dataclass(frozen=True)
class NoticeRow:
    account: str
    notice_id: str
    position: int
    sent_on: date
    recorded_at: datetime
    level: str
    channel: str
    template: str
    segment: str
    policy_version: int
    invoices: int
    status: str
    reason: str | None
    outcome_at: datetime | None
    amounts: dict[str, Decimal] = field(default_factory=dict)
    """What the notice lists per currency (undisputed amounts)."""


@dataclass(frozen=True)
class NoticeFilter:
    """Each filter given narrows the answer; ``before``: positions below it (the cursor of
    a page, newest first)."""

    status: str | None = None
    channel: str | None = None
    number: str | None = None
    agent: str | None = None
    numbers: Collection[str] | None = None
    start: date | None = None
    end: date | None = None
    before: int | None = None


def notices(session: Any, activity: Tables, open_items: Tables, where: NoticeFilter,
            limit: int | None = None, newest_first: bool = True) -> list[NoticeRow]:
    """Notices by when they were recorded (newest first unless told otherwise), with what
    each lists per currency."""
    n, a = activity["notices"], open_items["accounts"]
    columns = [c for c in n.c if c.name != "account_id"]
    query = (select(a.c.number.label("account"), *columns)
             .join(a, a.c.account_id == n.c.account_id)
             .order_by(n.c.position.desc() if newest_first else n.c.position))
    for column, value in ((n.c.status, where.status), (n.c.channel, where.channel),
                          (a.c.number, where.number), (a.c.agent_id, where.agent)):
        if value is not None:
            query = query.where(column == value)
    if where.numbers is not None:
        query = query.where(a.c.number.in_(list(where.numbers)))
    if where.start is not None:
        query = query.where(n.c.sent_on >= where.start)
    if where.end is not None:
        query = query.where(n.c.sent_on <= where.end)
    if where.before is not None:
        query = query.where(n.c.position < where.before)
    if limit is not None:
        query = query.limit(limit)
    rows = [r._mapping for r in session.execute(query)]
    listed = _amounts(session, activity, {r["position"] for r in rows})
    return [NoticeRow(**r, amounts=listed.get(r["position"], {})) for r in rows]


def _amounts(session: Any, activity: Tables, positions: set[int]
             ) -> dict[int, dict[str, Decimal]]:
    if not positions:
        return {}
    n, m = activity["notices"], activity["notice_amounts"]
    query = (select(n.c.position, m.c.currency, m.c.amount_minor)
             .join(m, (m.c.account_id == n.c.account_id) & (m.c.notice_id == n.c.notice_id))
             .where(n.c.position.in_(sorted(positions))).order_by(m.c.currency))
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for r in session.execute(query):
        found[r.position][r.currency] = from_minor(r.amount_minor, r.currency)
    return found


def notice_counts(session: Any, activity: Tables) -> dict[tuple[str, str], int]:
    """(channel, status) -> how many notices."""
    n = activity["notices"]
    query = select(n.c.channel, n.c.status, func.count()).group_by(n.c.channel, n.c.status)
    return {(r[0], r[1]): int(r[2]) for r in session.execute(query)}


def pending_emails(session: Any, activity: Tables, open_items: Tables, after: int = 0,
                   limit: int = 500) -> list[tuple[int, str, str]]:
    """(position, account number, notice id) of e-mail notices still ``sent`` here, oldest
    first, after position ``after``: what the delivery looks at (by the status index),
    before asking each account's aggregate, the truth, whether it is still to deliver."""
    n, a = activity["notices"], open_items["accounts"]
    query = (select(n.c.position, a.c.number, n.c.notice_id)
             .join(a, a.c.account_id == n.c.account_id)
             .where(n.c.status == SENT, n.c.channel == EMAIL, n.c.position > after)
             .order_by(n.c.position).limit(limit))
    return [(int(r.position), str(r.number), str(r.notice_id)) for r in session.execute(query)]
