"""A time the ledger stamped in UTC, as a response states it: with its offset.

The ledger stores every time in UTC, but SQLite hands a stored time back without its
offset; the contract promises RFC 3339 date-times, so a naive one is read as the UTC it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator

from ledger.projections.stored_times import as_utc

UtcTime = Annotated[datetime, AfterValidator(as_utc)]
