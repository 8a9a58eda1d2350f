"""Apply a batch so that an event the projection cannot apply costs one account, not the log.

The happy path is the batch as before, in one SAVEPOINT: two more statements per batch,
and COPY stays COPY. Only when it fails is the failure isolated: the batch's accounts are
halved, each half tried in a savepoint of its own, and the failing halves halved again
until one account is left; its events are then tried one at a time, and the first that
fails quarantines the account (`quarantine`). Everything else of the batch is applied.
Accounts are independent in every projection (each row is keyed by its account), so
applying them apart gives the same rows as applying them together.

Errors that are no event's fault — the database gone, a table missing, a statement
cancelled (PEP 249's operational, interface, programming and internal errors) — are
raised as before, so the caller rolls back and retries rather than quarantine the
portfolio one account at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from ledger.projections.projection import Positioned, Projection, Tables
from ledger.projections.quarantine import Quarantine, QuarantineBook

Numbers = Callable[[Any, str], str | None]
"""The account number of an account id, if it can be found: (session, account_id)."""

NOT_THE_EVENTS_FAULT = frozenset(
    {"OperationalError", "InterfaceError", "ProgrammingError", "InternalError",
     "NotSupportedError"}
)
MAX_MESSAGE = 300


def apply_guarded(session: Any, projection: Projection, tables: Tables,
                  events: Sequence[Positioned], book: QuarantineBook,
                  number_of: Numbers) -> None:
    """Apply ``events`` but those of accounts the book holds; quarantine what fails."""
    todo = book.without_quarantined(projection.name, events)
    if not todo:
        return
    _ready_for_savepoints(session)
    if _attempt(session, projection, tables, todo) is None:
        return
    for item, error, later in _isolate(session, projection, tables, _by_account(todo)):
        account = str(item.event.originator_id)
        number = getattr(item.event, "number", None) or number_of(session, account)
        book.add(quarantine_of(projection.name, account, number, item.position,
                               item.event.originator_version, item.event.event_type, error))
        book.skipped[(projection.name, account)] += later


def quarantine_of(projection: str, account_id: str, number: str | None, position: int,
                  version: int, event_type: str, error: BaseException) -> Quarantine:
    error_class, message = describe(error)
    return Quarantine(projection, account_id, number, position, version, event_type,
                      error_class, message, datetime.now(UTC))


def describe(error: BaseException) -> tuple[str, str]:
    """The error's class and first line, without the statement or its parameters
    (SQLAlchemy's text carries both, and they may hold personal data)."""
    cause = getattr(error, "orig", None) or error
    diag = getattr(cause, "diag", None)
    message = getattr(diag, "message_primary", None) or str(cause)
    first = message.strip().splitlines()[0] if message.strip() else ""
    return type(cause).__name__, first[:MAX_MESSAGE]


def is_the_events_fault(error: BaseException) -> bool:
    causes = [error, getattr(error, "orig", None)]
    return not any(
        klass.__name__ in NOT_THE_EVENTS_FAULT
        for cause in causes if cause is not None for klass in type(cause).__mro__
    )


Failure = tuple[Positioned, BaseException, int]
"""The first event of an account that failed, why, and how many of its events follow."""


def _isolate(session: Any, projection: Projection, tables: Tables,
             groups: list[list[Positioned]]) -> list[Failure]:
    """Given groups (one per account) that fail together, apply all that can be."""
    if len(groups) == 1:
        return _first_failure(session, projection, tables, groups[0])
    middle = len(groups) // 2
    failures = []
    for half in (groups[:middle], groups[middle:]):
        flat = [item for group in half for item in group]
        if _attempt(session, projection, tables, flat) is not None:
            failures += _isolate(session, projection, tables, half)
    return failures


def _first_failure(session: Any, projection: Projection, tables: Tables,
                   events: list[Positioned]) -> list[Failure]:
    for index, item in enumerate(events):
        error = _attempt(session, projection, tables, [item])
        if error is not None:
            return [(item, error, len(events) - index - 1)]
    return []


def _attempt(session: Any, projection: Projection, tables: Tables,
             events: Sequence[Positioned]) -> BaseException | None:
    """Apply in a savepoint; the error if it failed because of the events."""
    try:
        with session.begin_nested():
            projection.handle(session, tables, events)
    except Exception as error:
        if not is_the_events_fault(error):
            raise
        return error
    return None


def _by_account(events: Sequence[Positioned]) -> list[list[Positioned]]:
    groups: dict[str, list[Positioned]] = {}
    for item in events:
        groups.setdefault(str(item.event.originator_id), []).append(item)
    return list(groups.values())


def _ready_for_savepoints(session: Any) -> None:
    """pysqlite begins a transaction only before a write, and a SAVEPOINT outside one
    would be committed by its RELEASE: begin it first if nothing was written yet."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN")
