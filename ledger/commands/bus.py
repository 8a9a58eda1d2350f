"""Carries out commands: idempotently, atomically, with bounded retry on conflict.

For each command: look up its id in the command log (same content: return the
original result; different content: conflict), load the account, let the
handler decide, save the events and the log row in one transaction. When
another writer got to the account first (the version is taken), reload and
decide again, a few times at most.
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
from ledger.aggregates.errors import ConcurrencyConflict, IdempotencyConflict, LedgerError
from ledger.application import LedgerApplication
from ledger.commands import command_log
from ledger.commands.base import Actor, Command, CommandResult
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
        command_log.create_tables(app.datastore.engine)

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
                raise report.errors[0]
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
        report = BatchReport()
        with self.app.datastore.transaction(commit=True) as session:
            uow = UnitOfWork(self.app, session, actor, self.clock, self.policies)
            decided: list[tuple[int, Command, list[LedgerEvent]]] = []
            in_batch: dict[str, tuple[str, int]] = {}
            repeats: dict[int, int] = {}
            for position, command in enumerate(batch):
                uow.recorded_at = recorded_at[position] if recorded_at else None
                uow.actor = actors[position] if actors else actor
                try:
                    uow.accounts.lock(command.account)
                    earlier = self._repeat_of(in_batch, command)
                    if earlier is not None:
                        repeats[position] = earlier
                        continue
                    replay = self._seen_before(session, command)
                    if replay is not None:
                        report.results[position] = replay
                        continue
                    decided.append((position, command, self._decide(uow, command)))
                    in_batch[command.command_id] = (command_log.digest_of(command), position)
                except LedgerError as error:
                    report.errors[position] = error
            if report.errors and atomic:
                return report
            self._save(uow, decided, report)
            for position, earlier in repeats.items():
                report.results[position] = replace(report.results[earlier], replayed=True)
        return report

    @staticmethod
    def _repeat_of(in_batch: dict[str, tuple[str, int]], command: Command) -> int | None:
        """Position of an earlier command of this batch with the same id: the log only
        learns of it on save, and a second log row for one id would fail the whole batch."""
        found = in_batch.get(command.command_id)
        if found is None:
            return None
        digest, position = found
        if digest != command_log.digest_of(command):
            raise IdempotencyConflict(
                f"command id {command.command_id!r} is used twice in this batch for "
                "different commands"
            )
        return position

    def _seen_before(self, session: object, command: Command) -> CommandResult | None:
        found = command_log.find(session, command.command_id)
        if found is None:
            return None
        digest, result = found
        if digest != command_log.digest_of(command):
            raise IdempotencyConflict(
                f"command id {command.command_id!r} was already used for a different command"
            )
        return replace(result, replayed=True)

    @staticmethod
    def _decide(uow: UnitOfWork, command: Command) -> list[LedgerEvent]:
        """Run the handler and return the events it made.

        Commands check every rule before recording their first event; should one
        ever fail half-way, the batch is abandoned rather than saved half-made.
        """
        uow.command = command
        before = {a.id: len(a.pending_events) for a in uow.accounts.seen.values()}
        try:
            HANDLERS[type(command)](command, uow)
        except LedgerError as error:
            seen = uow.accounts.seen.values()
            if any(len(a.pending_events) != before.get(a.id, 0) for a in seen):
                raise RuntimeError(f"{type(command).__name__} failed half-way") from error
            raise
        return [
            cast(LedgerEvent, event)
            for account in uow.accounts.seen.values()
            for event in account.pending_events[before.get(account.id, 0) :]
        ]

    def _save(
        self,
        uow: UnitOfWork,
        decided: list[tuple[int, Command, list[LedgerEvent]]],
        report: BatchReport,
    ) -> None:
        recordings = self.app.save(*uow.pending_accounts())
        position_of = {id(r.domain_event): r.notification.id for r in recordings}
        now = self.clock()
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
                command_log.record(uow.session, command, result, events[0].actor_id, now)
            report.results[position] = result
        report.written = bool(recordings)
