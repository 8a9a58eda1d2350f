"""A worklist row's actions (log a contact, record a promise, open a dispute, create a
task) as the API carries them out, and what a refusal shows the agent.

The forms' fields become the API's command bodies and go through the API's own
`carry_out` (permission check, command validation, the service), so a page can do
exactly what the API lets its caller do. A refusal is shown as the API's problem would
say it: its title, its rule, the detail, and for the contact policy the rule in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Response
from fastapi.exceptions import RequestValidationError

from api.command_endpoint import carry_out
from api.keys import Caller
from api.permissions import MAY_WRITE
from ledger.aggregates.errors import LedgerError
from ledger.commands import collections as c
from ledger.commands import tasks as t
from ledger.commands.base import Command
from ledger.service import LedgerService

ACTIONS: dict[str, type[Command]] = {
    "contact": c.RecordContact, "promise": c.MakePromise, "dispute": c.OpenDispute,
    "task": t.CreateTask,
}
DONE = {"contact": "Contact logged", "promise": "Promise recorded", "dispute": "Dispute opened",
        "task": "Task created"}
PREFIXES = {"contact": "CT", "promise": "PR", "dispute": "DS", "task": "TK"}
ID_FIELDS = {"contact": "contact_id", "promise": "promise_id", "dispute": "dispute_id",
             "task": "task_id"}

RULES_IN_WORDS = {
    "call-hours": "Calls only from 08:00 to before 21:00 in the debtor's local time.",
    "call-frequency": "At most 7 call attempts in 7 consecutive days.",
    "conversation-cooldown":
        "After a conversation, no further call for 7 days counting the conversation's day.",
    "cease-communication":
        "The debtor asked us to cease communication: only permitted notices may be sent.",
    "permitted-notice-channel": "A permitted notice goes in writing, never by phone.",
    "placement": "The account is with an agency or with legal: they collect it, not us.",
    "agency": "The account is with an agency: they collect it, not us.",
    "legal": "The account is referred to legal: they collect it, not us.",
    "dispute-pause": "Everything owed is under open dispute: collection pauses.",
    "all-disputed": "Open disputes cover what is overdue: collection pauses.",
}
"""The contact policy's rules (and the worklist's reasons for keeping an account off),
said as a collector would say them."""


@dataclass(frozen=True)
class Problem:
    """What the API would have answered: its problem's title, rule and detail."""

    title: str
    rule: str
    detail: str
    in_words: str | None = None


def may_act(caller: Caller) -> dict[str, bool]:
    """Which of a row's actions the caller may take: the API's own write sets."""
    return {name: caller.role in MAY_WRITE[command] for name, command in ACTIONS.items()}


def contact_fields(form: dict[str, str], timezone: str) -> dict[str, Any]:
    """The contact's time is typed in the debtor's local time (what the agent sees)."""
    at: Any = form.get("at", "")
    try:
        at = datetime.fromisoformat(at).replace(tzinfo=ZoneInfo(timezone))
    except ValueError:
        pass  # left as typed: the command's validation names the field
    return {"channel": form.get("channel", ""), "outcome": form.get("outcome", ""),
            "at": at, "purpose": form.get("purpose") or "collection",
            "note": form.get("note", "")}


def fields_of(action: str, form: dict[str, str], timezone: str) -> dict[str, Any]:
    if action == "contact":
        return contact_fields(form, timezone)
    if action == "task":
        return task_fields(form)
    if action == "promise":
        return {"amount": form.get("amount", ""), "currency": form.get("currency", ""),
                "due_date": form.get("due_date", "")}
    return {"invoice_id": form.get("invoice_id", ""), "amount": form.get("amount", ""),
            "reason": form.get("reason", ""), "reason_code": form.get("reason_code") or "other"}


def task_fields(form: dict[str, str]) -> dict[str, Any]:
    """A new task's fields from a form: empty time and owner are left out (the creator)."""
    fields = {"kind": form.get("kind", ""), "due_date": form.get("due_date", ""),
              "note": form.get("note", "")}
    return fields | {name: form[name] for name in ("due_time", "owner") if form.get(name)}


def carry_out_action(
    service: LedgerService, caller: Caller, action: str, account: str,
    fields: dict[str, Any], correlation_id: str,
) -> tuple[int | None, Problem | None]:
    """Carry the action out as the API would: (log position to wait for, None), or
    (None, the problem the API would have answered)."""
    body = {ID_FIELDS[action]: f"{PREFIXES[action]}-{uuid4().hex[:16]}", **fields}
    return carry_out_command(service, caller, ACTIONS[action], account, body, correlation_id)


def carry_out_command(
    service: LedgerService, caller: Caller, command: type[Command], account: str,
    body: dict[str, Any], correlation_id: str,
) -> tuple[int | None, Problem | None]:
    """`carry_out_action` for a command and body of the page's own making."""
    try:
        accepted = carry_out(service, caller, command, account, body, Response(),
                             idempotency_key=None, if_match=None,
                             correlation_id=correlation_id)
    except LedgerError as error:
        rule_id = getattr(error, "rule_id", None)
        return None, Problem(type(error).__name__, error.rule(), error.message,
                             RULES_IN_WORDS.get(rule_id) if rule_id else None)
    except RequestValidationError as error:
        return None, Problem("Invalid request", "validation-error", invalid_fields(error))
    except HTTPException as error:
        return None, Problem("Forbidden", "forbidden", str(error.detail))
    return accepted.position, None


def invalid_fields(error: RequestValidationError) -> str:
    """A refused body's fields and what is wrong with each, as the form names them."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}"
                     for e in error.errors())
