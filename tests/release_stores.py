"""Stores written by a release, committed so that every later release must upgrade them.

The stored shape is a contract: a store a customer wrote years ago upgrades
(migrations, upcasting) and still verifies. `write_release_store` writes, with the
code of the release that runs it, a small demo portfolio plus one account that
walks through every account event type, and the ledger-level streams (a
checkpoint, a trail export, key grants). Run it once per release that changes the
stored shape, and commit the file under ``tests/data/stores/``:

    python -m tests.release_stores tests/data/stores/release-YYYY-MM-DD.db

It drives the ledger the way a user does (the CLI and the service's commands), never
the tables, so what it writes is exactly what that release writes; it brings the read
models up to date (an old store has them) and saves what the release answered to a few
reads beside the store (``….answers.json``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from ledger.commands.accounts import (
    ChangeTerms,
    ErasePersonalData,
    OpenAccount,
    PlaceCreditHold,
    PlaceWithAgency,
    RecallFromAgency,
    ReferToLegal,
    ReleaseCreditHold,
)
from ledger.commands.base import Actor, Command
from ledger.commands.collections import (
    AgreePaymentPlan,
    AgreeSettlement,
    DecideSettlement,
    DecideWriteOff,
    InstalmentLine,
    ProcessDay,
    RecordContact,
    RequestWriteOff,
)
from ledger.commands.receivables import IssueInvoice, RecordPayment, ReversePayment
from ledger.event_types import published_classes
from tests.builders import MANAGER, OTHER_MANAGER, SERVICE, make_service

EVERY = "ACC-EVERY"
DEMO_END = "2026-11-30"


def _commands() -> list[tuple[Command, Actor]]:
    """The event types a small demo does not reach, on one account, in business order."""
    a = EVERY

    def on(day: str) -> date:
        return date.fromisoformat(day)

    return [
        (OpenAccount(account=a, name="Every Event GmbH", currency="EUR", timezone="Europe/Berlin",
                     contact={"name": "Jo Beispiel", "email": "ap@every.example"},
                     effective_on=on("2026-01-02")), SERVICE),
        (IssueInvoice(account=a, invoice_id="E-1", amount=Decimal("5000.00"), currency="EUR",
                      issue_date=on("2026-01-05")), SERVICE),
        (IssueInvoice(account=a, invoice_id="E-2", amount=Decimal("800.00"), currency="EUR",
                      issue_date=on("2026-01-06")), SERVICE),
        (ChangeTerms(account=a, terms_days=45, reason="annual review",
                     effective_on=on("2026-01-07")), MANAGER),
        (RecordPayment(account=a, payment_id="P-1", amount=Decimal("300.00"), currency="EUR",
                       received_on=on("2026-02-10"), reference="BNK-1"), SERVICE),
        (ReversePayment(account=a, payment_id="P-1", reason="bounced",
                        effective_on=on("2026-02-12")), MANAGER),
        (PlaceCreditHold(account=a, reason="bounced payment", effective_on=on("2026-02-12")),
         MANAGER),
        (ReleaseCreditHold(account=a, reason="cleared", effective_on=on("2026-02-20")), MANAGER),
        (AgreePaymentPlan(account=a, plan_id="PL-1", currency="EUR", instalments=(
            InstalmentLine(due_date=on("2026-03-01"), amount=Decimal("100.00")),
            InstalmentLine(due_date=on("2026-03-15"), amount=Decimal("100.00")),
        ), effective_on=on("2026-02-20")), MANAGER),
        (ProcessDay(account=a, day=on("2026-03-02")), Actor("system", "system")),
        (ProcessDay(account=a, day=on("2026-03-16")), Actor("system", "system")),
        (AgreeSettlement(account=a, settlement_id="S-1", amount=Decimal("3000.00"),
                         currency="EUR", due_by=on("2026-04-30"),
                         effective_on=on("2026-03-20")), MANAGER),
        (DecideSettlement(account=a, settlement_id="S-1", approve=False, reason="too low",
                          effective_on=on("2026-03-21")), OTHER_MANAGER),
        (RequestWriteOff(account=a, request_id="W-1", invoice_id="E-2",
                         amount=Decimal("800.00"), reason="uncollectable",
                         effective_on=on("2026-04-01")), MANAGER),
        (DecideWriteOff(account=a, request_id="W-1", approve=False, reason="keep collecting",
                        effective_on=on("2026-04-02")), OTHER_MANAGER),
        (RecordContact(account=a, contact_id="C-1", channel="call", outcome="conversation",
                       at=datetime(2026, 4, 3, 9, 30, tzinfo=UTC), note="spoke to AP",
                       effective_on=on("2026-04-03")), MANAGER),
        (AgreeSettlement(account=a, settlement_id="S-2", amount=Decimal("5700.00"),
                         currency="EUR", due_by=on("2026-04-30"),
                         effective_on=on("2026-04-10")), MANAGER),
        (ProcessDay(account=a, day=on("2026-05-06")), Actor("system", "system")),
        (PlaceWithAgency(account=a, agency_id="AGY-1", reason="no payment",
                         effective_on=on("2026-05-10")), MANAGER),
        (RecallFromAgency(account=a, reason="agency returned it",
                          effective_on=on("2026-06-01")), MANAGER),
        (ReferToLegal(account=a, reason="court claim", effective_on=on("2026-06-02")), MANAGER),
        (ErasePersonalData(account=a, reason="DSR-2026-001", effective_on=on("2026-07-01")),
         Actor("compliance-1", "compliance")),
    ]


def write_release_store(path: Path) -> None:
    url = f"sqlite:///{path}"
    cli = [sys.executable, "-m", "colledger.main", "--database-url", url]
    subprocess.run([*cli, "init"], check=True)
    subprocess.run([*cli, "demo", "--accounts", "6", "--months", "6", "--seed", "11",
                    "--end", DEMO_END], check=True)
    service, clock = make_service(url)
    clock.set_day(date(2026, 1, 2))
    for command, actor in _commands():
        service.execute(command, actor)
    key = subprocess.run([*cli, "keys", "create", "--role", "agent", "--agent", "agent-9"],
                         check=True, capture_output=True, text=True).stdout
    key_id = key.split()[1]  # "key <key id> for agent-9 (agent); shown only this once:"
    subprocess.run([*cli, "keys", "revoke", key_id], check=True)
    subprocess.run([*cli, "checkpoint"], check=True)
    with tempfile.TemporaryDirectory() as trail:
        subprocess.run([*cli, "trail", "--account", EVERY, "--out", trail], check=True)
    subprocess.run([*cli, "project"], check=True)
    answers = {name: json.loads(subprocess.run([*cli, *args, "--format", "json"], check=True,
                                               capture_output=True, text=True).stdout)
               for name, args in READS.items()}
    answers["event_types"] = sorted(name for name in published_classes()
                                    if not name.endswith(".Event"))  # bases, never recorded
    path.with_suffix(".answers.json").write_text(json.dumps(answers, indent=1, sort_keys=True))


READS: dict[str, list[str]] = {
    "aging": ["aging", "--as-of", DEMO_END, "--by", "account"],
    "aging_known_at": ["aging", "--as-of", "2026-06-30", "--known-at", "2026-12-07T00:00:00Z",
                       "--by", "currency"],
    "kpis": ["kpis", "--from", "2026-06-01", "--to", DEMO_END],
    "statement": ["statement", EVERY, "--from", "2026-01-01", "--to", DEMO_END],
    "account": ["account", "show", EVERY, "--as-of", "2026-05-31"],
}
"""What the release answered on its own store, which every later release must repeat."""


if __name__ == "__main__":
    write_release_store(Path(sys.argv[1]))
