"""What portfolio reads return: aging, worklists, KPIs and agent performance.

Models read straight from the read models' own results (``from_attributes``), so
a field added there shows up here only when it is named here: the API's contract
changes on purpose, never by accident.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.schemas.fx_rates import ReportingTotal
from api.schemas.money import Money, Ratio
from ledger.projections.exclusions import exclusion_note

FROM_RESULTS = ConfigDict(from_attributes=True)


class LeavesOutQuarantined(BaseModel):
    """A result over many accounts says which it left out because a read model could not
    project one of their events: their figures are unknown, so they are in no total."""

    quarantined_accounts: list[str] = Field(default=[], description=(
        "accounts left out of this result (GET /operations/status says why)"))
    note: str | None = Field(default=None, examples=["excluding 1 quarantined account"])

    @model_validator(mode="after")
    def _say_so(self) -> LeavesOutQuarantined:
        if self.note is None:
            self.note = exclusion_note(len(self.quarantined_accounts))
        return self


class AgingRow(BaseModel):
    model_config = FROM_RESULTS

    key: str = Field(description="the account, agent, segment... the row is for")
    currency: str
    buckets: dict[str, Money] = Field(description="outstanding per bucket; sums to total")
    disputed: Money = Field(description="disputed part of the buckets (not extra)")
    unapplied_credit: Money = Field(description="reported apart, never netted")
    total: Money
    invoices: int


class AgingReport(LeavesOutQuarantined):
    as_of: date
    known_at: datetime | None
    by: str
    edges: list[int]
    buckets: list[str] = Field(description="bucket labels, youngest first")
    rows: list[AgingRow]
    next_cursor: str | None = Field(default=None, description=(
        "paged (by=account with limit or cursor): the cursor of the next page, null on the "
        "last one; unpaged: null"))
    reporting_total: ReportingTotal | None = Field(default=None, description=(
        "with reporting_currency: every row's currency totalled in it (all pages), with "
        "the rate date used per currency; the rows stay per currency"))


class WorklistItem(BaseModel):
    model_config = FROM_RESULTS

    rank: int
    account: str
    account_id: str
    score: Ratio
    components: dict[str, Ratio] = Field(description="what the score is made of")
    excluded: bool
    reason: str | None = Field(description="why an excluded account may not be worked now")
    detail: str
    rates: dict[str, str] = Field(default={}, description=(
        "ranked in a reporting currency: per currency owed, the date of the rate used, or "
        "'no rate' (that money counts nothing in the score)"))


class Worklist(LeavesOutQuarantined):
    model_config = FROM_RESULTS

    agent_id: str
    day: date
    computed_at: datetime
    items: list[WorklistItem] = Field(description="accounts to work, best first")
    excluded: list[WorklistItem] = Field(description="accounts kept off, with the reason")
    reporting_currency: str | None = Field(default=None, description=(
        "the currency overdue money was ranked in (COLLEDGER_REPORTING_CURRENCY); null: "
        "per account currency"))
    weights_version: int | None = Field(default=None, description=(
        "the version of the worklist weights the scores were computed with (GET /policies; "
        "0: the built-in weights)"))


class KpiReport(BaseModel):
    """One currency's KPIs; a ratio over a zero denominator is null, never zero."""

    model_config = FROM_RESULTS

    currency: str
    start: date
    end: date
    days: int
    beginning_ar: Money
    ending_ar: Money
    ending_current_ar: Money
    credit_sales: Money
    dso: Ratio | None
    best_possible_dso: Ratio | None
    average_days_delinquent: Ratio | None
    count_back_dso: Ratio | None
    cei: Ratio | None
    promises_kept: int
    promises_broken: int
    promise_kept_percent: Ratio | None
    disputes_resolved: int
    dispute_cycle_days: Ratio | None
    written_off: Money
    recovered: Money
    net_written_off: Money
    write_off_percent: Ratio | None


class AgentPerformance(BaseModel):
    model_config = FROM_RESULTS

    agent_id: str
    collected: dict[str, Money] = Field(description="per currency, on assigned accounts")
    recovered: dict[str, Money] = Field(description="per currency, of written-off amounts")
    promises_obtained: int
    contacts_made: int
    worklist_items_cleared: int | None


class KpisReport(LeavesOutQuarantined):
    start: date
    end: date
    known_at: datetime | None
    currencies: list[KpiReport]
    agents: list[AgentPerformance]


class KpiMonth(BaseModel):
    model_config = FROM_RESULTS

    start: date
    end: date
    currencies: list[KpiReport]


class KpiTrendReport(LeavesOutQuarantined):
    """Month by month, oldest first: the same reports as ``GET /kpis`` for each month."""

    to: date
    known_at: datetime | None
    months: list[KpiMonth]
