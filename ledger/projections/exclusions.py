"""What a read leaves out: the accounts a read model it draws from has quarantined.

A quarantined account's rows stop at the event its projection could not apply, so any
total that included them would be wrong without saying so. Reads therefore run over
the tables narrowed to the other accounts (the same subquery trick the statement uses
for one account) and report what they left out; a read of one quarantined account
refuses with `AccountQuarantined` rather than show wrong numbers. With nothing
quarantined the tables are used as they are: the same SQL as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ledger.aggregates import account_id_for
from ledger.projections import quarantine
from ledger.projections.projection import Tables
from ledger.projections.quarantine import AccountQuarantined


def exclusion_note(count: int) -> str | None:
    """What a person reading a result must know, e.g. "excluding 1 quarantined account";
    None when nothing was left out."""
    if not count:
        return None
    return f"excluding {count} quarantined account{'s' if count > 1 else ''}"


@dataclass(frozen=True)
class QuarantinedAccount:
    account_id: str
    number: str | None
    projections: tuple[str, ...]


@dataclass(frozen=True)
class Exclusions:
    accounts: tuple[QuarantinedAccount, ...] = ()

    @property
    def ids(self) -> list[str]:
        return [a.account_id for a in self.accounts]

    @property
    def numbers(self) -> list[str]:
        return [a.number or a.account_id for a in self.accounts]

    @property
    def note(self) -> str | None:
        return exclusion_note(len(self.accounts))

    def narrow(self, tables: Tables) -> Tables:
        """The tables without the quarantined accounts' rows (as they are, if none)."""
        if not self.accounts:
            return tables
        ids = self.ids
        narrowed: dict[str, Any] = {
            logical: select(table).where(table.c.account_id.not_in(ids)).subquery(table.name)
            for logical, table in tables.items()
        }
        return Tables(narrowed)

    def held(self, account: str) -> QuarantinedAccount | None:
        """This account (its number or id), if it is quarantined."""
        for held in self.accounts:
            if account in (held.number, held.account_id) or (
                held.number is None and str(account_id_for(account)) == held.account_id
            ):
                return held
        return None

    def check(self, account: str) -> None:
        """Refuse a read of this one account (its number or id) if it is quarantined."""
        held = self.held(account)
        if held is not None:
            raise AccountQuarantined(
                f"account {account} is quarantined in the read models "
                f"({', '.join(held.projections)}): an event of it could not be "
                "projected, so its figures there would be wrong; an operator lifts it "
                "with colledger rebuild --account once the cause is fixed"
            )

    def assigned_to(self, session: Any, accounts: Any, agent_id: str) -> Exclusions:
        """Only the accounts currently assigned to ``agent_id`` (``accounts``: rm_accounts)."""
        if not self.accounts:
            return self
        mine = set(session.execute(
            select(accounts.c.account_id)
            .where(accounts.c.agent_id == agent_id, accounts.c.account_id.in_(self.ids))
        ).scalars())
        return Exclusions(tuple(a for a in self.accounts if a.account_id in mine))


def exclusions(session: Any, projections: Iterable[str]) -> Exclusions:
    """The accounts quarantined in any of ``projections``, by number."""
    found: dict[str, QuarantinedAccount] = {}
    for row in quarantine.stored(session, projections):
        held = found.get(row.account_id)
        names = (*held.projections, row.projection) if held else (row.projection,)
        found[row.account_id] = QuarantinedAccount(row.account_id, row.account_number, names)
    ordered = sorted(found.values(), key=lambda a: (a.number or "", a.account_id))
    return Exclusions(tuple(ordered))
