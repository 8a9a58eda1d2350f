"""A statement of account sent on demand (`SendStatement`): one `NoticeSent` at level and
template ``statement``, so the e-mail and letter steps that deliver dunning notices deliver
it too.

A statement is information, not a demand: it lists every item open on its day, marking what
is under dispute (``level`` ``open``, ``disputed`` or ``partly_disputed``; ``amount`` the
undisputed part, as on a dunning notice, and ``disputed`` the rest), and the unapplied credit
per currency (``credits``). It starts no quiet period and reaches no dunning level. It is
refused (no event) when it could reach no one (the contact erased, or without an address for
the channel), when there is nothing to state (no open item, no credit), and to an account
under cease-communication, with an agency or referred to legal unless the customer asked for
it (docs/domain.md, *Statements on demand*). Its day (``as_of``, default today) is the
event's business date; the open items are those of that day as the ledger knows them now.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.aggregates.base import AccountState
from ledger.aggregates.contact_refusals import AccountPlaced, CeaseCommunicationRequested
from ledger.aggregates.dunning import NoticeSent
from ledger.aggregates.dunning_policy import STATEMENT, in_force
from ledger.aggregates.envelope import CommandContext
from ledger.aggregates.errors import RuleViolation
from ledger.aggregates.notices import notice_book
from ledger.aggregates.state import Dispute, Invoice, Payment
from ledger.commands.statements import SendStatement

OPEN, DISPUTED, PARTLY_DISPUTED = "open", "disputed", "partly_disputed"
ADDRESS_DETAIL = {"email": "email", "letter": "address"}
"""The contact detail each channel needs (the letter's street line, as `postal_address`)."""


class ContactErased(RuleViolation):
    """A statement asked for an account whose personal data is erased: it reaches no one."""


class NoAddressForChannel(RuleViolation):
    """A statement by a channel the contact has no address for (no ``email`` detail for an
    e-mail, no ``address`` for a letter)."""


class NothingToState(RuleViolation):
    """A statement of an account with no open item and no unapplied credit on its day."""


def open_items(invoices: list[Invoice], disputes: list[Dispute], day: date,
               channel: str) -> tuple[dict[str, str | int], ...]:
    """Each invoice issued by ``day`` with something outstanding on it, oldest due first, in
    the shape of a dunning notice's line (so every reader of notices reads it): ``amount``
    the undisputed part, ``disputed`` the part under open dispute on that day,
    ``days_past_due`` negative when not yet due."""
    items: list[dict[str, str | int]] = []
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.invoice_id)):
        outstanding = sum((m.amount for m in invoice.movements if m.on <= day), Decimal(0))
        if invoice.issue_date > day or outstanding <= 0:
            continue
        disputed = min(outstanding, sum(
            (d.amount for d in disputes if d.invoice_id == invoice.invoice_id
             and d.opened_on <= day and (d.resolved_on is None or d.resolved_on > day)),
            Decimal(0)))
        level = OPEN if disputed == 0 else DISPUTED if disputed == outstanding \
            else PARTLY_DISPUTED
        items.append({"invoice_id": invoice.invoice_id, "level": level,
                      "days_past_due": (day - invoice.due_date).days, "channel": channel,
                      "template": STATEMENT, "currency": invoice.currency,
                      "amount": str(outstanding - disputed), "disputed": str(disputed)})
    return tuple(items)


def unapplied_credit(payments: list[Payment], day: date) -> tuple[dict[str, str], ...]:
    """Per currency, the credit received by ``day`` and not applied to an invoice by then."""
    credit: dict[str, Decimal] = {}
    for payment in payments:
        left = sum((m.amount for m in payment.movements if m.on <= day), Decimal(0))
        credit[payment.currency] = credit.get(payment.currency, Decimal(0)) + left
    return tuple({"currency": currency, "amount": str(amount)}
                 for currency, amount in sorted(credit.items()) if amount > 0)


class StatementCommands(AccountState):
    def send_statement(self, ctx: CommandContext, cmd: SendStatement) -> None:
        self.check_statement_reaches(cmd.channel, cmd.customer_request)
        day = ctx.effective_on
        items = open_items(list(self.invoices.values()), list(self.disputes.values()), day,
                           cmd.channel)
        credits = unapplied_credit(list(self.payments.values()), day)
        if not items and not credits:
            raise NothingToState(f"{self.number} has no open item and no unapplied credit on "
                                 f"{day}: there is nothing to state")
        prefix = f"{STATEMENT}-{day:%Y%m%d}-"
        sent = sum(1 for notice_id in notice_book(self) if notice_id.startswith(prefix))
        version = in_force(ctx.policies.dunning.versions(), day).version
        self._record(NoticeSent, ctx, notice_id=f"{prefix}{sent + 1}", level=STATEMENT,
                     channel=cmd.channel, template=STATEMENT, segment=self.segment,
                     policy_version=version, invoices=items, credits=credits)

    def check_statement_reaches(self, channel: str, customer_request: bool) -> None:
        """Erasure and a missing address first: no request makes a statement arrive."""
        if self.personal_data_erased:
            raise ContactErased(
                f"the contact of {self.number} is erased: a statement could reach no one")
        if ADDRESS_DETAIL[channel] not in (self.contact or {}):
            raise NoAddressForChannel(
                f"the contact of {self.number} has no {ADDRESS_DETAIL[channel]!r} detail: "
                f"no statement can go by {channel}")
        if customer_request:
            return
        if self.cease_communication:
            raise CeaseCommunicationRequested(
                "the debtor asked us to cease communication: a statement goes only when the "
                "customer asked for it (customer_request)")
        if self.agency_id is not None or self.legal_referral:
            where = "an agency" if self.agency_id is not None else "legal"
            raise AccountPlaced(f"the account is with {where}: a statement goes only when "
                                "the customer asked for it (customer_request)")
