"""Refused contacts: an account's, beside its history, and the compliance report per rule."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter

from api.command_endpoint import assigned_agent
from api.deps import CallerDep, ReadModelsDep, ServiceDep
from api.path_params import AccountNumber
from api.permissions import READERS_OF_HISTORY, READERS_OF_PORTFOLIO, check_read
from api.read_params import Fresh, PeriodEnd, PeriodStart
from api.schemas.contact_refusals import ContactRefusalReport, ContactRefusals, RefusalCountRow
from ledger.aggregates.errors import InvalidDates
from ledger.audit.refusal_records import refusal_records
from ledger.audit.refusal_report import refusal_counts
from ledger.projections.account_directory import account_numbers

router = APIRouter(tags=["contacts"], responses={401: {}, 403: {}})


@router.get("/accounts/{account}/contact-refusals", response_model=ContactRefusals,
            operation_id="ListContactRefusals", responses={404: {}, 422: {}})
def list_refusals(account: AccountNumber, service: ServiceDep,
                  caller: CallerDep) -> ContactRefusals:
    """The account's refused contacts (who, when, channel, rule), oldest first."""
    check_read(caller, READERS_OF_HISTORY, account, lambda: assigned_agent(service, account))
    service.current_version(account)
    records = [{"position": None, **r} for r in refusal_records(service.app, account)]
    return ContactRefusals.model_validate({"items": records})


@router.get("/reports/contact-refusals", response_model=ContactRefusalReport,
            operation_id="GetContactRefusalReport", dependencies=[Fresh],
            responses={422: {}, 503: {}})
def refusal_report(service: ServiceDep, models: ReadModelsDep, caller: CallerDep,
                   start: PeriodStart, end: PeriodEnd) -> ContactRefusalReport:
    """Refused contacts dated in the period, counted per rule and per channel."""
    check_read(caller, READERS_OF_PORTFOLIO)
    if end < start:
        raise InvalidDates(f"the period cannot end ({end}) before it starts ({start})")
    numbers = models.read(lambda s: account_numbers(s, models.tables("open_items")))
    counts = refusal_counts(service.app, numbers, start, end)
    return ContactRefusalReport(start=start, end=end, total=counts.total,
                                by_rule=_rows(counts.by_rule),
                                by_channel=_rows(counts.by_channel))


def _rows(counts: Counter[str]) -> list[RefusalCountRow]:
    return [RefusalCountRow(key=key, refusals=n)
            for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


ROUTERS = [router]
