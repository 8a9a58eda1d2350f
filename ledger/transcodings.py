"""How ledger values are stored in the event store's JSON.

Dates, the value objects events carry, and the state objects snapshots carry
each get an explicit transcoding with a stable name: renaming a class must not
change what is on disk.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)

from ledger.aggregates import state


class DateAsISO(Transcoding):
    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class DataclassAsDict(Transcoding):
    def __init__(self, cls: type[Any], name: str) -> None:
        self.type = cls
        self.name = name

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


STATE_CLASSES: dict[str, type[Any]] = {
    "allocation": state.Allocation,
    "instalment": state.Instalment,
    "movement": state.Movement,
    "invoice": state.Invoice,
    "payment": state.Payment,
    "dispute": state.Dispute,
    "promise": state.Promise,
    "payment_plan": state.PaymentPlan,
    "settlement": state.Settlement,
    "write_off_request": state.WriteOffRequest,
    "contact_record": state.ContactRecord,
    "task": state.Task,
}


def register_ledger_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for name, cls in STATE_CLASSES.items():
        transcoder.register(DataclassAsDict(cls, name))


def stored_event_mapper() -> Mapper[UUID]:
    """A mapper reading stored events as the application's does (the library's default
    transcodings and the ledger's; no compressor, no cipher), for code that has the event
    store's connection but no application: a migration."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_ledger_transcodings(transcoder)
    return Mapper(transcoder=transcoder)
