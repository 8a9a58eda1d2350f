"""`colledger relay`: publish the event store's events to Kafka (docs/kafka.md).

Kafka modules are imported only when a relay is really started, so a ledger without
``COLLEDGER_KAFKA_BOOTSTRAP`` never loads kafka-python.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from infra.settings import Settings
from ledger.service import LedgerService

if TYPE_CHECKING:
    from consumers.relay import Relay

DEFAULT_BATCH = 500
StopFunction = Callable[[], None]


def register(sub: Any) -> None:
    relay = sub.add_parser(
        "relay", help="publish every stored event to Kafka ($COLLEDGER_KAFKA_BOOTSTRAP)"
    )
    relay.add_argument(
        "--once", action="store_true", help="publish what is stored, then exit (errors exit 1)"
    )
    relay.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH, help=f"events per batch ({DEFAULT_BATCH})"
    )
    relay.set_defaults(run=run_relay)


def relay_for(service: LedgerService, settings: Settings, batch_size: int = DEFAULT_BATCH) -> Relay:
    """A relay for this store and these settings; raises `KafkaNotConfigured` without Kafka."""
    from consumers.relay import Relay, RelayOptions
    from infra.kafka_clients import kafka_settings_from

    options = RelayOptions(
        topic=settings.events_topic, partitions=settings.events_partitions, batch_size=batch_size
    )
    return Relay(service.app, kafka_settings_from(settings), options)


def background_relay(
    service: LedgerService, settings: Settings
) -> list[Callable[[], StopFunction]]:
    """What the embedded server runs beside the API: the relay when Kafka is configured."""
    if not settings.kafka_bootstrap:
        return []

    def start() -> StopFunction:
        quiet_kafka_python()
        return relay_for(service, settings).start_background()

    return [start]


def quiet_kafka_python() -> None:
    """kafka-python logs every connection at INFO; the relay logs what an operator needs."""
    logging.getLogger("kafka").setLevel(logging.WARNING)


def run_relay(args: argparse.Namespace) -> int:
    from api.logging_setup import configure_logging
    from colledger.wiring import service_for, settings_for

    settings = settings_for(args)
    if not settings.kafka_bootstrap:
        print("error: set COLLEDGER_KAFKA_BOOTSTRAP (host:port) to run the relay", file=sys.stderr)
        return 2
    if args.batch_size < 1:
        print("error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    configure_logging()
    quiet_kafka_python()
    relay = relay_for(service_for(args), settings, args.batch_size)
    if args.once:
        try:
            relay.catch_up()
        except Exception as error:  # noqa: BLE001 - one line for the operator, not a traceback
            print(f"error: relay stopped at position {relay.position()}: {error!r}",
                  file=sys.stderr)
            return 1
        return 0
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    relay.run(stop)
    return 0
