"""The read side as the entry points see it: keep up, wait for a position, query.

Queries run in a read transaction of the read models' database (`read_database`: the
event store's own by default, or a database of their own), over the live tables the
runner maintains, leaving out the accounts a read model they draw from has quarantined
(`exclusions`): pass ``excluding`` to leave out exactly the accounts a response reports.

Who keeps the tables is ``fed_by``: the log runner here (``store``), or Kafka workers
elsewhere (``kafka``), in which case this process never applies an event and
read-your-writes waits for the workers, account by account (`kafka_fed`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import text

from ledger.aggregates import account_id_for
from ledger.aggregates.contact_policy import ContactPolicies
from ledger.application import LedgerApplication, StreamHead
from ledger.fx import Reporting
from ledger.known_at import known_at_utc
from ledger.projections.account_directory import AccountPage, account_page
from ledger.projections.account_rebuild import AccountRebuilt, rebuild_account
from ledger.projections.account_view import PROJECTIONS as ACCOUNT_VIEW
from ledger.projections.account_view import account_view
from ledger.projections.agent_performance import AgentPerformance, agent_performance
from ledger.projections.aging import DEFAULT_EDGES, AgingRow, aging
from ledger.projections.aging_pages import AgingPage, aging_page
from ledger.projections.approvals import PendingApproval, pending_approvals
from ledger.projections.arrangements import AccountArrangements, account_arrangements
from ledger.projections.dispute_report import DisputeReasonFigures, dispute_report
from ledger.projections.exclusions import Exclusions, exclusions
from ledger.projections.kafka_fed import KafkaFed
from ledger.projections.kpis import KpiReport, kpis
from ledger.projections.projection import Tables
from ledger.projections.projection_mode import FED_BY, ModeConflict
from ledger.projections.read_database import ReadStore
from ledger.projections.rebuild import Progress, rebuild
from ledger.projections.receipts import (
    CashApplicationReport,
    ReceiptRow,
    cash_application_report,
    list_receipts,
    one_receipt,
)
from ledger.projections.registry import all_projections, projections_named
from ledger.projections.runner import ProjectionRunner, ReadModelsBehind
from ledger.projections.search import SearchHit, search
from ledger.projections.statement import Statement, statement
from ledger.projections.status import ReadSideStatus, read_side_status
from ledger.projections.worklist import (
    Worklist,
    build_worklist,
    rank_worklist,
    stored_worklist,
)
from ledger.projections.worklist_policy import (
    FixedWorklistPolicy,
    WorklistPolicies,
    WorklistVersion,
    in_force,
)
from ledger.projections.worklist_rows import WorklistAccount, worklist_accounts
from ledger.projections.worklist_table import worklist_items

T = TypeVar("T")
COLLECTIONS = ("open_items", "activity")
"""What worklists and KPIs draw from."""


class ReadModels:
    def __init__(
        self,
        app: LedgerApplication,
        batch_size: int = 1000,
        contact_policies: ContactPolicies | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        after_batch: Callable[[], None] | None = None,
        *,
        store: ReadStore | None = None,
        fed_by: str = "store",
    ) -> None:
        """``after_batch`` is called by a follower after batches were applied, by it or by
        a read catching up (periodic checkpoints). ``store``: the read models' database
        (default: the event store's); ``fed_by``: who keeps it (`FED_BY`)."""
        if fed_by not in FED_BY:
            raise ValueError(f"read models are fed by one of {FED_BY}, not {fed_by!r}")
        self.app = app
        self.store: ReadStore = store or app.datastore
        self.fed_by = fed_by
        self.contact_policies = contact_policies or ContactPolicies()
        self.clock = clock
        self.runner = ProjectionRunner(app, all_projections(), batch_size=batch_size,
                                       store=self.store)
        self.runner.after_batch = after_batch
        self.kafka = KafkaFed(app, self.store) if fed_by == "kafka" else None
        self.worklist_items = worklist_items
        self.reporting: Callable[[date], Reporting | None] = lambda day: None
        """The reporting currency and its rates on a day (`ledger.fx_rates.reporting_for`);
        None: ranking and totals stay per currency."""
        self.worklist_policy: WorklistPolicies = FixedWorklistPolicy()
        """The recorded versions of the worklist weights (`worklist_policy_records`)."""

    @property
    def follows_log(self) -> bool:
        """This process may apply the store's log to the read models (not Kafka-fed)."""
        return self.kafka is None

    def tables(self, projection: str) -> Tables:
        return self.runner.live[projection]

    def catch_up(self) -> int:
        """Apply what is pending; nothing when Kafka workers keep the read models."""
        return self.runner.catch_up() if self.follows_log else 0

    def start_following(self) -> Callable[[], None] | None:
        """Follow the log in a background thread (the embedded server); returns the stop
        function, or None when Kafka workers keep the read models."""
        return self.runner.start_background() if self.follows_log else None

    def wait_for(self, position: int | None, timeout: float = 5.0) -> bool:
        """Read-your-writes: every projection has applied ``position``; Kafka-fed, the
        account written at ``position`` has (`kafka_fed`)."""
        if position is None:
            return True
        if self.kafka is not None:
            return self.kafka.wait_for(position, timeout)
        return self.runner.wait_for(position, timeout)

    def lag(self) -> int:
        if self.kafka is not None:
            return self.kafka.behind()
        head = self.app.recorder.max_notification_id() or 0
        return head - self.runner.lowest_position()

    def rebuild(
        self, names: list[str] | None = None, batch_size: int = 5000,
        progress: Progress | None = None,
    ) -> int:
        self._refuse_when_kafka_fed("rebuild")
        return rebuild(self.app, projections_named(names), batch_size, progress,
                       store=self.store)

    def rebuild_account(self, account_id: UUID, names: list[str] | None = None
                        ) -> list[AccountRebuilt]:
        """Re-apply one account's events in the live tables; lifts its quarantine if
        they now apply."""
        self._refuse_when_kafka_fed("rebuild an account")
        projections = projections_named(names)
        return rebuild_account(self.app, projections, self.runner.live, account_id,
                               store=self.store)

    def _refuse_when_kafka_fed(self, what: str) -> None:
        """Replaying the log here would write under log tracking into a database Kafka
        workers keep, which would then refuse them (`projection_mode`)."""
        if self.kafka is not None:
            raise ModeConflict(
                f"cannot {what} here: Kafka workers keep these read models; re-consume the "
                "topic into a fresh read database instead (docs/read-models.md)"
            )

    def read(self, query: Callable[[Any], T]) -> T:
        with self.store.transaction(commit=False) as session:
            if session.get_bind().dialect.name == "postgresql":
                # A read is tens of milliseconds of work whose estimated cost (a sum asked
                # per invoice in between) passes jit_above_cost; compiling it took 250 ms
                # of a 260 ms aging as of a past date (bench/RESULTS.md, target 1b).
                session.execute(text("SET LOCAL jit = off"))
            return query(session)

    def excluded(self, *projections: str) -> Exclusions:
        """The accounts quarantined in any of these projections."""
        return self.read(lambda s: exclusions(s, projections))

    def status(self) -> ReadSideStatus:
        """Kafka-fed, every projection is reported at the head less the events not yet
        applied: the workers keep versions, not log positions (`kafka_fed`)."""
        head = self.app.recorder.max_notification_id() or 0
        names = [p.name for p in self.runner.projections]
        positions = None
        if self.kafka is not None:
            reached = max(head - self.kafka.behind(), 0)
            positions = dict.fromkeys(names, reached)
        return self.read(lambda s: read_side_status(s, head, names, positions))

    def narrowed(self, excluding: Exclusions, *projections: str) -> list[Tables]:
        return [excluding.narrow(self.tables(p)) for p in projections]

    def accounts(
        self, after: str | None = None, limit: int = 100, *, agent: str | None = None,
        segment: str | None = None,
    ) -> AccountPage:
        return self.read(
            lambda s: account_page(s, self.tables("open_items"), after, limit, agent=agent,
                                   segment=segment)
        )

    def search(self, query: str, limit: int = 20, *, agent: str | None = None
               ) -> list[SearchHit]:
        """Accounts by number, name, invoice or payment id or reference (`search`),
        leaving out quarantined accounts."""
        [open_items] = self.narrowed(self.excluded("open_items"), "open_items")
        return self.read(lambda s: search(s, open_items, query, limit, agent=agent))

    def aging(
        self,
        as_of: date,
        known_at: datetime | None = None,
        by: str = "account",
        edges: Sequence[int] = DEFAULT_EDGES,
        currency: str | None = None,
        excluding: Exclusions | None = None,
        *,
        account: str | None = None,
        agent: str | None = None,
        segment: str | None = None,
    ) -> list[AgingRow]:
        known_at = known_at_utc(known_at)
        [open_items] = self.narrowed(excluding or self.excluded("open_items"), "open_items")
        return self.read(lambda s: aging(s, open_items, as_of, known_at, by, edges, currency,
                                         account=account, agent=agent, segment=segment))

    def aging_page(
        self,
        as_of: date,
        known_at: datetime | None = None,
        edges: Sequence[int] = DEFAULT_EDGES,
        currency: str | None = None,
        excluding: Exclusions | None = None,
        *,
        after: str | None = None,
        limit: int = 100,
        account: str | None = None,
        agent: str | None = None,
        segment: str | None = None,
    ) -> AgingPage:
        """Aging by account, the next ``limit`` accounts numbered after ``after``."""
        known_at = known_at_utc(known_at)
        [open_items] = self.narrowed(excluding or self.excluded("open_items"), "open_items")
        return self.read(lambda s: aging_page(
            s, open_items, as_of, known_at, edges, currency, after=after, limit=limit,
            account=account, agent=agent, segment=segment,
        ))

    def worklist(self, agent_id: str, day: date) -> Worklist:
        """The agent's worklist for the day as it would be handed out now; stores nothing."""
        excluding = self.excluded(*COLLECTIONS)
        open_items, activity = self.narrowed(excluding, *COLLECTIONS)
        weights = self.worklist_weights(day)
        worklist = self.read(lambda s: rank_worklist(
            s, open_items, activity, agent_id, day, weights.document.weights(),
            policies=self.contact_policies, computed_at=self.clock(),
            reporting=self.reporting(day),
        ))
        return self._saying_so(replace(worklist, weights_version=weights.version), excluding)

    def worklist_weights(self, day: date, known_at: datetime | None = None) -> WorklistVersion:
        """The weights a worklist of ``day`` ranks with (as recorded by ``known_at``)."""
        return in_force(self.worklist_policy.versions(), day, known_at)

    def worklist_accounts(
        self, agent_id: str, day: date, only: Collection[str] | None = None,
        next_calls: bool = True,
    ) -> dict[str, WorklistAccount]:
        """What a worklist's rows need beside their score (`worklist_rows`): names, what
        is overdue, open arrangements, the next permitted call from now (unless
        ``next_calls`` is false); ``only``: for these account ids (a page of rows) rather
        than all the agent's."""
        open_items, activity = self.narrowed(self.excluded(*COLLECTIONS), *COLLECTIONS)
        return self.read(lambda s: worklist_accounts(
            s, open_items, activity, agent_id, day, self.clock(), self.contact_policies,
            only, next_calls))

    def handed_out_worklist(self, agent_id: str, day: date) -> Worklist | None:
        """The worklist handed out to the agent for the day, if one was, naming the agent's
        accounts quarantined now (handing out left them out too)."""
        found = self.read(lambda s: stored_worklist(s, self.worklist_items, agent_id, day))
        if found is None:
            return None
        used = self.worklist_weights(day, found.computed_at).version
        return self._saying_so(replace(found, weights_version=used), self.excluded(*COLLECTIONS))

    def hand_out_worklist(self, agent_id: str, day: date) -> Worklist:
        """Rank the agent's accounts and store the result as handed out, for KPIs to count
        (replacing what was handed out for that day)."""
        excluding = self.excluded(*COLLECTIONS)
        open_items, activity = self.narrowed(excluding, *COLLECTIONS)
        weights = self.worklist_weights(day)
        with self.store.transaction(commit=True) as session:
            worklist = build_worklist(
                session, open_items, activity, self.worklist_items, agent_id, day,
                weights.document.weights(), policies=self.contact_policies,
                computed_at=self.clock(),
                reporting=self.reporting(day),
            )
        return self._saying_so(replace(worklist, weights_version=weights.version), excluding)

    def _saying_so(self, worklist: Worklist, excluding: Exclusions) -> Worklist:
        """The worklist naming the agent's accounts it left out as quarantined."""
        if not excluding.accounts:
            return worklist
        accounts = self.tables("open_items")["accounts"]
        mine = self.read(lambda s: excluding.assigned_to(s, accounts, worklist.agent_id))
        return replace(worklist, quarantined_accounts=tuple(mine.numbers))

    def kpis(
        self, start: date, end: date, *, agent: str | None = None, segment: str | None = None,
        known_at: datetime | None = None, excluding: Exclusions | None = None,
        account: str | None = None, currency: str | None = None,
    ) -> list[KpiReport]:
        known_at = known_at_utc(known_at)
        open_items, activity = self.narrowed(excluding or self.excluded(*COLLECTIONS),
                                             *COLLECTIONS)
        return self.read(
            lambda s: kpis(
                s, open_items, activity, start, end, agent=agent, segment=segment,
                known_at=known_at, account=account, currency=currency,
            )
        )

    def agent_performance(
        self, start: date, end: date, *, agent: str | None = None,
        segment: str | None = None, known_at: datetime | None = None,
        excluding: Exclusions | None = None, account: str | None = None,
        currency: str | None = None,
    ) -> list[AgentPerformance]:
        known_at = known_at_utc(known_at)
        open_items, activity = self.narrowed(excluding or self.excluded(*COLLECTIONS),
                                             *COLLECTIONS)
        return self.read(
            lambda s: agent_performance(
                s, open_items, activity, start, end, agent=agent, segment=segment,
                known_at=known_at, worklist_table=self.worklist_items, account=account,
                currency=currency,
            )
        )

    def account(
        self, number: str, as_of: date, known_at: datetime | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """The account as of ``as_of`` as known at ``known_at`` (`account_view`), once the
        read models have applied its last stored event, whoever wrote it: a write is seen
        by the next read without ``wait_for``. Refused (`AccountQuarantined`) while a read
        model it is made of has quarantined the account; `ReadModelsBehind` when they did
        not get there, nothing moving for ``timeout`` seconds."""
        known_at = known_at_utc(known_at)
        head = self.app.stream_head(account_id_for(number))
        if head is not None and not self._reach(number, head, timeout):
            raise ReadModelsBehind(
                f"the read models have not reached account {number}'s last event "
                f"(position {head.position}) within {timeout:g}s; retry shortly"
            )
        self.excluded(*ACCOUNT_VIEW).check(number)
        tables = {name: self.tables(name) for name in ACCOUNT_VIEW}
        return self.read(lambda s: account_view(s, tables, number, as_of, known_at))

    def _reach(self, number: str, head: StreamHead, timeout: float) -> bool:
        """Apply what is pending up to the account's last event here, or, Kafka-fed,
        wait for the workers to apply its last version."""
        if self.kafka is not None:
            return self.kafka.wait_for_version(account_id_for(number), head.version, timeout)
        return self.runner.catch_up_to(head.position, timeout)

    def dispute_report(self, start: date, end: date) -> list[DisputeReasonFigures]:
        """Disputes per reason code in a period (`dispute_report`), leaving out quarantined
        accounts."""
        [open_items] = self.narrowed(self.excluded("open_items"), "open_items")
        return self.read(lambda s: dispute_report(s, open_items, start, end))

    def approvals(self) -> list[PendingApproval]:
        """Write-off and settlement requests waiting for a second person, oldest first
        (`approvals`), leaving out quarantined accounts."""
        open_items, activity = self.narrowed(self.excluded(*COLLECTIONS), *COLLECTIONS)
        return self.read(lambda s: pending_approvals(s, activity, open_items))

    def receipts(self, day: date, status: str | None = None, after: str | None = None,
                 limit: int = 100) -> list[ReceiptRow]:
        """Bank receipts, oldest value date first (`receipts.list_receipts`)."""
        return self.read(lambda s: list_receipts(s, self.tables("cash"),
                                                 self.tables("open_items"), day, status,
                                                 after, limit))

    def receipt(self, day: date, receipt_id: str) -> ReceiptRow | None:
        return self.read(lambda s: one_receipt(s, self.tables("cash"),
                                               self.tables("open_items"), day, receipt_id))

    def cash_application_report(self, day: date) -> CashApplicationReport:
        return self.read(lambda s: cash_application_report(s, self.tables("cash"), day))

    def arrangements(self, number: str) -> AccountArrangements:
        """The account's promises, plans, settlements and contacts as they stand
        (`arrangements`); refused (`AccountQuarantined`) while the activity read model
        has quarantined the account."""
        self.excluded("activity").check(number)
        account_id = str(account_id_for(number))
        return self.read(lambda s: account_arrangements(s, self.tables("activity"), account_id))

    def statement(
        self, account_number: str, start: date, end: date, known_at: datetime | None = None
    ) -> list[Statement]:
        """The account's statement for ``start``..``end``, one per currency; refused
        (`AccountQuarantined`) while the account is quarantined in the open items."""
        self.excluded("open_items").check(account_number)
        return self.read(
            lambda s: statement(s, self.tables("open_items"), account_number, start, end,
                                known_at)
        )
