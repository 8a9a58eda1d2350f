"""What matching looks up, read from the read models by index: never a scan per line.

One `ReadModelCandidates` serves one import (or one bank-feed message): it reads invoice
numbers, payer accounts and open invoices in chunks for the whole batch (`prefetch`,
`prefetch_payers`, `prefetch_open`), the accounts' names only when a payer's name is
looked up (then all of them, once), and keeps them in memory as the batch's own matches
consume them (`consume`), so two receipts of one batch never pay the same open amount
twice.

Names are found through an index of their words: a payer's name is compared (rapidfuzz's
token-sort ratio, out of 100) only with the accounts sharing one of its uncommon words,
so a statement of 100,000 lines never compares a line with every customer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import and_, func, select

from ledger.cash.matching import OpenInvoice
from ledger.projections.amounts import from_minor
from ledger.projections.projection import Tables

CHUNK = 500
COMMON_WORD = 200
"""A word on more accounts than this says nothing about who paid (LTD, GMBH, TRADING)."""
LEGAL_FORMS = frozenset({
    "LTD", "LIMITED", "PLC", "LLC", "INC", "CORP", "CO", "GMBH", "AG", "KG", "SA", "SAS",
    "SARL", "SRL", "SPA", "BV", "NV", "AB", "AS", "OY", "THE", "AND", "UND", "ET", "DE",
})
_WORD = re.compile(r"[A-Z0-9]+")


def name_words(name: str) -> list[str]:
    """A name's words, upper case, without legal forms or one-letter words."""
    return [w for w in _WORD.findall(name.upper()) if len(w) > 1 and w not in LEGAL_FORMS]


def comparable(name: str) -> str:
    return " ".join(name_words(name))


