"""`colledger relay`: publish the event store's events to Kafka (docs/kafka.md); with
``--notices``, each notice sent to ``collections.notices.v1`` for external mailers
(docs/events.md, *The notices topic*).

Kafka modules are imported only when a relay is really started, so a ledger without
``COLLEDGER_KAFKA_BOOTSTRAP`` never loads kafka-python.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

DEFAULT_BATCH = 500


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
    relay.add_argument(
        "--notices", action="store_true",
        help="publish notices for external mailers to collections.notices.v1 instead"
    )
    relay.set_defaults(run=run_relay)


def run_relay(args: argparse.Namespace) -> int:
    from api.logging_setup import configure_logging
    from colledger.wiring import ledger_for, settings_for
    from infra.bootstrap import quiet_kafka_python

    settings = settings_for(args)
    if not settings.kafka_bootstrap:
        print("error: set COLLEDGER_KAFKA_BOOTSTRAP (host:port) to run the relay", file=sys.stderr)
        return 2
    if args.batch_size < 1:
        print("error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    configure_logging()
    quiet_kafka_python()
    ledger = ledger_for(args)
    relay = (ledger.notices_relay if args.notices else ledger.relay)(args.batch_size)
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
