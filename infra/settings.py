"""Runtime settings: the one place that reads environment variables."""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from infra.dunning_file import EXAMPLE_FILE
from infra.worklist_file import EXAMPLE_FILE as WORKLIST_EXAMPLE_FILE
from ledger.aggregates.contact_policy import ContactPolicy
from ledger.aggregates.dispute_reasons import DISPUTE_REASONS
from ledger.currencies import is_known_currency, minor_units
from ledger.daily_loop.portfolios import PortfolioClock

DEFAULT_SQLITE = Path("var") / "ledger.db"
PROCESS_SESSION_SECRET = SecretStr(secrets.token_urlsafe(32))
"""The workspace's cookie secret when none is configured: one per process, so every
session ends when the server restarts (and two processes do not honour each other's)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COLLEDGER_", extra="ignore")

    database_url: str = f"sqlite:///{DEFAULT_SQLITE}"
    # The read models' own database (docs/read-models.md, "Scaling reads out"): commands
    # still go to `database_url`, reads come from here. None: beside the events.
    read_models_url: str | None = None
    # Who keeps that database: this ledger's log runner ("store": `colledger project
    # --follow`, the embedded server) or Kafka workers ("kafka": `project --from-kafka`).
    read_models_fed_by: Literal["store", "kafka"] = "store"
    # Bring the schema to the latest migration when a ledger starts; off, a ledger refuses
    # a schema that is behind and `colledger db upgrade` migrates it (docs/read-models.md).
    upgrade_schema_on_start: bool = True
    four_eyes_threshold: Decimal = Decimal("1000")
    # Rank the worklist and total the portfolio in this ISO 4217 currency with the FX rates
    # imported (docs/domain.md, *Reporting currency*); unset: per currency, as before.
    reporting_currency: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    # JSON by currency, e.g. {"JPY": "150000"}: a threshold is an amount in its currency.
    four_eyes_thresholds: dict[str, Decimal] = {}
    settlement_four_eyes_threshold: Decimal | None = None
    settlement_four_eyes_thresholds: dict[str, Decimal] = {}
    # Cash application (docs/cash-application.md): JSON by currency, e.g. {"EUR": "5.00"}:
    # the most a receipt may fall short and still pay (the rest written off as a bank fee).
    short_payment_tolerance: dict[str, Decimal] = {}
    # How like a customer's name (out of 100) a payer's name must be to identify it.
    payer_name_threshold: int = Field(default=90, ge=50, le=100)
    contact_policy_enabled: bool = True
    # Days a write-off or settlement request may wait for its decision; the daily tick
    # expires it on the day after (docs/domain.md, *Approvals expire*).
    approval_expiry_days: int = Field(default=14, ge=1, le=3650)
    # JSON list, e.g. ["pricing", "quantity", "late_delivery"]: the reason codes a dispute
    # may carry; "other" is always added (disputes recorded before reason codes have it).
    dispute_reason_codes: tuple[str, ...] = DISPUTE_REASONS
    # The dunning policy file (TOML; docs/domain.md, *Dunning policy*), validated at start-up
    # and recorded as a new version on the policy stream when it differs from the latest.
    dunning_policy_file: Path = EXAMPLE_FILE
    # The worklist weights file (TOML; docs/domain.md, *Worklist weights*), likewise.
    worklist_policy_file: Path = WORKLIST_EXAMPLE_FILE
    # JSON, e.g. {"consumer": {"max_calls": 3}}: keyed by the accounts' segment.
    contact_policies_by_portfolio: dict[str, ContactPolicy] = {}
    # The daily loop (docs/domain.md): JSON by segment, e.g. {"consumer": {"timezone":
    # "Europe/London", "cutoff": "18:00"}}; "default" is every other segment's portfolio
    # (UTC, 18:00 unless set). The server ticks each portfolio's day after its cut-off,
    # waking every scheduler_interval_seconds; off, tick with POST /days/{date}/tick.
    portfolios: dict[str, PortfolioClock] = {}
    scheduler_enabled: bool = True
    scheduler_interval_seconds: float = Field(default=60.0, gt=0)
    # Notices by e-mail (ledger/notices/delivery.py): delivered after each scheduled tick and
    # by `colledger dunning deliver` through this SMTP server; unset host: not delivered.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "collections@localhost"
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # Wrong API keys one client address may send in a minute before it is answered 429.
    auth_failures_per_minute: int = Field(default=20, ge=1)

    # The web workspace's session cookie (api/workspace/sessions.py): the secret it is
    # signed with (COLLEDGER_SESSION_SECRET; unset: random per process, sessions end at a
    # restart), how long a sign-in lasts, and whether the cookie is sent only over HTTPS
    # (turn on behind TLS; off so that http://127.0.0.1 works for the demo).
    session_secret: SecretStr = Field(default_factory=lambda: PROCESS_SESSION_SECRET)
    session_hours: float = Field(default=8.0, gt=0)
    session_cookie_secure: bool = False

    # Kafka stays off unless a bootstrap address is configured.
    kafka_bootstrap: str | None = None
    kafka_client_id: str = "colledger"
    events_topic: str = "collections.events.v1"
    # Partitions the relay creates the events topic with (an existing topic is left alone).
    events_partitions: int = 8
    erp_invoices_topic: str = "erp.invoices.v1"
    bank_payments_topic: str = "bank.payments.v1"
    # Consumer group of `colledger project --from-kafka` workers (docs/read-models.md).
    projection_group: str = "colledger-projections"
    # Apache Kafka's defaults; tests shrink them because a group join waits on them.
    kafka_session_timeout_ms: int = 45_000
    kafka_heartbeat_interval_ms: int = 3_000

    # Events per transaction when read models follow the log (`colledger project --batch-size`).
    projection_batch_size: int = Field(default=1000, ge=1)

    # A checkpoint (docs/audit.md) every this many events, recorded by the log
    # follower (`colledger serve`, `colledger project --follow`); 0 turns it off.
    checkpoint_every: int = 10_000

    @field_validator("short_payment_tolerance")
    @classmethod
    def _tolerances_in_their_currency(cls, tolerances: dict[str, Decimal]
                                      ) -> dict[str, Decimal]:
        for code, amount in tolerances.items():
            if not is_known_currency(code):
                raise ValueError(f"{code!r} is not an ISO 4217 currency this ledger knows")
            if not amount.is_finite() or amount < 0 or \
                    amount != amount.quantize(Decimal(1).scaleb(-minor_units(code))):
                raise ValueError(f"tolerance {amount} {code}: a non-negative amount in "
                                 f"{code}'s minor units")
        return tolerances

    @field_validator("reporting_currency")
    @classmethod
    def _known_currency(cls, code: str | None) -> str | None:
        if code is not None and not is_known_currency(code):
            raise ValueError(f"{code!r} is not an ISO 4217 currency this ledger knows")
        return code

    @model_validator(mode="after")
    def _kafka_feeds_a_database_of_its_own(self) -> Settings:
        """Kafka workers never write beside an event store (`projection_mode`)."""
        if self.read_models_fed_by == "kafka" and not self.read_models_url:
            raise ValueError("COLLEDGER_READ_MODELS_FED_BY=kafka needs "
                             "COLLEDGER_READ_MODELS_URL: a read-model database of its own")
        return self

    @property
    def split_read_side(self) -> bool:
        """Read models in a database other than the event store's."""
        return bool(self.read_models_url) and self.read_models_url != self.database_url