class ReadModelCandidates:
    def __init__(self, session: Any, open_items: Tables, cash: Tables,
                 name_threshold: int = 90) -> None:
        self.s, self.o, self.c = session, open_items, cash
        self.name_threshold = name_threshold
        self.numbers: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.words: dict[str, set[str]] = defaultdict(set)
        self.payers: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.named: dict[str, list[tuple[str, str, str]]] = {}
        self.open: dict[tuple[str, str], list[OpenInvoice]] = {}
        self.read_open: set[str] = set()
        self._names_read = False
        self._payers_read: set[str] = set()

    def _read_names(self) -> None:
        """The word index of every account's name, read once, and only when a payer's name
        is looked up (a receipt matched by its reference never needs it)."""
        a = self.o["accounts"]
        for row in self.s.execute(select(a.c.account_id, a.c.name)):
            self.names[row.account_id] = comparable(row.name)
            for word in set(name_words(row.name)):
                self.words[word].add(row.account_id)
        self._names_read = True

    def numbers_of(self, accounts: Iterable[str]) -> dict[str, str]:
        """Account id -> number for these accounts (read a chunk at a time when unknown)."""
        a = self.o["accounts"]
        wanted = sorted(set(accounts) - set(self.numbers))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            for row in self.s.execute(select(a.c.account_id, a.c.number)
                                      .where(a.c.account_id.in_(chunk))):
                self.numbers[row.account_id] = row.number
        return self.numbers

    def prefetch_payers(self, bank_accounts: Iterable[str]) -> None:
        """Which customers the batch's payer and virtual accounts are known to, by key."""
        p = self.c["payers"]
        wanted = sorted({b for b in bank_accounts if b} - self._payers_read)
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            self._payers_read.update(chunk)
            for row in self.s.execute(select(p.c.bank_account, p.c.account_id, p.c.kind)
                                      .where(p.c.bank_account.in_(chunk))):
                self.payers[(row.kind, row.bank_account)].add(row.account_id)

    def prefetch(self, forms: Iterable[str]) -> None:
        """Read the invoice numbers of a whole batch's candidate forms, a chunk at a time."""
        wanted = [f for f in dict.fromkeys(forms) if f not in self.named]
        n = self.c["invoice_numbers"]
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            for form in chunk:
                self.named[form] = []
            rows = self.s.execute(select(n.c.folded, n.c.account_id, n.c.invoice_id,
                                         n.c.currency).where(n.c.folded.in_(chunk)))
            for row in rows:
                self.named[row.folded].append((row.account_id, row.invoice_id, row.currency))

    def invoices_named(self, folded: Sequence[str]
                       ) -> Mapping[str, Sequence[tuple[str, str, str]]]:
        self.prefetch(folded)
        return {form: self.named[form] for form in folded if self.named[form]}

    def open_invoices(self, account: str, currency: str) -> Sequence[OpenInvoice]:
        if account not in self.read_open:
            self.prefetch_open([account])
        return [i for i in self.open.get((account, currency), []) if i.open > 0]

    def prefetch_open(self, accounts: Iterable[str]) -> None:
        """The open invoices of these accounts, a chunk of accounts per query: outstanding
        less what open disputes hold (a receipt never pays a disputed amount by itself)."""
        wanted = sorted(set(accounts) - self.read_open)
        i, d = self.o["invoices"], self.o["disputes"]
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            self.read_open.update(chunk)
            disputed = (
                select(d.c.account_id, d.c.invoice_id, func.sum(d.c.amount_minor).label("held"))
                .where(and_(d.c.account_id.in_(chunk), d.c.resolved_on.is_(None)))
                .group_by(d.c.account_id, d.c.invoice_id).subquery()
            )
            rows = self.s.execute(
                select(i.c.account_id, i.c.invoice_id, i.c.currency, i.c.due_date,
                       i.c.issue_date, i.c.outstanding_minor,
                       func.coalesce(disputed.c.held, 0).label("held"))
                .outerjoin(disputed, and_(disputed.c.account_id == i.c.account_id,
                                          disputed.c.invoice_id == i.c.invoice_id))
                .where(and_(i.c.account_id.in_(chunk), i.c.outstanding_minor > 0))
            )
            for r in rows:
                owed = from_minor(max(r.outstanding_minor - r.held, 0), r.currency)
                if owed > 0:
                    self.open.setdefault((r.account_id, r.currency), []).append(OpenInvoice(
                        r.account_id, r.invoice_id, r.currency, r.due_date, r.issue_date, owed))
        fresh = set(wanted)
        for key, invoices in self.open.items():
            if key[0] in fresh:
                invoices.sort(key=OpenInvoice.order)

    def accounts_named_by(self, forms: Iterable[str]) -> set[str]:
        """The accounts whose invoices these (prefetched) forms name."""
        return {place[0] for form in forms for place in self.named.get(form, ())}

    def consume(self, account: str, currency: str, invoice_id: str, amount: Decimal) -> None:
        """A match of this batch paid (or wrote off) ``amount`` of the invoice."""
        invoices = self.open.get((account, currency), [])
        for n, invoice in enumerate(invoices):
            if invoice.invoice_id == invoice_id:
                invoices[n] = OpenInvoice(invoice.account, invoice.invoice_id, currency,
                                          invoice.due_date, invoice.issue_date,
                                          max(invoice.open - amount, Decimal(0)))

    def learn_payer(self, bank_account: str, account: str) -> None:
        """A receipt of this batch matched to one account: its payer's next line knows it."""
        if bank_account:
            self.payers[("bank_account", bank_account)].add(account)

    def accounts_paying_from(self, bank_account: str) -> Sequence[str]:
        self.prefetch_payers([bank_account])
        return sorted(self.payers.get(("bank_account", bank_account), ()))

    def accounts_with_virtual(self, virtual_account: str) -> Sequence[str]:
        self.prefetch_payers([virtual_account])
        return sorted(self.payers.get(("virtual_account", virtual_account), ()))

    def accounts_named(self, name: str) -> Sequence[tuple[str, int]]:
        wanted = comparable(name)
        if not wanted:
            return []
        if not self._names_read:
            self._read_names()
        pool: set[str] = set()
        for word in set(wanted.split()):
            accounts = self.words.get(word, set())
            if len(accounts) <= COMMON_WORD:
                pool |= accounts
        scored = ((account, int(fuzz.token_sort_ratio(wanted, self.names[account])))
                  for account in pool)
        return sorted((s for s in scored if s[1] >= self.name_threshold),
                      key=lambda s: (-s[1], s[0]))
