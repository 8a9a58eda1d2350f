"""The notices relay: each `NoticeSent` of the store's log published to
``collections.notices.v1`` for external mailers (`ledger.notices.published`).

It is the events relay (`consumers.relay`) with another reading of the log: the same
position row per topic (``relay:collections.notices.v1``), batches acknowledged before the
position moves, back-off and a new producer after any Kafka error, so the same guarantees
hold: in order per account, at least once, a re-sent notice the same bytes. Of a batch only
the `NoticeSent` rows are decoded and sent; the position still moves past the whole batch.

The language is the one thing a notice message needs from the contact: it is revealed with
the account's key when the notice is published (null once erased); names and addresses
never leave the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from consumers.relay import Relay, RelayOptions
from infra.kafka_clients import KafkaSettings
from ledger.aggregates.dunning import NoticeSent
from ledger.event_messages import EventMessage
from ledger.notices.published import NOTICES_TOPIC, notice_message, published_notice
from ledger.notices.rendering import language_for
from ledger.service import LedgerService

NOTICE_SENT = get_topic(NoticeSent)


def notices_options(batch_size: int | None = None, partitions: int | None = None
                    ) -> RelayOptions:
    """The events relay's options (`RelayOptions`) on the notices topic."""
    default = RelayOptions(topic=NOTICES_TOPIC)
    return replace(default, batch_size=batch_size or default.batch_size,
                   partitions=partitions or default.partitions)


class NoticesRelay(Relay):
    """One per event store; ``options.topic`` defaults to ``collections.notices.v1``."""

    def __init__(self, service: LedgerService, kafka: KafkaSettings,
                 options: RelayOptions | None = None) -> None:
        self.service = service
        super().__init__(service.app, kafka, options or notices_options())

    def _messages(self, notifications: Sequence[Notification]) -> list[EventMessage]:
        return [self._notice(n) for n in notifications if n.topic == NOTICE_SENT]

    def _notice(self, notification: Notification) -> EventMessage:
        event = self.app.mapper.to_domain_event(notification)
        assert isinstance(event, NoticeSent)
        account = self.app.get_account(event.originator_id)
        contact = self.service.contact(account)
        erased = account.personal_data_erased or (contact is not None
                                                   and not any(contact.values()))
        language = None if erased else language_for(event.template,
                                                    (contact or {}).get("language"))
        return notice_message(published_notice(event, account.number, language))
