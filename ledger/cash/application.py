"""Applying a bank statement's cash: record each line once, match it, pay the accounts.

The steps of an import (docs/cash-application.md):

1. The file is parsed whole (`ledger.cash.statements`): a file that cannot be read stores
   nothing.
2. Each credit line becomes a receipt under the key the bank identifies it by
   (`ledger.cash.identity`); a receipt already stored (the same file again, an overlapping
   one, a camt.054 notification then its camt.053 entry) is not recorded again, so an
   import is repeatable. Receipts are saved in batches, each its own stream.
3. Each new receipt is matched (`ledger.cash.matching`) against the read models
   (`ledger.cash.candidates`), and what it pays becomes commands on the accounts through
   the command bus, in batches, with command ids derived from the receipt: a retried
   import replays them rather than paying twice. The decision (``ReceiptMatched`` with
   its rule and evidence, or ``ReceiptLeftUnidentified`` with why each rule did not
   match) is recorded once the payments stand; a payment the account refuses leaves the
   receipt unidentified with the refusal as evidence, and any other part of it reversed.
4. A returned item (camt ``RtrInf``, a BAI2 return type code, an MT940 reversal) reverses
   the receipt it returns and the payments it made, with the bank's reason.

A person works what is left: `match_receipt` (to accounts and invoices, with who and
why), `return_receipt` (the money sent back to the payer).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from sqlalchemy import or_, select

from ledger.aggregates import account_id_for
from ledger.aggregates.envelope import CommandContext
from ledger.aggregates.errors import (
    AccountStandingConflict,
    InvalidCommand,
    NotFound,
    NothingToPay,
    PaymentAlreadyReversed,
)
from ledger.aggregates.receipts import (
    MATCHED,
    RECORDED,
    RETURNED,
    REVERSED,
    Receipt,
    payment_id_for,
    receipt_id_for,
)
from ledger.cash.candidates import ReadModelCandidates
from ledger.cash.identity import compact, keys_of_returned, receipt_key
from ledger.cash.matching import (
    RULE_MANUAL,
    Decision,
    Match,
    ReceiptFacts,
    Split,
    Unidentified,
    decide,
)
from ledger.cash.references import creditor_references, invoice_candidates
from ledger.cash.statements import StatementLine, parse_statement
from ledger.commands.base import Actor, Command
from ledger.commands.bus import BatchReport
from ledger.commands.collections import WriteOff
from ledger.commands.receivables import AllocationLine, RecordPayment, ReversePayment
from ledger.service import LedgerService

CASH_APPLICATION = Actor("cash-application", "system")
"""Who writes off a short payment within tolerance: the ledger, by its owner's setting."""
SAVE_CHUNK = 500
COMMAND_CHUNK = 1000
SKIPPED_STATUSES = frozenset({"PDNG", "INFO"})
"""camt entries the bank has not booked (pending) or only reports: no money yet."""


class ReceiptNotFound(NotFound):
    """No receipt has that id."""


class SplitsDoNotAddUp(InvalidCommand):
    """A person's match must place the whole receipt, no more, no less."""


@dataclass
class ImportReport:
    """What an import did, line by line in aggregate; the receipts it recorded by id."""

    statements: int = 0
    lines: int = 0
    credits: int = 0
    recorded: int = 0
    already_recorded: int = 0
    not_booked: int = 0
    debits: int = 0
    matched: int = 0
    unidentified: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    returns: int = 0
    reversed: int = 0
    returns_not_found: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        shown = dict(vars(self))
        shown["by_rule"] = dict(sorted(self.by_rule.items()))
        return shown


class LineSource(Protocol):
    """Where a line comes from: a parsed `Statement`, or a feed's message."""

    @property
    def format(self) -> str: ...

    @property
    def statement_id(self) -> str: ...

    @property
    def account(self) -> str: ...


