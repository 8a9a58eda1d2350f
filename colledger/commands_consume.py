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

from infra.settings import Settings

FEEDS = ("erp-invoices", "bank-payments")


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


def topic_of(feed: str, settings: Settings) -> str:
    return settings.erp_invoices_topic if feed == "erp-invoices" else settings.bank_payments_topic


def run_consume(args: argparse.Namespace) -> int:
    from kafka.errors import KafkaError

    from api.logging_setup import configure_logging
    from colledger.wiring import service_for, settings_for
    from consumers.bank_payments import BANK_PAYMENTS
    from consumers.erp_invoices import ERP_INVOICES
    from consumers.feed import FeedOptions, FeedStopped, run_feed
    from infra.kafka_clients import kafka_settings_from

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
    feed = ERP_INVOICES if args.feed == "erp-invoices" else BANK_PAYMENTS
    options = FeedOptions(
        topic=topic_of(args.feed, settings),
        group=args.group or f"colledger-{feed.name}",
        max_messages=args.max_messages,
        until_idle=args.until_idle,
    )
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        stats = run_feed(service_for(args), kafka_settings_from(settings), feed, options, stop)
    except FeedStopped as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KafkaError as error:
        print(f"error: Kafka at {settings.kafka_bootstrap}: {error!r}", file=sys.stderr)
        return 1
    print(
        f"{feed.name}: {stats.stored} stored, {stats.already_stored} already stored, "
        f"{stats.dead_lettered} dead-lettered ({options.topic})"
    )
    return 0
