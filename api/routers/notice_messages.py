"""The external mailer's side of a notice: the rendered message and recipient, the PDF
letter, and the report of what became of a letter.

A mailer learns of notices from the ``collections.notices.v1`` topic, which holds no
personal data, and fetches what it needs here while the account's key exists (410
``personal-data-erased`` after erasure). Letters are the mailer's to deliver; e-mails are
the SMTP step's, so a report on an e-mail notice is refused (409 ``notice-channel-mismatch``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from api.command_endpoint import carry_out
from api.deps import CallerDep, CorrelationDep, ServiceDep
from api.path_params import AccountNumber
from api.permissions import MANAGER, SERVICE, check_read
from api.schemas.commands import CommandAccepted, accepted_response
from api.schemas.notice_messages import NoticeDeliveryReport, NoticeMessage
from api.schemas.problems import problem_responses
from api.write_route import IdempotencyKey, IfMatch
from ledger.commands.notices import RecordNoticeDelivery
from ledger.input_limits import IDENTIFIER_PATTERN, MAX_IDENTIFIER
from ledger.notices.outgoing import outgoing_notice

MAILERS = frozenset({SERVICE, MANAGER})
NoticeId = Annotated[
    str,
    Path(min_length=1, max_length=MAX_IDENTIFIER, pattern=IDENTIFIER_PATTERN,
         description="the notice's id, as the dunning run issued it", examples=["notice-20260401"]),
]
PDF = "application/pdf"

router = APIRouter(prefix="/accounts/{account}/notices/{notice_id}", tags=["notices"],
                   responses=problem_responses(401, 403, 404, 410, 422))


@router.get("/message", response_model=NoticeMessage, operation_id="GetNoticeMessage")
def get_notice_message(account: AccountNumber, notice_id: NoticeId, service: ServiceDep,
                       caller: CallerDep) -> NoticeMessage:
    """The notice rendered for its contact (subject, text, HTML) with the e-mail address and
    postal addressee block (410 ``personal-data-erased`` once the contact is erased)."""
    check_read(caller, MAILERS)
    notice = outgoing_notice(service, account, notice_id)
    message, data = notice.message(), notice.data
    return NoticeMessage(
        account=account, notice_id=notice_id, channel=notice.channel, level=data.level,
        template=data.template, sent_on=notice.sent_on, language=notice.language,
        subject=message.subject, text=message.text, html=message.html, to=notice.email,
        postal_address=list(notice.postal_address) if notice.postal_address else None)


@router.get("/letter.pdf", response_class=Response, operation_id="GetNoticeLetter",
            responses={200: {"description": "The notice as a printable A4 letter",
                             "content": {PDF: {"schema": {"type": "string",
                                                          "format": "binary"}}}},
                       **problem_responses(409)})
def get_notice_letter(account: AccountNumber, notice_id: NoticeId, service: ServiceDep,
                      caller: CallerDep) -> Response:
    """The notice as a PDF letter to the contact's postal address, dated the day it was
    issued (409 ``no-postal-address``; 410 ``personal-data-erased``)."""
    check_read(caller, MAILERS)
    pdf = outgoing_notice(service, account, notice_id).letter()
    return Response(pdf, media_type=PDF, headers={
        "Content-Disposition": f'inline; filename="{account}-{notice_id}.pdf"'})


@router.post("/deliveries", status_code=status.HTTP_201_CREATED, response_model=CommandAccepted,
             operation_id="ReportNoticeDelivery",
             responses={**accepted_response(), **problem_responses(409, 412)})
def report_notice_delivery(account: AccountNumber, notice_id: NoticeId,
                           body: NoticeDeliveryReport, response: Response, service: ServiceDep,
                           caller: CallerDep, correlation_id: CorrelationDep,
                           idempotency_key: IdempotencyKey = None,
                           if_match: IfMatch = None) -> CommandAccepted:
    """A mailer reports what became of a letter notice: ``delivered``, or ``failed`` with a
    reason (which raises the notice-failed task); once per notice."""
    return carry_out(service, caller, RecordNoticeDelivery, account,
                     {"notice_id": notice_id, "channel": "letter", **body.model_dump()}, response,
                     idempotency_key=idempotency_key, if_match=if_match,
                     correlation_id=correlation_id)


ROUTERS = [router]
