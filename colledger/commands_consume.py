"""`colledger consume erp-invoices|bank-payments`: run an inbound feed (docs/feeds.md).

Kafka modules are imported only when a feed is really started, so a ledger without
``COLLEDGER_KAFKA_BOOTSTRAP`` never loads kafka-python.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType
from typing import Any

from infra.bootstrap import FEEDS


def register(sub: Any) -> None:
    consume = sub.add_parser(
        "consume", help="turn an inbound Kafka feed into commands ($COLLEDGER_KAFKA_BOOTSTRAP)"
    )
    consume.add_argument("feed", choices=FEEDS, help="which feed")
    consume.add_argument(
        "--group", help="consumer group (default: colledger-<feed>); members share partitions"
    )
    stop_after = consume.add_mutually_exclusive_group()
    stop_after.add_argument(
        "--max-messages", type=int, metavar="N",
        help="stop after N messages (stored, already stored or dead-lettered)",
    )
    stop_after.add_argument(
        "--until-idle", type=float, metavar="SECONDS",
        help="stop once no message has arrived for SECONDS",
    )
    consume.set_defaults(run=run_consume)


def run_consume(args: argparse.Namespace) -> int:
    from kafka.errors import KafkaError

    from api.logging_setup import configure_logging
    from colledger.wiring import ledger_for, settings_for
    from consumers.feed import FeedStopped

    settings = settings_for(args)
    if not settings.kafka_bootstrap:
        print("error: set COLLEDGER_KAFKA_BOOTSTRAP (host:port) to consume a feed",
              file=sys.stderr)
        return 2
    if (args.max_messages is not None and args.max_messages < 1) or (
        args.until_idle is not None and args.until_idle <= 0
    ):
        print("error: --max-messages and --until-idle must be positive", file=sys.stderr)
        return 2
    configure_logging()
    logging.getLogger("kafka").setLevel(logging.WARNING)  # its INFO is per connection
    consumer = ledger_for(args).feed(args.feed, group=args.group,
                                     max_messages=args.max_messages, until_idle=args.until_idle)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        stats = consumer.run(stop)
    except FeedStopped as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KafkaError as error:
        print(f"error: Kafka at {settings.kafka_bootstrap}: {error!r}", file=sys.stderr)
        return 1
    print(
        f"{consumer.feed.name}: {stats.stored} stored, {stats.already_stored} already "
        f"stored, {stats.dead_lettered} dead-lettered ({consumer.options.topic})"
    )
    return 0
