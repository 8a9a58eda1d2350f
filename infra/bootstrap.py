"""The composition root: settings in, a wired ledger out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from infra.settings import Settings
from ledger.aggregates.contact_policy import ContactPolicies, ContactPolicy
from ledger.aggregates.four_eyes import FourEyesPolicy
from ledger.application import LedgerApplication
from ledger.policies import Policies
from ledger.service import LedgerService


def utc_now() -> datetime:
    return datetime.now(UTC)


def event_store_env(database_url: str) -> dict[str, str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
        "SQLALCHEMY_URL": database_url,
    }


def policies_from(settings: Settings) -> Policies:
    return Policies(
        four_eyes=FourEyesPolicy(settings.four_eyes_threshold, settings.four_eyes_thresholds),
        settlement_four_eyes=None if settings.settlement_four_eyes_threshold is None
        else FourEyesPolicy(settings.settlement_four_eyes_threshold,
                            settings.settlement_four_eyes_thresholds),
        contact=ContactPolicies(
            default=ContactPolicy(enabled=settings.contact_policy_enabled),
            by_portfolio=settings.contact_policies_by_portfolio,
        ),
    )


def bootstrap(
    settings: Settings | None = None, clock: Callable[[], datetime] = utc_now
) -> LedgerService:
    settings = settings or Settings()
    app = LedgerApplication(env=event_store_env(settings.database_url))
    return LedgerService(app, policies_from(settings), clock)
