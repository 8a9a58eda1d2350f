"""The composition root: settings in, the whole ledger out.

Every entry point (the API, the CLI, the Kafka consumers) starts here and wires
nothing itself: `bootstrap` opens the event store, brings its schema to the latest
migration (or, with ``upgrade_schema_on_start`` off, refuses a schema that is behind),
and builds the service, the read models and the key store on it. Kafka clients are
made only by the factories that need them, so a ledger without Kafka never loads
kafka-python.

With ``read_models_url`` the read models live in a database of their own (docs/
read-models.md, *Scaling reads out*): commands still go to the event store, which is
migrated with the ``store`` branch only, and the read database with ``read_models``
only. A relay keeps its position in ``projection_tracking``, a read-model table, so a
store with Kafka configured keeps the ``read_models`` branch too (its tables stay empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from api.keys import KeyStore
from infra.dunning_file import load_dunning_file
from infra.migrations.runner import is_current, upgrade
from infra.migrations.schema import BRANCHES, READ_MODELS, STORE
from infra.settings import Settings
from infra.smtp_sender import SmtpSender
from infra.worklist_file import load_worklist_file
from ledger.aggregates.approval_expiry import ApprovalExpiry
from ledger.aggregates.contact_policy import ContactPolicies, ContactPolicy
from ledger.aggregates.dispute_reasons import dispute_reasons
from ledger.aggregates.four_eyes import FourEyesPolicy
from ledger.application import LedgerApplication
from ledger.audit.checkpoint_schedule import PeriodicCheckpoints
from ledger.audit.policy_records import StoredDunning, record_policy
from ledger.audit.worklist_policy_records import StoredWorklistPolicy, record_worklist_policy
from ledger.cash.policy import CashPolicy
from ledger.daily_loop.portfolios import Portfolios
from ledger.daily_loop.scheduler import DailyLoop
from ledger.daily_loop.ticked_days import TickedDays
from ledger.fx_rates import FxRates, reporting_for
from ledger.notices.delivery import Delivered, deliver_notices
from ledger.personal_data.key_table import personal_data_keys
from ledger.policies import Policies
from ledger.projections.read_database import ReadDatabase
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService

if TYPE_CHECKING:
    from consumers.feed import FeedConsumer
    from consumers.notices_relay import NoticesRelay
    from consumers.projection_worker import WorkerOptions, WorkerStats
    from consumers.relay import Relay

FEEDS = ("erp-invoices", "bank-payments")
StopFunction = Callable[[], None]


class SchemaNotCurrent(RuntimeError):
    """The store's schema is behind this release and may not be upgraded on start."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Ledger:
    """One ledger on one store: what every entry point works with."""

    settings: Settings
    service: LedgerService
    read_models: ReadModels
    keys: KeyStore

    @property
    def app(self) -> LedgerApplication:
        return self.service.app

    def relay(self, batch_size: int | None = None) -> Relay:
        """The relay to the events topic; raises `KafkaNotConfigured` without Kafka."""
        from consumers.relay import Relay, RelayOptions
        from infra.kafka_clients import kafka_settings_from

        options = RelayOptions(topic=self.settings.events_topic,
                               partitions=self.settings.events_partitions,
                               **({"batch_size": batch_size} if batch_size else {}))
        return Relay(self.app, kafka_settings_from(self.settings), options)

    def notices_relay(self, batch_size: int | None = None) -> NoticesRelay:
        """The relay of notices to external mailers (``collections.notices.v1``)."""
        from consumers.notices_relay import NoticesRelay, notices_options
        from infra.kafka_clients import kafka_settings_from

        options = notices_options(batch_size, self.settings.events_partitions)
        return NoticesRelay(self.service, kafka_settings_from(self.settings), options)

    @cached_property
    def daily_loop(self) -> DailyLoop:
        """The portfolios' ticks; one per ledger, so the scheduler and the API share it."""
        return DailyLoop(self.service, Portfolios.from_setting(self.settings.portfolios),
                         TickedDays(self.app.datastore.engine),
                         after_ticks=self.deliver_notices if self.notice_sender else None)

    @cached_property
    def notice_sender(self) -> SmtpSender | None:
        """The SMTP sender of notices; None when ``COLLEDGER_SMTP_HOST`` is unset."""
        s = self.settings
        return None if not s.smtp_host else SmtpSender(s.smtp_host, s.smtp_port, s.smtp_from)

    def deliver_notices(self) -> list[Delivered]:
        """Deliver every notice issued and not yet delivered (nothing when SMTP is off)."""
        sender = self.notice_sender
        return [] if sender is None else deliver_notices(self.service, sender)

    def background(self) -> list[Callable[[], StopFunction]]:
        """What runs beside the API: the relays (events, notices), when Kafka is configured;
        the scheduler, unless switched off."""
        starters: list[Callable[[], StopFunction]] = []
        if self.settings.kafka_bootstrap:

            def start() -> StopFunction:
                quiet_kafka_python()
                return self.relay().start_background()

            starters.append(start)
            starters.append(lambda: self.notices_relay().start_background())
        if self.settings.scheduler_enabled:
            starters.append(lambda: self.daily_loop.start_background(
                self.settings.scheduler_interval_seconds))
        return starters

    def feed(self, name: str, **options: Any) -> FeedConsumer:
        """An inbound feed (`FEEDS`) consuming its topic; ``options`` as `FeedOptions`."""
        from consumers.bank_payments import BANK_PAYMENTS
        from consumers.erp_invoices import ERP_INVOICES
        from consumers.feed import FeedConsumer, FeedOptions
        from infra.kafka_clients import kafka_settings_from

        if name not in FEEDS:
            raise ValueError(f"unknown feed {name!r}; choose from {FEEDS}")
        feed = ERP_INVOICES if name == "erp-invoices" else BANK_PAYMENTS
        topic = (self.settings.erp_invoices_topic if name == "erp-invoices"
                 else self.settings.bank_payments_topic)
        group = options.pop("group", None) or f"colledger-{feed.name}"
        return FeedConsumer(self.service, kafka_settings_from(self.settings), feed,
                            FeedOptions(topic=topic, group=group, **options))


