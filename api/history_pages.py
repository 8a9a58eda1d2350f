"""Account histories and the audit trail from the history read model, a page at a time.

A page is records shaped like `LedgerService.history` plus the log ``position``,
and a cursor for the next page. Exports walk the pages, so a trail of any length
streams in bounded memory; the first page is read before anything is sent, so an
unknown account is still a 404 rather than a broken download.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ledger.projections.history import account_history, events_between
from ledger.projections.read_models import ReadModels

EXPORT_BATCH = 1000
HISTORY_COLUMNS = (
    "position", "account_id", "version", "type", "effective_on", "recorded_at", "actor_id",
    "actor_role", "command_id", "correlation_id", "prev_hash", "hash", "payload",
)


@dataclass(frozen=True)
class RecordPage:
    records: list[dict[str, Any]]
    next_cursor: int | None


def account_page(models: ReadModels, number: str, after_version: int, limit: int) -> RecordPage:
    """Events of the account after ``after_version``, oldest first; refused
    (`AccountQuarantined`) while the history read model has the account quarantined."""
    models.excluded("history").check(number)
    page = models.read(
        lambda s: account_history(s, models.tables("history"), number, after_version, limit)
    )
    return RecordPage([{"position": e.position, **e.record()} for e in page.items],
                      page.next_cursor)


def log_page(models: ReadModels, after_position: int, limit: int) -> RecordPage:
    """Events of every account after ``after_position``, in log order."""
    entries = models.read(
        lambda s: events_between(s, models.tables("history"), after_position + 1, limit + 1)
    )
    records = [{"position": e.position, **e.record()} for e in entries[:limit]]
    return RecordPage(records, records[-1]["position"] if len(entries) > limit else None)


def account_records(
    models: ReadModels, number: str, after_version: int
) -> Iterator[dict[str, Any]]:
    first = account_page(models, number, after_version, EXPORT_BATCH)
    return _walk(first, lambda cursor: account_page(models, number, cursor, EXPORT_BATCH))


def log_records(models: ReadModels, after_position: int) -> Iterator[dict[str, Any]]:
    first = log_page(models, after_position, EXPORT_BATCH)
    return _walk(first, lambda cursor: log_page(models, cursor, EXPORT_BATCH))


def _walk(page: RecordPage, following: Callable[[int], RecordPage]) -> Iterator[dict[str, Any]]:
    while True:
        yield from page.records
        if page.next_cursor is None:
            return
        page = following(page.next_cursor)
