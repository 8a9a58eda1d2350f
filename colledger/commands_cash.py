"""`colledger import statement FILE` and `colledger receipts list|show|match|return|report`:
cash application from the command line (docs/cash-application.md).

Writes run as a cashier actor (``cli:<login>`` unless ``--actor`` says otherwise), as the
API's cashiers do; reads come from the read models.
"""

from __future__ import annotations

import argparse
import getpass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from colledger.commands_read_models import read_models_for
from colledger.rendering import console, emit_json, table
from colledger.wiring import service_for
from ledger.aggregates.receipts import STATUSES
from ledger.canonical import plain
from ledger.cash.application import CashApplication, ManualSplit
from ledger.cash.statements import FORMATS, StatementParseError
from ledger.commands.base import Actor

CASHIER = "cashier"


def register_import(imports: Any) -> None:
    """``statement`` among ``colledger import``'s kinds."""
    parser = imports.add_parser("statement", help="import a bank statement (BAI2, camt.053, "
                                "camt.054, MT940 or CSV) and apply its cash")
    parser.add_argument("file", type=Path)
    parser.add_argument("--format", default="auto", choices=("auto", *FORMATS))
    parser.add_argument("--actor", default=f"cli:{getpass.getuser()}")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    parser.set_defaults(run=run_import_statement)


def register(sub: Any) -> None:
    receipts = sub.add_parser("receipts", help="bank receipts: the unidentified queue, "
                              "matching, returns, the cash-application report") \
        .add_subparsers(dest="receipts_command", required=True, metavar="ACTION")
    listing = receipts.add_parser("list", help="receipts, oldest value date first")
    listing.add_argument("--status", choices=STATUSES, default="unidentified")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(run=run_list)
    show = receipts.add_parser("show", help="one receipt with its evidence and splits")
    show.add_argument("receipt_id", type=UUID)
    show.set_defaults(run=run_show)
    match = receipts.add_parser("match", help="match a receipt to accounts and invoices")
    match.add_argument("receipt_id", type=UUID)
    match.add_argument("--split", action="append", required=True, metavar="ACCOUNT=AMOUNT"
                       "[:INVOICE=AMOUNT,...]", help="an account the receipt pays, and how "
                       "much; optionally the invoices it pays there (repeat per account)")
    match.add_argument("--reason", required=True)
    match.add_argument("--actor", default=f"cli:{getpass.getuser()}")
    match.set_defaults(run=run_match)
    back = receipts.add_parser("return", help="send a receipt's money back to the payer")
    back.add_argument("receipt_id", type=UUID)
    back.add_argument("--reason", required=True)
    back.add_argument("--refund-reference", default="")
    back.add_argument("--actor", default=f"cli:{getpass.getuser()}")
    back.set_defaults(run=run_return)
    report = receipts.add_parser("report", help="share matched automatically; unidentified "
                                 "by age")
    report.add_argument("--format", choices=("table", "json"), default="table")
    report.set_defaults(run=run_report)


def run_import_statement(args: argparse.Namespace) -> int:
    service = service_for(args)
    try:
        report = CashApplication(service).import_statement(
            args.file.read_bytes(), Actor(args.actor, CASHIER), args.format,
            source=f"cli:{args.file.name}")
    except StatementParseError as error:
        console.print(f"error: {args.file.name} is refused, nothing imported: {error}",
                      style="red", markup=False)
        return 2
    if args.json:
        emit_json(plain(report.as_dict()))
        return 0
    rules = ", ".join(f"{n} by {rule}" for rule, n in sorted(report.by_rule.items()))
    console.print(
        f"{args.file.name}: {report.lines} lines in {report.statements} statement(s); "
        f"{report.recorded} receipts recorded, {report.already_recorded} already recorded; "
        f"{report.matched} matched ({rules or 'none'}), {report.unidentified} unidentified; "
        f"{report.reversed} returned item(s) reversed"
        + (f", {len(report.returns_not_found)} return(s) of nothing known"
           if report.returns_not_found else ""), markup=False, highlight=False)
    return 0


def run_list(args: argparse.Namespace) -> int:
    models = read_models_for(args)
    models.catch_up()
    rows = models.receipts(models.clock().date(), args.status, None, args.limit)
    if args.format == "json":
        emit_json(plain([vars(r) | {"splits": [vars(s) for s in r.splits]} for r in rows]))
        return 0
    console.print(table(f"{args.status} receipts", (
        "receipt", "value date", "age", "amount", "currency", "payer", "remittance", "rule"),
        ((r.receipt_id, r.value_on, r.age_days, r.amount, r.currency, r.counterparty_name,
          r.remittance[:40], r.rule or "") for r in rows)))
    return 0


def run_show(args: argparse.Namespace) -> int:
    models = read_models_for(args)
    models.catch_up()
    row = models.receipt(models.clock().date(), str(args.receipt_id))
    if row is None:
        console.print(f"receipt {args.receipt_id} not found", style="red")
        return 1
    emit_json(plain(vars(row) | {"splits": [vars(s) for s in row.splits]}))
    return 0


def parse_split(text: str) -> ManualSplit:
    """``ACC-1=750.00`` or ``ACC-1=750.00:INV-1=500.00,INV-2=250.00``."""
    head, _, invoices = text.partition(":")
    try:
        account, amount = head.split("=")
        allocations = tuple((i, Decimal(a)) for i, a in
                            (pair.split("=") for pair in invoices.split(",") if pair))
        return ManualSplit(account, Decimal(amount), allocations)
    except (ValueError, InvalidOperation):
        raise argparse.ArgumentTypeError(
            f"{text!r}: write ACCOUNT=AMOUNT[:INVOICE=AMOUNT,...]") from None


def run_match(args: argparse.Namespace) -> int:
    try:
        splits = [parse_split(text) for text in args.split]
    except argparse.ArgumentTypeError as error:
        console.print(f"error: {error}", style="red", markup=False)
        return 2
    receipt = CashApplication(service_for(args)).match_receipt(
        args.receipt_id, splits, args.reason, Actor(args.actor, CASHIER), str(uuid4()))
    console.print(f"receipt {receipt.id} matched to "
                  f"{', '.join(s['account'] for s in receipt.splits)}", markup=False)
    return 0


def run_return(args: argparse.Namespace) -> int:
    receipt = CashApplication(service_for(args)).return_receipt(
        args.receipt_id, args.reason, args.refund_reference, Actor(args.actor, CASHIER),
        str(uuid4()))
    console.print(f"receipt {receipt.id} returned to the payer", markup=False)
    return 0


def run_report(args: argparse.Namespace) -> int:
    models = read_models_for(args)
    models.catch_up()
    report = models.cash_application_report(models.clock().date())
    shown: dict[str, Any] = vars(report) | {
        "by_rule": {k: vars(v) for k, v in report.by_rule.items()}}
    if args.format == "json":
        emit_json(plain(shown))
        return 0
    console.print(f"{report.receipts} receipts; {report.matched_automatically} matched "
                  f"automatically ({report.share_by_count:.2%} by count)", markup=False)
    console.print(table("by rule", ("rule", "count", "amount"), (
        (rule, f.count, ", ".join(f"{a} {c}" for c, a in f.amount.items()))
        for rule, f in report.by_rule.items())))
    console.print(table("unidentified by age (days)", ("age", "amount"), (
        (band, ", ".join(f"{a} {c}" for c, a in amounts.items()))
        for band, amounts in report.unidentified_by_age.items())))
    return 0
