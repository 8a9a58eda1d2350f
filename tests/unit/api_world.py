"""A ledger behind the HTTP API, with a key for every role, for route tests.

One world can serve a whole test module: every test works on accounts of its own
(``debtor()`` opens a fresh one), so tests do not see each other's writes. A debtor
is in USD, worked by agent-1, and owes INV-1 (1000.00, due 31 January) and INV-2
(2500.00, due 14 February); today is 10 February 2026. Wrong keys are not throttled
here, since a module's tests send hundreds between them (the throttle has its own tests).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth_throttle import FailedAuthentications
from ledger.commands.accounts import AssignAgent
from ledger.commands.base import Actor, Command
from ledger.commands.receivables import IssueInvoice
from tests.builders import MANAGER, OTHER_MANAGER, make_ledger
from tests.unit.api_catalogue import Write
from tests.unit.given import account_position, an_account

TODAY = date(2026, 2, 10)
UNTHROTTLED = 1_000_000

CALLERS: dict[str, tuple[str, str]] = {
    "agent": ("agent", "agent-1"),
    "other agent": ("agent", "agent-2"),
    "manager": ("manager", "manager-1"),
    "other manager": ("manager", "manager-2"),
    "auditor": ("auditor", "auditor-1"),
    "compliance": ("compliance", "compliance-1"),
    "service": ("service", "erp"),
    "admin": ("admin", "admin-1"),
    "cashier": ("cashier", "cashier-1"),
}
"""Who calls, by the name tests use: (role, actor id)."""


class ApiWorld:
    def __init__(self) -> None:
        ledger, self.clock = make_ledger()
        self.service = ledger.service
        self.clock.set_day(TODAY)
        self.app = create_app(ledger, follow=False,
                              failed_authentications=FailedAuthentications(limit=UNTHROTTLED))
        self.client = TestClient(self.app)
        self.keys = {
            name: self.app.state.keys.create(role, actor_id)[1]
            for name, (role, actor_id) in CALLERS.items()
        }
        self._numbers = itertools.count(1)

    def new_number(self) -> str:
        return f"ACC-{next(self._numbers):04d}"

    def debtor(self, agent: str | None = "agent-1", given: Iterable[Command] = (),
               contact: dict[str, str] | None = None) -> str:
        """A fresh account (see the module docstring; ``contact``: its contact details,
        none by default), then ``given`` by manager-2."""
        number = self.new_number()
        an_account(self.service, number, contact=contact)
        for invoice_id, amount, issued in (("INV-1", "1000.00", date(2026, 1, 1)),
                                           ("INV-2", "2500.00", date(2026, 1, 15))):
            self.service.execute(IssueInvoice(
                account=number, invoice_id=invoice_id, amount=Decimal(amount), currency="USD",
                issue_date=issued,
            ), MANAGER)
        if agent is not None:
            self.service.execute(AssignAgent(account=number, agent_id=agent), MANAGER)
        for command in given:
            self.run(command.model_copy(update={"account": number, "command_id": str(uuid4())}))
        return number

    def prepared(
        self, write: Write, given: Iterable[Command] | None = None, agent: str | None = "agent-1"
    ) -> str:
        """The number to ``write`` to: a debtor given what the write needs (or ``given``),
        or an unused number when the write opens the account."""
        if write.opens_account:
            return self.new_number()
        return self.debtor(agent, write.given if given is None else given, write.contact)

    def run(self, command: Command, actor: Actor = OTHER_MANAGER) -> None:
        self.service.execute(command, actor)

    def post(
        self, path: str, body: Any, caller: str | None = "manager",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = {"X-API-Key": self.keys[caller]} if caller else {}
        return self.client.post(path, json=body, headers={**sent, **(headers or {})})

    def position(self) -> int:
        """Where the accounts' events end (a refused contact's evidence is not one)."""
        return account_position(self.service)

    def history(self, number: str) -> list[dict[str, Any]]:
        return list(self.service.history(number))

    def version(self, number: str) -> int:
        return len(self.history(number))


def problem_type(response: httpx.Response) -> str:
    """The problem's stable type, without its URN prefix; checks it is a problem at all."""
    assert response.headers["content-type"] == "application/problem+json", response.text
    body = response.json()
    assert body["status"] == response.status_code
    assert "Traceback" not in response.text
    return str(body["type"]).removeprefix("urn:colledger:problem:")
