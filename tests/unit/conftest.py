from __future__ import annotations

import pytest

from ledger.service import LedgerService
from tests.builders import SteppingClock, make_service


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def service(clock: SteppingClock) -> LedgerService:
    ledger, _ = make_service(clock=clock)
    return ledger
