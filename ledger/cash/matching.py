"""Which rule matches a receipt, and how it pays: decided without I/O.

The rules, in order (docs/cash-application.md, *Matching*):

1. **References**: invoice numbers and ISO 11649 creditor references in the remittance
   information. Every named invoice must be known on exactly one account (a number on
   two accounts is no match, never a guess) and be in the receipt's currency. On one
   account, the receipt pays the named invoices oldest due first, any excess staying
   unapplied credit there; across accounts, only when it pays every named invoice
   exactly (one split per account).
2. **The customer** known by the payer's bank account (learnt from earlier matches, or
   set on the account), the virtual account paid into, or the payer's name (similar
   enough, and clearly more similar than the next account), **and** the amount equal to
   one open invoice, or to one set of at most `MAX_SET` of its open invoices (searched
   among its `MAX_SEARCH` oldest), the only such set.
3. Otherwise the receipt is **unidentified**, with what each rule found as evidence.

A short payment within the currency's tolerance (bank charges) still matches: the
shortfall is written off on the last invoice paid. "Open" means the undisputed
outstanding: a receipt never pays a disputed amount by itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations
from typing import Protocol

from ledger.cash.references import creditor_references, invoice_candidates

MAX_SET = 3
MAX_SEARCH = 30
RULE_INVOICE = "invoice_reference"
RULE_CREDITOR = "creditor_reference"
RULE_BANK_ACCOUNT = "bank_account"
RULE_VIRTUAL = "virtual_account"
RULE_NAME = "name"
RULE_MANUAL = "manual"
RULES = (RULE_INVOICE, RULE_CREDITOR, RULE_BANK_ACCOUNT, RULE_VIRTUAL, RULE_NAME, RULE_MANUAL)


@dataclass(frozen=True)
class ReceiptFacts:
    """What matching reads of a receipt."""

    amount: Decimal
    currency: str
    remittance: str
    creditor_reference: str
    counterparty_name: str
    counterparty_account: str
    virtual_account: str


@dataclass(frozen=True)
class OpenInvoice:
    account: str
    invoice_id: str
    currency: str
    due_date: date
    issue_date: date
    open: Decimal
    """Undisputed outstanding."""

    def order(self) -> tuple[date, date, str]:
        return (self.due_date, self.issue_date, self.invoice_id)


class Candidates(Protocol):
    """What matching looks things up in; each lookup is by an index, never a scan."""

    def invoices_named(self, folded: Sequence[str]
                       ) -> Mapping[str, Sequence[tuple[str, str, str]]]:
        """Folded invoice id -> every (account, invoice id, currency) it names."""

    def open_invoices(self, account: str, currency: str) -> Sequence[OpenInvoice]:
        """The account's invoices with an undisputed amount open in ``currency``."""

    def accounts_paying_from(self, bank_account: str) -> Sequence[str]: ...

    def accounts_with_virtual(self, virtual_account: str) -> Sequence[str]: ...

    def accounts_named(self, name: str) -> Sequence[tuple[str, int]]:
        """Accounts whose name is similar to ``name``, most similar first, with a score
        out of 100, above the threshold."""


@dataclass(frozen=True)
class Split:
    account: str
    amount: Decimal
    allocations: tuple[tuple[str, Decimal], ...] = ()
    write_offs: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class Match:
    rule: str
    evidence: dict[str, str]
    splits: tuple[Split, ...]


@dataclass(frozen=True)
class Unidentified:
    evidence: dict[str, str] = field(default_factory=dict)


Decision = Match | Unidentified


def decide(receipt: ReceiptFacts, candidates: Candidates,
           tolerance: Decimal = Decimal(0), name_margin: int = 5) -> Decision:
    evidence: dict[str, str] = {}
    by_reference = _by_references(receipt, candidates, tolerance, evidence)
    if by_reference is not None:
        return by_reference
    by_customer = _by_customer(receipt, candidates, tolerance, name_margin, evidence)
    if by_customer is not None:
        return by_customer
    return Unidentified(evidence)


def _by_references(receipt: ReceiptFacts, candidates: Candidates, tolerance: Decimal,
                   evidence: dict[str, str]) -> Match | None:
    text = f"{receipt.creditor_reference} {receipt.remittance}"
    creditor = creditor_references(text)
    words = invoice_candidates(receipt.remittance)
    rule = RULE_CREDITOR if creditor else RULE_INVOICE
    folded = list(dict.fromkeys([*creditor, *words]))
    if not folded:
        evidence[RULE_INVOICE] = "no invoice number or creditor reference in the remittance"
        return None
    named = candidates.invoices_named(folded)
    found = {form: named[form] for form in folded if named.get(form)}
    if not found:
        evidence[RULE_INVOICE] = "no invoice number in the remittance is known"
        return None
    ambiguous = sorted(form for form, places in found.items()
                       if len({place[0] for place in places}) > 1)
    if ambiguous:
        evidence[RULE_INVOICE] = (f"invoice number {', '.join(ambiguous)} is on more than "
                                  "one account: no guess")
        return None
    currencies = {places[0][2] for places in found.values()}
    invoices = {places[0][:2] for places in found.values()}
    accounts = sorted({account for account, _ in invoices})
    shown = ", ".join(sorted(invoice for _, invoice in invoices))
    if receipt.currency not in currencies:
        evidence[rule] = (f"{shown} named, in {', '.join(sorted(currencies))}; the receipt "
                          f"is in {receipt.currency}: nothing is converted")
        return None
    open_by_id = {
        (i.account, i.invoice_id): i
        for account in accounts for i in candidates.open_invoices(account, receipt.currency)
    }
    payable = sorted((open_by_id[key] for key in invoices if key in open_by_id),
                     key=OpenInvoice.order)
    if not payable:
        evidence[rule] = (f"{shown} named, but none has an undisputed amount open in "
                          f"{receipt.currency}")
        if len(accounts) != 1:
            return None
        return Match(rule, {"invoices": shown, "note": "nothing open: unapplied credit"},
                     (Split(accounts[0], receipt.amount),))
    proof = {"invoices": shown}
    if len(accounts) == 1:
        return Match(rule, proof, (_pay_in_order(accounts[0], receipt.amount, payable,
                                                 tolerance),))
    total = sum((i.open for i in payable), Decimal(0))
    if total != receipt.amount or len(payable) != len(invoices):
        evidence[rule] = (f"{shown} are on {len(accounts)} accounts and the receipt does "
                          f"not pay them all exactly ({total} open)")
        return None
    return Match(rule, proof, tuple(
        Split(account, sum((i.open for i in payable if i.account == account), Decimal(0)),
              tuple((i.invoice_id, i.open) for i in payable if i.account == account))
        for account in accounts))


