"""The receipts page's forms read as the API's own bodies, so a page can ask exactly what
``POST /receipts/{id}/matches`` and ``/returns`` can.

A match form has up to `SPLIT_ROWS` split rows (account, amount, and the invoices it pays
typed as ``INV-1001 100.00, INV-1002 50.00``); a row left blank is no split. The rows
become a ``ReceiptMatchIn``, the return's fields a ``ReceiptReturnIn``; a field the API
would refuse is named as the form shows it ("split 2 amount"), never as a JSON path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import ValidationError

from api.schemas.cash import ReceiptMatchIn, ReceiptReturnIn
from ledger.cash.application import ManualSplit

SPLIT_ROWS = 3
SPLIT_FIELDS = ("account", "amount", "invoices")
PAIRS = re.compile(r"[,;\n]+")
Body = TypeVar("Body", ReceiptMatchIn, ReceiptReturnIn)


class UnreadableForm(ValueError):
    """The form's fields, in words, and what is wrong with each."""


def match_body(form: Mapping[str, str]) -> ReceiptMatchIn:
    """The match as the API takes it; `UnreadableForm` names the fields it cannot be."""
    splits, errors = [], []
    for n in range(1, SPLIT_ROWS + 1):
        row = {name: form.get(f"{name}_{n}", "").strip() for name in SPLIT_FIELDS}
        if not any(row.values()):
            continue
        try:
            allocations = invoice_pairs(row["invoices"])
        except ValueError as error:
            errors.append(f"split {n} invoices: {error}")
            continue
        splits.append({"account": row["account"], "amount": row["amount"],
                       "allocations": allocations})
    if errors:
        raise UnreadableForm("; ".join(errors))
    if not splits:
        raise UnreadableForm("split 1: give the account and the amount it is paid")
    return validated(ReceiptMatchIn, {"splits": splits, "reason": form.get("reason", "")})


def return_body(form: Mapping[str, str]) -> ReceiptReturnIn:
    return validated(ReceiptReturnIn, {
        "reason": form.get("reason", ""),
        "refund_reference": form.get("refund_reference", "").strip()})


def invoice_pairs(text: str) -> list[dict[str, str]]:
    """``INV-1 100.00, INV-2 50.00`` as allocations; each pair an invoice id and amount."""
    pairs = []
    for pair in filter(None, (p.strip() for p in PAIRS.split(text))):
        words = pair.split()
        if len(words) != 2:
            raise ValueError(f"{pair!r} is not an invoice id followed by an amount")
        pairs.append({"invoice_id": words[0], "amount": words[1]})
    return pairs


def manual_splits(body: ReceiptMatchIn) -> list[ManualSplit]:
    """The body as `CashApplication.match_receipt` takes it (as the API's route does)."""
    return [ManualSplit(s.account, Decimal(s.amount),
                        tuple((a.invoice_id, Decimal(a.amount)) for a in s.allocations))
            for s in body.splits]


def validated(model: type[Body], body: dict[str, Any]) -> Body:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise UnreadableForm("; ".join(f"{in_words(e['loc'])}: {e['msg']}"
                                       for e in error.errors())) from None


def in_words(loc: tuple[int | str, ...]) -> str:
    """``('splits', 1, 'allocations', 0, 'amount')`` as "split 2 invoice 1 amount"."""
    words: list[str] = []
    for part, following in zip(loc, (*loc[1:], None), strict=True):
        if isinstance(part, int):
            continue
        name = {"splits": "split", "allocations": "invoice",
                "refund_reference": "refund reference"}.get(part, part)
        words.append(f"{name} {following + 1}" if isinstance(following, int) else name)
    return " ".join(words)
