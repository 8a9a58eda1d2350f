"""Dead letters: a message the feed could not accept, kept beside its topic with the reason.

The dead letter is the original message (key, value and headers, byte for byte, so it
can be produced again as it was) with headers saying why and where from. Its send is
waited for: the feed commits the original's offset only once the broker has the dead
letter, so a message is never both skipped and lost. See docs/feeds.md for replaying.
"""

from __future__ import annotations

from dataclasses import dataclass

from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord

DLQ_SUFFIX = ".dlq"
MAX_ERROR_MESSAGE = 2000  # characters of error-message kept

ERROR_TYPE = "error-type"
ERROR_MESSAGE = "error-message"
ORIGINAL_TOPIC = "original-topic"
ORIGINAL_PARTITION = "original-partition"
ORIGINAL_OFFSET = "original-offset"
OUR_HEADERS = (ERROR_TYPE, ERROR_MESSAGE, ORIGINAL_TOPIC, ORIGINAL_PARTITION, ORIGINAL_OFFSET)


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


@dataclass(frozen=True)
class DeadLetter:
    """Why a message was refused: a stable machine name and a sentence for a person."""

    error_type: str
    message: str


def dead_letter_headers(record: ConsumerRecord, reason: DeadLetter) -> list[tuple[str, bytes]]:
    """The original headers (except any of ours, from a replayed dead letter), then ours."""
    kept = [(name, value) for name, value in record.headers or [] if name not in OUR_HEADERS]
    return kept + [
        (ERROR_TYPE, reason.error_type.encode()),
        (ERROR_MESSAGE, reason.message[:MAX_ERROR_MESSAGE].encode()),
        (ORIGINAL_TOPIC, record.topic.encode()),
        (ORIGINAL_PARTITION, str(record.partition).encode()),
        (ORIGINAL_OFFSET, str(record.offset).encode()),
    ]


def send_dead_letter(
    producer: KafkaProducer, record: ConsumerRecord, reason: DeadLetter, timeout: float
) -> None:
    """Produce the dead letter and wait for the broker's acknowledgement (raises on failure)."""
    future = producer.send(
        dead_letter_topic(record.topic),
        key=record.key,
        value=record.value,
        headers=dead_letter_headers(record, reason),
    )
    future.get(timeout=timeout)