@dataclass(frozen=True)
class Pending:
    receipt: Receipt
    facts: ReceiptFacts
    counterparty_account: str
    day: date


class CashApplication:
    """Cash application over the ledger's service (store, bus, read models, policies)."""

    def __init__(self, service: LedgerService) -> None:
        self.service = service
        self.app = service.app
        self.policy = service.policies.cash

    # -- import ----------------------------------------------------------------------------

    def import_statement(self, data: bytes, actor: Actor, format: str = "auto",
                         source: str = "") -> ImportReport:
        statements = parse_statement(data, format)  # StatementParseError: nothing stored
        digest = hashlib.sha256(data).hexdigest()[:32]
        report = ImportReport(statements=len(statements))
        lines = [(statement, line) for statement in statements for line in statement.lines]
        return self.import_lines(lines, actor, f"import:{digest}",
                                 source or f"statement {digest}", report)

    def import_lines(self, lines: Sequence[tuple[LineSource, StatementLine]], actor: Actor,
                     command_id: str, correlation: str,
                     report: ImportReport | None = None) -> ImportReport:
        """Lines from any source (a statement file, a bank feed's message): recorded once,
        matched, applied; returns reversed."""
        report = report or ImportReport()
        credits, returns = self._sort_lines(lines, report)
        ctx = self._context(actor, command_id, correlation)
        pending = self._record(credits, ctx, report)
        self._apply(pending, actor, ctx, report)
        if returns:
            self.service.read_models.catch_up()  # the originals, this file's too
        for statement, line in returns:
            self._bank_return(statement, line, actor, ctx, report)
        return report

    def _sort_lines(self, lines: Sequence[tuple[LineSource, StatementLine]],
                    report: ImportReport
                    ) -> tuple[list[tuple[LineSource, StatementLine]],
                               list[tuple[LineSource, StatementLine]]]:
        credits, returns = [], []
        for statement, line in lines:
            report.lines += 1
            if line.is_return:
                report.returns += 1
                returns.append((statement, line))
            elif line.direction != "credit":
                report.debits += 1
            elif line.status.upper() in SKIPPED_STATUSES:
                report.not_booked += 1
            else:
                report.credits += 1
                credits.append((statement, line))
        return credits, returns

    def _context(self, actor: Actor, command_id: str, correlation: str,
                 day: date | None = None) -> CommandContext:
        now = self.service.clock()
        return CommandContext(actor.actor_id, actor.role, command_id[:128], correlation[:128],
                              day or now.date(), now, self.service.policies)

    def _record(self, credits: Sequence[tuple[LineSource, StatementLine]],
                ctx: CommandContext, report: ImportReport) -> list[Pending]:
        lines: dict[str, tuple[LineSource, StatementLine]] = {}
        for statement, line in credits:
            key = receipt_key(statement.account, statement.statement_id, line.sequence,
                              line.bank_reference, line.end_to_end_id)
            if key in lines:
                report.already_recorded += 1
            lines.setdefault(key, (statement, line))
        stored = self._stored({receipt_id_for(key) for key in lines})
        new: list[Pending] = []
        for key, (statement, line) in lines.items():
            receipt_id = receipt_id_for(key)
            if receipt_id in stored:
                report.already_recorded += 1
                continue
            receipt = Receipt.record(
                ctx, key=key, statement_id=statement.statement_id,
                statement_format=statement.format, sequence=line.sequence,
                bank_account=statement.account, booked_on=line.booked_on,
                value_on=line.value_on, amount=line.amount, currency=line.currency,
                counterparty_name=line.counterparty_name,
                counterparty_account=line.counterparty_account, remittance=line.remittance,
                creditor_reference=line.creditor_reference,
                bank_reference=line.bank_reference, end_to_end_id=line.end_to_end_id,
                virtual_account=line.virtual_account)
            new.append(Pending(receipt, facts_of(line), compact(line.counterparty_account),
                               min(line.booked_on, ctx.effective_on)))
        saved = self._save_new([p.receipt for p in new])
        report.recorded += len(saved)
        report.already_recorded += len(new) - len(saved)
        report.receipts.extend(str(p.receipt.id) for p in new if p.receipt.id in saved)
        return [p for p in new if p.receipt.id in saved]

    def _stored(self, ids: set[UUID]) -> set[UUID]:
        record = self.app.events_record
        found: set[UUID] = set()
        wanted = sorted(ids)
        with self.app.datastore.transaction(commit=False) as session:
            for start in range(0, len(wanted), SAVE_CHUNK):
                chunk = wanted[start:start + SAVE_CHUNK]
                found.update(UUID(str(row[0])) for row in session.execute(
                    select(record.originator_id).where(
                        record.originator_id.in_(chunk), record.originator_version == 1)))
        return found

    def _save_new(self, receipts: Sequence[Receipt]) -> set[UUID]:
        """Saved in chunks; a chunk another import raced us to is saved one by one, each
        receipt the other import already stored being left to it."""
        saved: set[UUID] = set()
        for start in range(0, len(receipts), SAVE_CHUNK):
            chunk = receipts[start:start + SAVE_CHUNK]
            try:
                self.app.save(*chunk)
                saved.update(r.id for r in chunk)
            except IntegrityError:
                for receipt in chunk:
                    try:
                        self.app.save(receipt)
                        saved.add(receipt.id)
                    except IntegrityError:
                        continue
        return saved

    # -- matching --------------------------------------------------------------------------

    def _apply(self, pending: Sequence[Pending], actor: Actor, ctx: CommandContext,
               report: ImportReport) -> None:
        if not pending:
            return
        models = self.service.read_models
        models.catch_up()
        decisions, numbers = models.read(lambda session: self._decide_all(session, pending))
        matched = [(p, d) for p, d in zip(pending, decisions, strict=True)
                   if isinstance(d, Match)]
        refused, unallocated = self._pay(matched, numbers, actor)
        for item, decision in zip(pending, decisions, strict=True):
            receipt = item.receipt
            if isinstance(decision, Match) and receipt.id in unallocated:
                decision = as_unapplied_credit(decision)
            if isinstance(decision, Match) and receipt.id not in refused:
                receipt.match(ctx, decision.rule, decision.evidence,
                              splits_recorded(receipt.id, decision.splits, numbers))
                report.matched += 1
                report.by_rule[decision.rule] += 1
                continue
            evidence = (decision.evidence if isinstance(decision, Unidentified)
                        else {"payment": refused[receipt.id]})
            receipt.leave_unidentified(ctx, evidence)
            report.unidentified += 1
        self._save_decided([p.receipt for p in pending])

    def _decide_all(self, session: Any, pending: Sequence[Pending]
                    ) -> tuple[list[Decision], dict[str, str]]:
        """Each receipt's decision, and the number of every account they pay (by id)."""
        models = self.service.read_models
        candidates = ReadModelCandidates(session, models.tables("open_items"),
                                         models.tables("cash"), self.policy.name_threshold)
        forms = [form for p in pending for form in (
            *creditor_references(f"{p.facts.creditor_reference} {p.facts.remittance}"),
            *invoice_candidates(p.facts.remittance))]
        candidates.prefetch(forms)
        candidates.prefetch_open(candidates.accounts_named_by(forms))
        candidates.prefetch_payers(account for p in pending for account in (
            p.facts.counterparty_account, p.facts.virtual_account))
        decisions: list[Decision] = []
        for item in pending:
            decision = decide(item.facts, candidates, self.policy.tolerance(item.facts.currency),
                              self.policy.name_margin)
            if isinstance(decision, Match):
                for split in decision.splits:
                    for invoice_id, amount in (*split.allocations, *split.write_offs):
                        candidates.consume(split.account, item.facts.currency, invoice_id,
                                           amount)
                if len(decision.splits) == 1:
                    candidates.learn_payer(item.counterparty_account, decision.splits[0].account)
            decisions.append(decision)
        numbers = candidates.numbers_of(
            split.account for d in decisions if isinstance(d, Match) for split in d.splits)
        return decisions, numbers

    def _pay(self, matched: Sequence[tuple[Pending, Match]], numbers: dict[str, str],
             actor: Actor) -> tuple[dict[UUID, str], set[UUID]]:
        """Each match's payments (and write-offs) through the bus. Returns the receipts
        whose payment an account refused, with the refusal (their other payments
        reversed), and those paid as unapplied credit instead: the account found a named
        invoice with nothing left to pay (paid meanwhile), so the customer is still known."""
        commands: list[tuple[UUID, bool, Command]] = []
        for item, match in matched:
            receipt = item.receipt
            for n, split in enumerate(match.splits, start=1):
                number = numbers[split.account]
                for command in payment_commands(receipt, n, number, split, item.day):
                    commands.append((receipt.id, isinstance(command, RecordPayment), command))
        # An account's commands together (in the order decided), so that a batch loads each
        # account it touches once rather than once per chunk it appears in.
        commands.sort(key=lambda item: item[2].account)
        refused: dict[UUID, str] = {}
        made: dict[UUID, list[RecordPayment]] = {}
        retry: list[tuple[UUID, bool, Command]] = []
        for outcome, chunk in self._run(commands, actor):
            for position, (receipt_id, is_payment, command) in enumerate(chunk):
                error = outcome.errors.get(position)
                if is_payment and isinstance(error, NothingToPay):
                    retry.append((receipt_id, True, command.model_copy(update={
                        "allocations": (), "fit_allocations": False,
                        "leave_unapplied": True})))
                elif is_payment and error is not None:
                    refused.setdefault(receipt_id, f"{command.account} refused the payment: "
                                                   f"{error}")
                elif is_payment:
                    made.setdefault(receipt_id, []).append(command)  # type: ignore[arg-type]
        for outcome, chunk in self._run(retry, actor):
            for position, (receipt_id, _, command) in enumerate(chunk):
                error = outcome.errors.get(position)
                if error is not None:
                    refused.setdefault(receipt_id, f"{command.account} refused the payment: "
                                                   f"{error}")
                else:
                    made.setdefault(receipt_id, []).append(command)  # type: ignore[arg-type]
        undo = [ReversePayment(account=p.account, payment_id=p.payment_id,
                               reason="the receipt's other part was refused",
                               command_id=f"{p.payment_id}:undone")
                for receipt_id in refused for p in made.get(receipt_id, [])]
        if undo:
            self.service.execute_batch(undo, actor, skip_invalid=True)
        return refused, {receipt_id for receipt_id, _, _ in retry} - set(refused)

    def _run(self, commands: Sequence[tuple[UUID, bool, Command]], actor: Actor
             ) -> Iterator[tuple[BatchReport, Sequence[tuple[UUID, bool, Command]]]]:
        """The commands in batches, each as its sender: payments the cashier's, tolerated
        write-offs the ledger's own."""
        for start in range(0, len(commands), COMMAND_CHUNK):
            chunk = commands[start:start + COMMAND_CHUNK]
            yield self.service.execute_batch(
                [c for _, _, c in chunk], actor, skip_invalid=True,
                actors=[actor if is_payment else CASH_APPLICATION for _, is_payment, _ in chunk]
            ), chunk

    def _save_decided(self, receipts: Sequence[Receipt]) -> None:
        for start in range(0, len(receipts), SAVE_CHUNK):
            self.app.save(*receipts[start:start + SAVE_CHUNK])

    # -- returns ---------------------------------------------------------------------------

    def _bank_return(self, statement: LineSource, line: StatementLine, actor: Actor,
                     ctx: CommandContext, report: ImportReport) -> None:
        receipt = self._returned(statement, line)
        if receipt is None:
            report.returns_not_found.append(line.returned_reference or line.end_to_end_id
                                            or f"line {line.source_line}")
            return
        if receipt.status in (REVERSED, RETURNED):
            return
        self.reverse_receipt(receipt.id, line.return_reason or "returned by the bank",
                             line.bank_reference or line.returned_reference, actor, ctx)
        report.reversed += 1

    def _returned(self, statement: LineSource, line: StatementLine) -> Receipt | None:
        """The receipt a return gives back: under the key its reference would be the
        receipt's own (a receipt without a bank reference is keyed by its end-to-end id),
        else the receipt of that account whose end-to-end id or bank reference it names
        (banks name the original by the payer's end-to-end id)."""
        references = [r for r in (line.returned_reference, line.end_to_end_id) if r.strip()]
        keys = [k for r in references for k in keys_of_returned(statement.account, r)]
        found = next((r for r in (self._stored_receipt(receipt_id_for(k)) for k in keys)
                      if r is not None), None)
        if found is not None or not references:
            return found
        models = self.service.read_models
        receipt_id = models.read(lambda session: returned_receipt(
            session, models.tables("cash"), compact(statement.account), references))
        return None if receipt_id is None else self._stored_receipt(UUID(receipt_id))

    def _stored_receipt(self, receipt_id: UUID) -> Receipt | None:
        """The receipt with that id, or None (no stream, or another kind's)."""
        try:
            found: object = self.app.repository.get(receipt_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, Receipt) else None

    def receipt(self, receipt_id: UUID) -> Receipt:
        found = self._stored_receipt(receipt_id)
        if found is None:
            raise ReceiptNotFound(f"receipt {receipt_id} not found")
        return found

    def reverse_receipt(self, receipt_id: UUID, reason: str, return_reference: str,
                        actor: Actor, ctx: CommandContext | None = None) -> None:
        """The bank took the money back: every payment the receipt made is reversed."""
        receipt = self.receipt(receipt_id)
        ctx = ctx or self._context(actor, f"reversal:{receipt_id}", f"reversal:{receipt_id}")
        if receipt.status == MATCHED:
            undo = [ReversePayment(account=s["account"], payment_id=s["payment_id"],
                                   reason=f"returned by the bank: {reason}"[:2000],
                                   command_id=f"{s['payment_id']}:returned")
                    for s in receipt.splits]
            outcome = self.service.execute_batch(undo, actor, skip_invalid=True)
            for error in outcome.errors.values():
                if not isinstance(error, PaymentAlreadyReversed):
                    raise error
        receipt.reverse(ctx, reason, return_reference)
        self.app.save(receipt)

    # -- a person's work -------------------------------------------------------------------

    def match_receipt(self, receipt_id: UUID, splits: Sequence[ManualSplit], reason: str,
                      actor: Actor, command_id: str) -> Receipt:
        """A person matches an unidentified receipt to accounts (and invoices)."""
        receipt = self.receipt(receipt_id)
        if receipt.status not in (RECORDED, "unidentified"):
            raise AccountStandingConflict(f"receipt {receipt_id} is {receipt.status}: only "
                                          "an unidentified receipt can be matched")
        total = sum((s.amount for s in splits), Decimal(0))
        if total != receipt.amount:
            raise SplitsDoNotAddUp(f"the splits add up to {total} {receipt.currency}; the "
                                   f"receipt is {receipt.amount} {receipt.currency}")
        day = self.service.clock().date()
        numbers = {str(account_id_for(s.account)): s.account for s in splits}
        planned = [Split(str(account_id_for(s.account)), s.amount, tuple(s.allocations))
                   for s in splits]
        commands = [c for n, split in enumerate(planned, start=1)
                    for c in payment_commands(receipt, n, numbers[split.account], split, day,
                                              fit=False)]
        report = self.service.execute_batch(commands, actor)
        if report.errors:
            raise next(iter(report.errors.values()))
        ctx = self._context(actor, command_id, command_id)
        receipt.match(ctx, RULE_MANUAL, {"matched_by": actor.actor_id},
                      splits_recorded(receipt.id, tuple(planned), numbers), reason)
        self.app.save(receipt)
        return receipt

    def return_receipt(self, receipt_id: UUID, reason: str, refund_reference: str,
                       actor: Actor, command_id: str) -> Receipt:
        """A person sends an unidentified receipt's money back to the payer."""
        receipt = self.receipt(receipt_id)
        receipt.give_back(self._context(actor, command_id, command_id), reason,
                          refund_reference)
        self.app.save(receipt)
        return receipt


