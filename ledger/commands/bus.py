"""Carries out commands: idempotently, atomically, with bounded retry on conflict.

For each command: look up its id in the command log (same content, or the form an
earlier release logged it in (`earlier_forms`): return the original result; different
content: conflict), load the account, let the handler decide, save the events and the
log row in one transaction. When another writer got to the account first (the version
is taken), reload and decide again, a few times at most.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import cast

from eventsourcing.persistence import IntegrityError as StoreIntegrityError
from sqlalchemy.exc import DBAPIError

from ledger.aggregates.envelope import LedgerEvent
from ledger.aggregates.errors import (
    ConcurrencyConflict,
    ContactRefused,
    IdempotencyConflict,
    LedgerError,
)
from ledger.application import LedgerApplication
from ledger.commands import command_log
from ledger.commands.base import Actor, Command, CommandResult
from ledger.commands.collections import RecordContact
from ledger.commands.earlier_forms import earlier_digest
from ledger.commands.refusal_evidence import keep_refusal
from ledger.commands.registry import HANDLERS
from ledger.policies import Policies
from ledger.unit_of_work import UnitOfWork

RETRYABLE_SQLSTATES = {"23505", "40001", "40P01"}  # unique violation, serialization, deadlock


def is_race(error: Exception) -> bool:
    if isinstance(error, StoreIntegrityError):
        return True
    if isinstance(error, DBAPIError):
        if error.orig is not None and getattr(error.orig, "pgcode", None) is not None:
            return getattr(error.orig, "pgcode", None) in RETRYABLE_SQLSTATES
        return "UNIQUE constraint failed" in str(error)
    return False
MAX_ATTEMPTS = 8


def back_off(attempt: int) -> None:
    """Jittered, growing pause, so writers racing for one account stop colliding."""
    time.sleep(random.uniform(0, 0.005 * 2**attempt))


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class BatchReport:
    """Outcome of a batch: results by position, and errors by position."""

    results: dict[int, CommandResult] = field(default_factory=dict)
    errors: dict[int, LedgerError] = field(default_factory=dict)
    written: bool = False


class CommandBus:
    def __init__(
        self,
        app: LedgerApplication,
        policies: Policies | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.app = app
        self.policies = policies or Policies()
        self.clock = clock

    def execute(self, command: Command, actor: Actor) -> CommandResult:
        for attempt in range(MAX_ATTEMPTS):
            try:
                report = self._run([command], actor, atomic=True)
            except (StoreIntegrityError, DBAPIError) as error:
                if not is_race(error):
                    raise
                back_off(attempt)
                continue
            if report.errors:
                refused = report.errors[0]
                if isinstance(refused, ContactRefused) and isinstance(command, RecordContact):
                    keep_refusal(self.app, command, actor, refused, self.clock)
                raise refused
            return report.results[0]
        raise ConcurrencyConflict(
            f"account {command.account!r} kept changing; gave up after {MAX_ATTEMPTS} attempts"
        )

    def execute_batch(
        self,
        commands: Iterable[Command],
        actor: Actor,
        *,
        skip_invalid: bool = False,
        recorded_at: Sequence[datetime] | None = None,
        actors: Sequence[Actor] | None = None,
    ) -> BatchReport:
        """All-or-nothing unless ``skip_invalid``: every command is checked, errors are
        reported by position, and nothing is written if any failed.

        ``recorded_at`` and ``actors`` replay history that happened elsewhere (a legacy
        ledger, the demo portfolio) with its original times and people, one per command;
        they are never exposed to clients.
        """
        batch = list(commands)
        for attempt in range(MAX_ATTEMPTS):
            try:
                return self._run(
                    batch, actor, atomic=not skip_invalid, recorded_at=recorded_at, actors=actors
                )
            except (StoreIntegrityError, DBAPIError) as error:
                if not is_race(error):
                    raise
                back_off(attempt)
                continue
        raise ConcurrencyConflict(f"batch kept conflicting; gave up after {MAX_ATTEMPTS} attempts")

    def _run(
        self,
        batch: list[Command],
        actor: Actor,
        *,
        atomic: bool,
        recorded_at: Sequence[datetime] | None = None,
        actors: Sequence[Actor] | None = None,
    ) -> BatchReport:
        """Accounts are locked first, in a fixed order (no deadlocks between batches);
        then the command log is read once for the whole batch."""
        report = BatchReport()
        with self.app.datastore.transaction(commit=True) as session:
            uow = UnitOfWork(self.app, session, actor, self.clock, self.policies)
            for number in sorted({c.account for c in batch}):
                uow.accounts.lock(number)
            digests = [command_log.digest_of(c) for c in batch]
            logged = command_log.find_many(session, (c.command_id for c in batch))
            decided: list[tuple[int, Command, list[LedgerEvent]]] = []
            first_use: dict[str, int] = {}
            repeats: dict[int, int] = {}
            for position, command in enumerate(batch):
                uow.recorded_at = recorded_at[position] if recorded_at else None
                uow.actor = actors[position] if actors else actor
                try:
                    earlier = first_use.setdefault(command.command_id, position)
                    if earlier != position:
                        self._check_same(command, digests[earlier], digests[position])
                        repeats[position] = earlier
                    elif command.command_id in logged:
                        digest, result = logged[command.command_id]
                        if digest != digests[position] and (
                                digest == earlier_digest(self.app, uow.session, command)):
                            digest = digests[position]
                        self._check_same(command, digest, digests[position])
                        report.results[position] = replace(result, replayed=True)
                    else:
                        decided.append((position, command, self._decide(uow, command)))
                except LedgerError as error:
                    report.errors[position] = error
            for position, earlier in repeats.items():
                if earlier in report.errors:
                    report.errors[position] = report.errors[earlier]
            if report.errors and atomic:
                return report
            self._save(uow, decided, digests, report)
            for position, earlier in repeats.items():
                if earlier in report.results:
                    report.results[position] = replace(report.results[earlier], replayed=True)
        return report

    @staticmethod
    def _check_same(command: Command, known_digest: str, digest: str) -> None:
        if known_digest != digest:
            raise IdempotencyConflict(
                f"command id {command.command_id!r} was already used for a different command"
            )

    @staticmethod
    def _decide(uow: UnitOfWork, command: Command) -> list[LedgerEvent]:
        """Run the handler and return the events it made.

        Commands check every rule before recording their first event; should one
        ever fail half-way, the batch is abandoned rather than saved half-made.
        """
        uow.command = command
        uow.accounts.begin()
        try:
            HANDLERS[type(command)](command, uow)
        except LedgerError as error:
            touched = uow.accounts.touched_accounts()
            if any(len(a.pending_events) != before for a, before in touched):
                raise RuntimeError(f"{type(command).__name__} failed half-way") from error
            raise
        return [
            cast(LedgerEvent, event)
            for account, before in uow.accounts.touched_accounts()
            for event in account.pending_events[before:]
        ]

    def _save(
        self,
        uow: UnitOfWork,
        decided: list[tuple[int, Command, list[LedgerEvent]]],
        digests: list[str],
        report: BatchReport,
    ) -> None:
        pending = uow.pending_accounts()
        uow.personal_data.save((a.id for a in pending), self.clock())
        recordings = self.app.save(*pending)
        position_of = {id(r.domain_event): r.notification.id for r in recordings}
        entries = []
        for position, command, events in decided:
            account = uow.accounts.get(command.account)
            result = CommandResult(
                command_id=command.command_id,
                account=command.account,
                account_id=str(account.id),
                version=events[-1].originator_version if events else account.version,
                position=max((position_of[id(e)] for e in events), default=None),
                events=tuple(e.event_type for e in events),
            )
            if events:
                entries.append(
                    command_log.Entry(command, digests[position], result, events[0].actor_id)
                )
            report.results[position] = result
        command_log.record_many(uow.session, entries, self.clock())
        report.written = bool(recordings)
