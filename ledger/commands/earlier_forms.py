"""The form an earlier release logged a command in, so that its repeats stay repeats.

The command log recognises a repeat by the digest of the command's content. Before a
payment could ask the account to fit its allocation (``RecordPayment.fit_allocations``),
the remittance import and the bank feed fitted it themselves and sent the fitted
amount, so the log holds the digest of that form. A row or message imported then and
sent again now comes in the new form: it is the same command if the explicit
allocation its first run recorded, read back from the account's events, gives the
digest the log holds. Only a digest that differs is looked into, so this costs nothing
on the way of a new command or of an ordinary repeat.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import StoredEvent
from sqlalchemy import select

from ledger.aggregates import account_id_for
from ledger.aggregates.payments import PaymentAllocated
from ledger.application import LedgerApplication
from ledger.commands.base import Command
from ledger.commands.command_log import digest_of
from ledger.commands.receivables import AllocationLine, RecordPayment

ALLOCATED = ":PaymentAllocated"


def earlier_digest(app: LedgerApplication, session: Any, command: Command) -> str | None:
    """The digest ``command`` was logged under before ``fit_allocations``, if it has one."""
    if not isinstance(command, RecordPayment) or not command.fit_allocations:
        return None
    record = app.events_record
    rows = session.execute(
        select(record.originator_id, record.originator_version, record.topic, record.state)
        .where(record.originator_id == account_id_for(command.account),
               record.topic.endswith(ALLOCATED))
        .order_by(record.originator_version)
    )
    for row in rows:
        event = app.mapper.to_domain_event(StoredEvent(
            originator_id=row.originator_id, originator_version=row.originator_version,
            topic=row.topic, state=bytes(row.state)))
        if (isinstance(event, PaymentAllocated) and event.command_id == command.command_id
                and not event.automatic):
            lines = tuple(AllocationLine(invoice_id=a.invoice_id, amount=a.amount)
                          for a in event.allocations)
            return digest_of(command.model_copy(
                update={"allocations": lines, "fit_allocations": False}))
    return None