def bootstrap(
    settings: Settings | None = None, clock: Callable[[], datetime] = utc_now
) -> Ledger:
    settings = settings or Settings()
    app = LedgerApplication(env=event_store_env(settings.database_url))
    prepare_schema(app.datastore.engine, settings.database_url, settings,
                   store_branches(settings))
    read_database = read_database_for(settings, app.datastore.engine)
    policies = replace(policies_from(settings), dunning=dunning_from(settings, app, clock),
                       worklist=worklist_from(settings, app, clock))
    read_models = ReadModels(
        app, batch_size=settings.projection_batch_size,
        contact_policies=policies.contact, clock=clock,
        after_batch=PeriodicCheckpoints(app, settings.checkpoint_every, clock),
        store=read_database, fed_by=settings.read_models_fed_by,
    )
    read_models.reporting = reporting_for(settings.reporting_currency,
                                          FxRates(app.datastore.engine))
    read_models.worklist_policy = policies.worklist
    service = LedgerService(app, policies, clock, read_models)
    return Ledger(settings, service, read_models, KeyStore(app, clock))


def store_branches(settings: Settings) -> tuple[str, ...]:
    """Every branch beside the read models; split, the store's alone (and the read-model
    branch for the relay's position row while Kafka is configured)."""
    if not settings.split_read_side:
        return BRANCHES
    return (STORE, READ_MODELS) if settings.kafka_bootstrap else (STORE,)


def read_database_for(settings: Settings, store: Engine) -> ReadDatabase | None:
    """The read models' own database, migrated with the read-model branch alone; None
    when they live beside the events. Personal-data keys are read from the ``store``."""
    if not settings.split_read_side or settings.read_models_url is None:
        return None
    engine = read_engine(settings.read_models_url)
    prepare_schema(engine, settings.read_models_url, settings, (READ_MODELS,))
    return ReadDatabase(engine, elsewhere={personal_data_keys: store})


def read_engine(url: str) -> Engine:
    """SQLite in memory is one connection shared by every thread, as for the store."""
    event_store_env(url)  # a SQLite file's folder, as for the store
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        return create_engine(url, poolclass=StaticPool,
                             connect_args={"check_same_thread": False})
    return create_engine(url)


def prepare_schema(
    engine: Engine, url: str, settings: Settings, branches: tuple[str, ...] = BRANCHES
) -> None:
    """The library's recorder has made its own tables; migrations make the rest."""
    if settings.upgrade_schema_on_start:
        upgrade(engine, branches)
        return
    with engine.connect() as connection:
        if not is_current(connection, branches):
            raise SchemaNotCurrent(
                f"the schema of {make_url(url).render_as_string()} is "
                "behind this release: run `colledger db upgrade` first"
            )


def run_kafka_projections(
    settings: Settings, options: WorkerOptions, stop: Any = None
) -> WorkerStats:
    """A projection worker on the read-model database: ``settings.read_models_url`` when
    set (the API's settings serve its workers too), else ``settings.database_url``; never
    an event store: it is migrated with the read-model branch only, docs/read-models.md."""
    from consumers.projection_worker import run_worker
    from infra.kafka_clients import kafka_settings_from

    url = settings.read_models_url or settings.database_url
    return run_worker(url, kafka_settings_from(settings), options, stop)


def quiet_kafka_python() -> None:
    """kafka-python logs every connection at INFO; the relay logs what an operator needs."""
    import logging

    logging.getLogger("kafka").setLevel(logging.WARNING)


def event_store_env(database_url: str) -> dict[str, str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
        "SQLALCHEMY_URL": database_url,
    }


def dunning_from(
    settings: Settings, app: LedgerApplication, clock: Callable[[], datetime]
) -> StoredDunning:
    """The file validated (`DunningFileInvalid` refuses to start), recorded if changed;
    runs read the versions on record, never the file."""
    document = load_dunning_file(settings.dunning_policy_file)
    record_policy(app, document, settings.dunning_policy_file.name, clock())
    return StoredDunning(app)


def worklist_from(
    settings: Settings, app: LedgerApplication, clock: Callable[[], datetime]
) -> StoredWorklistPolicy:
    """The weights file validated (`WorklistFileInvalid` refuses to start), recorded if
    changed; worklists rank with the versions on record, never the file."""
    document = load_worklist_file(settings.worklist_policy_file)
    record_worklist_policy(app, document, settings.worklist_policy_file.name, clock())
    return StoredWorklistPolicy(app)


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
        approval_expiry=ApprovalExpiry(settings.approval_expiry_days),
        dispute_reasons=dispute_reasons(settings.dispute_reason_codes),
        cash=CashPolicy(settings.short_payment_tolerance, settings.payer_name_threshold),
    )
