"""A notice as an external mailer gets it: the rendered message and where it goes.

The dunning run's `NoticeSent` holds no personal data; the mailer learns of it from the
notices topic (`ledger.notices.published`) and asks the API for the message, which is
rendered here from the event and the contact revealed with the account's key: subject,
text and HTML in the contact's language, the e-mail address, the postal addressee block,
and the PDF letter. After erasure the key is gone and so is the message
(`PersonalDataErased`, 410 in the API): the notice's facts stay in the ledger, its words to
a person do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.aggregates.errors import NoPostalAddress, NoticeNotFound, PersonalDataErased
from ledger.notices.delivery import notice_data
from ledger.notices.letters import postal_address, render_letter
from ledger.notices.rendering import Message, NoticeData, language_for, render_notice
from ledger.service import LedgerService


@dataclass(frozen=True)
class OutgoingNotice:
    account: str
    notice_id: str
    channel: str
    sent_on: date
    data: NoticeData
    email: str | None
    postal_address: tuple[str, ...] | None

    @property
    def language(self) -> str:
        """The language the message is rendered in (the contact's, if it has templates)."""
        return language_for(self.data.template, self.data.language)

    def message(self) -> Message:
        return render_notice(self.data)

    def letter(self) -> bytes:
        """The PDF letter, dated the day the notice was issued."""
        if self.postal_address is None:
            raise NoPostalAddress(f"the contact of {self.account} has no postal address "
                                  "(an `address` detail): no letter can be printed")
        return render_letter(self.data, self.postal_address, self.sent_on)


def sent_notice(service: LedgerService, number: str, notice_id: str) -> dict[str, Any]:
    """The account's `NoticeSent` record of that id (`LedgerService.history`'s form)."""
    for record in service.history(number):
        if record["type"] == "NoticeSent" and record["payload"]["notice_id"] == notice_id:
            return record
    raise NoticeNotFound(f"no notice {notice_id!r} on {number}")


def outgoing_notice(service: LedgerService, number: str, notice_id: str) -> OutgoingNotice:
    record = sent_notice(service, number, notice_id)
    account = service.account(number)
    contact = service.contact(account) if not account.personal_data_erased else None
    if account.personal_data_erased or (contact and all(v is None for v in contact.values())):
        raise PersonalDataErased(
            f"the personal data of {number} is erased: notice {notice_id!r} can no longer be "
            "rendered or addressed")
    contact = contact or {}
    email = contact.get("email")
    return OutgoingNotice(
        number, notice_id, str(record["payload"]["channel"]),
        date.fromisoformat(str(record["effective_on"])),
        notice_data(record, number, account.name, contact),
        str(email) if email else None, postal_address(contact, account.name))
