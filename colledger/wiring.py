"""Builds the ledger service for a CLI invocation from settings and flags."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime

from infra.bootstrap import bootstrap, utc_now
from infra.settings import Settings
from ledger.service import LedgerService


def settings_for(args: argparse.Namespace) -> Settings:
    overrides = {"database_url": args.database_url} if args.database_url else {}
    return Settings(**overrides)


def service_for(
    args: argparse.Namespace, clock: Callable[[], datetime] = utc_now
) -> LedgerService:
    return bootstrap(settings_for(args), clock=clock)
