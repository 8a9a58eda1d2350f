"""Keeping a refused contact as evidence, in the account's compliance stream.

The refusal itself is the answer (the API's 4xx problem): the command changed
nothing. Its evidence is written afterwards, in a transaction of its own, so that
keeping it never turns the refusal into something else: should the write fail, the
failure is logged and the caller still gets the refusal (docs/domain.md, *Refused
contacts*). A retried request (same command id) finds its refusal already kept and
keeps nothing more; two at once race for the stream's next version, and the loser
retries and finds it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from ledger.aggregates import account_id_for
from ledger.aggregates.contact_compliance import ContactCompliance, compliance_id_for
from ledger.aggregates.contact_policy import local_date
from ledger.aggregates.errors import ContactRefused
from ledger.application import LedgerApplication
from ledger.commands.base import Actor
from ledger.commands.collections import RecordContact

ATTEMPTS = 3
log = logging.getLogger(__name__)


def keep_refusal(
    app: LedgerApplication, command: RecordContact, actor: Actor, refused: ContactRefused,
    clock: Callable[[], datetime],
) -> bool:
    """Record ``refused`` on the account's compliance stream; True if this call recorded it.
    Never raises: evidence that cannot be kept is logged, and the refusal stands."""
    try:
        return _keep(app, command, actor, refused, clock)
    except Exception:  # noqa: BLE001 - the refusal is the answer whatever befalls its evidence
        log.exception("refused contact %s on %s could not be kept as evidence",
                      command.command_id, command.account)
        return False


def _keep(
    app: LedgerApplication, command: RecordContact, actor: Actor, refused: ContactRefused,
    clock: Callable[[], datetime],
) -> bool:
    timezone = app.get_account(account_id_for(command.account)).timezone
    at = command.at.astimezone(UTC)
    for attempt in range(ATTEMPTS):
        now = clock()
        stream = _stream(app, command.account, now)
        kept = stream.refuse(
            now=now, effective_on=local_date(at, timezone), actor_id=actor.actor_id,
            actor_role=actor.role, command_id=command.command_id,
            correlation_id=command.correlation_id or command.command_id,
            account=command.account, contact_id=command.contact_id, channel=command.channel,
            purpose=command.purpose, at=at, rule=refused.rule_id, reason=str(refused),
        )
        if not kept:
            return False
        try:
            app.save(stream)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
            continue
        return True
    raise AssertionError("unreachable")


def _stream(app: LedgerApplication, number: str, now: datetime) -> ContactCompliance:
    try:
        stream: ContactCompliance = app.repository.get(compliance_id_for(number))
    except AggregateNotFoundError:
        stream = ContactCompliance.start(number, now)
    return stream