@dataclass(frozen=True)
class ManualSplit:
    account: str
    amount: Decimal
    allocations: tuple[tuple[str, Decimal], ...] = ()


def returned_receipt(session: Any, cash: Any, bank_account: str, references: Sequence[str]
                     ) -> str | None:
    """The id of the receipt into ``bank_account`` whose end-to-end id or bank reference
    is one of ``references`` (by the read model's indexes), if exactly one is."""
    r = cash["receipts"]
    rows = session.execute(
        select(r.c.receipt_id, r.c.bank_account)
        .where(or_(r.c.end_to_end_id.in_(references), r.c.bank_reference.in_(references)))
    ).all()
    found = {row.receipt_id for row in rows if compact(row.bank_account) == bank_account}
    return found.pop() if len(found) == 1 else None


def facts_of(line: StatementLine) -> ReceiptFacts:
    return ReceiptFacts(line.amount, line.currency, line.remittance, line.creditor_reference,
                        line.counterparty_name, compact(line.counterparty_account),
                        compact(line.virtual_account))


def payment_commands(receipt: Receipt, n: int, number: str, split: Split, day: date,
                     fit: bool = True) -> Iterable[Command]:
    """What one split does on its account: the payment (its allocations fitted to what
    each invoice can take, the rest unapplied credit; matching that chose no invoice keeps
    it all as credit, never leaving the account to guess), then any tolerated shortfall
    written off. A person's split (``fit`` off) is applied as given, and one naming no
    invoice pays oldest due first, as any unallocated payment does. Command ids derive
    from the receipt, so a retry replays them."""
    payment_id = payment_id_for(receipt.id, n)
    yield RecordPayment(
        account=number, payment_id=payment_id, amount=split.amount,
        currency=receipt.currency, received_on=day, reference=f"receipt {receipt.id}",
        allocations=tuple(AllocationLine(invoice_id=i, amount=a)
                          for i, a in split.allocations),
        fit_allocations=fit and bool(split.allocations),
        leave_unapplied=fit and not split.allocations, command_id=payment_id)
    for invoice_id, amount in split.write_offs:
        yield WriteOff(account=number, invoice_id=invoice_id, amount=amount,
                       reason=f"short payment within tolerance (receipt {receipt.id})",
                       command_id=f"{payment_id}:short:{invoice_id}")


def as_unapplied_credit(match: Match) -> Match:
    """The match as the accounts took it: the named invoices had nothing left to pay when
    the payment arrived, so it stands as unapplied credit on the customer's account."""
    return Match(match.rule, {**match.evidence, "note": "the named invoices had nothing left "
                              "to pay when it arrived: unapplied credit on the account"},
                 tuple(Split(s.account, s.amount) for s in match.splits))


def splits_recorded(receipt_id: UUID, splits: Sequence[Split], numbers: dict[str, str]
                    ) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"account": numbers.get(s.account, s.account), "account_id": s.account,
         "amount": str(s.amount), "payment_id": payment_id_for(receipt_id, n),
         "allocations": [[i, str(a)] for i, a in s.allocations],
         "write_offs": [[i, str(a)] for i, a in s.write_offs]}
        for n, s in enumerate(splits, start=1))