def _pay_in_order(account: str, amount: Decimal, invoices: Sequence[OpenInvoice],
                  tolerance: Decimal) -> Split:
    """Oldest due first; a shortfall within ``tolerance`` on the last one is written off."""
    left, allocations = amount, []
    for invoice in invoices:
        if left <= 0:
            break
        paid = min(left, invoice.open)
        allocations.append((invoice.invoice_id, paid))
        left -= paid
    write_offs: tuple[tuple[str, Decimal], ...] = ()
    last = invoices[len(allocations) - 1]
    short = last.open - allocations[-1][1]
    if left == 0 and len(allocations) == len(invoices) and 0 < short <= tolerance:
        write_offs = ((last.invoice_id, short),)
    return Split(account, amount, tuple(allocations), write_offs)


def _by_customer(receipt: ReceiptFacts, candidates: Candidates, tolerance: Decimal,
                 name_margin: int, evidence: dict[str, str]) -> Match | None:
    found = _customer(receipt, candidates, name_margin, evidence)
    if found is None:
        return None
    rule, account, proof = found
    invoices = sorted(candidates.open_invoices(account, receipt.currency), key=OpenInvoice.order)
    chosen = _fitting_set(invoices, receipt.amount, tolerance)
    if chosen is None:
        evidence[rule] = (f"{proof}, but {receipt.amount} {receipt.currency} fits no single "
                          "open invoice or set of them")
        return None
    return Match(rule, {"customer": proof, "invoices": ", ".join(i.invoice_id for i in chosen)},
                 (_pay_in_order(account, receipt.amount, chosen, tolerance),))


def _customer(receipt: ReceiptFacts, candidates: Candidates, name_margin: int,
              evidence: dict[str, str]) -> tuple[str, str, str] | None:
    if receipt.counterparty_account:
        accounts = sorted(set(candidates.accounts_paying_from(receipt.counterparty_account)))
        if len(accounts) == 1:
            return RULE_BANK_ACCOUNT, accounts[0], (
                f"bank account {receipt.counterparty_account} pays {accounts[0]}")
        evidence[RULE_BANK_ACCOUNT] = (
            f"bank account {receipt.counterparty_account} is "
            + ("not known" if not accounts else f"known on {len(accounts)} accounts"))
    if receipt.virtual_account:
        accounts = sorted(set(candidates.accounts_with_virtual(receipt.virtual_account)))
        if len(accounts) == 1:
            return RULE_VIRTUAL, accounts[0], (
                f"virtual account {receipt.virtual_account} is {accounts[0]}'s")
        evidence[RULE_VIRTUAL] = f"virtual account {receipt.virtual_account} is not known"
    if receipt.counterparty_name:
        named = list(candidates.accounts_named(receipt.counterparty_name))
        if named and (len(named) == 1 or named[0][1] - named[1][1] >= name_margin):
            account, score = named[0]
            return RULE_NAME, account, (
                f"payer name {receipt.counterparty_name!r} is {account}'s ({score}% similar)")
        evidence[RULE_NAME] = (
            f"payer name {receipt.counterparty_name!r} "
            + ("is like no account's" if not named else
               f"is as like {named[0][0]}'s as {named[1][0]}'s: no guess"))
    return None


def _fitting_set(invoices: Sequence[OpenInvoice], amount: Decimal,
                 tolerance: Decimal) -> tuple[OpenInvoice, ...] | None:
    """The one invoice, or else the one set of at most `MAX_SET` among the `MAX_SEARCH`
    oldest, whose open amount is the receipt's (or short of it within ``tolerance``);
    None when there is none or more than one."""
    def fits(total: Decimal) -> bool:
        return total == amount or (Decimal(0) < total - amount <= tolerance)

    exact = [i for i in invoices if i.open == amount]
    if len(exact) == 1:
        return (exact[0],)
    if len(exact) > 1:
        return None
    near = [i for i in invoices if fits(i.open)]
    if len(near) == 1:
        return (near[0],)
    if len(near) > 1:
        return None
    pool = invoices[:MAX_SEARCH]
    found: list[tuple[OpenInvoice, ...]] = []
    for size in range(2, MAX_SET + 1):
        for chosen in combinations(pool, size):
            if fits(sum((i.open for i in chosen), Decimal(0))):
                found.append(chosen)
                if len(found) > 1:
                    return None
        if found:
            return found[0]
    return None
