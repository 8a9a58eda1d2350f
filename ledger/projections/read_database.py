"""Where the read models live: beside the events, or in a database of their own.

Every read-model transaction (queries, the runner's batches, rebuilds, stored worklists)
goes through a `ReadStore`. By default it is the event store's own datastore, so rows,
tracking and events share one database. With a read database (``read_models_url``,
docs/read-models.md, *Scaling reads out*) it is a `ReadDatabase`: rows and tracking still
share one transaction, of that database, which is all exactly-once needs; the events are
read from the primary in transactions of its own.

`ReadDatabase` is deliberately not the eventsourcing library's datastore: the library
keeps one current transaction per context for all its datastores, so a batch's read of the
primary's log, made inside the read database's transaction, would join that transaction
and read the read database instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from sqlalchemy import Table
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


class ReadStore(Protocol):
    """What read models need of a database: an engine, and transactions on it."""

    engine: Any

    def transaction(self, commit: bool) -> AbstractContextManager[Any]: ...


class ReadDatabase:
    """Read models in a database of their own; SQLite writers take turns, as the
    library's datastore makes them (one writer at a time, never ``database is locked``).

    ``elsewhere``: tables a read consults that stay in another database, each with that
    database's engine; the session sends statements on them there. Personal-data keys
    are one: they stay beside the events, so an erasure still deletes one row and every
    copy of the account's personal fields, read models included, becomes unreadable.
    """

    def __init__(self, engine: Engine, elsewhere: Mapping[Table, Engine] | None = None
                 ) -> None:
        self.engine = engine
        self.sessions = sessionmaker(bind=engine, binds=dict(elsewhere or {}))
        self.write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    @contextmanager
    def transaction(self, commit: bool) -> Iterator[Session]:
        lock = self.write_lock if commit else None
        if lock is not None:
            lock.acquire()
        session = self.sessions()
        try:
            session.begin()
            yield session
            if commit:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            if lock is not None:
                lock.release()

    def dispose(self) -> None:
        self.engine.dispose()
