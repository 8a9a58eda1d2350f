"""The ledger for a CLI invocation: settings from the environment and the flags, then
`infra.bootstrap`, the one place anything is wired."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from infra.bootstrap import Ledger, bootstrap, utc_now
from infra.settings import Settings
from ledger.service import LedgerService


def settings_for(args: argparse.Namespace, **overrides: Any) -> Settings:
    if args.database_url:
        overrides["database_url"] = args.database_url
    return Settings(**overrides)


def ledger_for(
    args: argparse.Namespace, clock: Callable[[], datetime] = utc_now, **overrides: Any
) -> Ledger:
    """``overrides``: settings a command's flags decide (e.g. ``projection_batch_size``)."""
    return bootstrap(settings_for(args, **overrides), clock=clock)


def service_for(
    args: argparse.Namespace, clock: Callable[[], datetime] = utc_now
) -> LedgerService:
    return ledger_for(args, clock).service
