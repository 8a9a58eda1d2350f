"""The one shape every bank statement format is read into.

BAI2, camt.053/054, MT940 and the documented CSV each carry the same facts under
different names; the receipts import and matching read only these values, so a new
format is a new reader, never a change to matching. Amounts are exact decimals taken
from the text (never through a float) and checked against the currency's minor units
here, at the edge, with the line of the file that broke the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from ledger.aggregates.errors import AmountAboveMaximum, InvalidAmount
from ledger.currencies import is_known_currency
from ledger.money import normalise, within_maximum

Format = Literal["bai2", "camt053", "camt054", "mt940", "csv"]
FORMATS: tuple[Format, ...] = ("bai2", "camt053", "camt054", "mt940", "csv")


@dataclass(frozen=True)
class StatementLine:
    sequence: int
    booked_on: date
    value_on: date
    amount: Decimal
    currency: str
    direction: Literal["credit", "debit"]
    is_return: bool = False
    return_reason: str = ""
    returned_reference: str = ""
    bank_reference: str = ""
    end_to_end_id: str = ""
    counterparty_name: str = ""
    counterparty_account: str = ""
    remittance: str = ""
    creditor_reference: str = ""
    virtual_account: str = ""
    source_line: int = 0
    status: str = ""
    """The bank's booking status where the format has one (camt ``Sts``: BOOK, PDNG,
    INFO); empty where the format only reports booked entries."""


@dataclass(frozen=True)
class Statement:
    format: Format
    statement_id: str
    account: str
    currency: str
    lines: tuple[StatementLine, ...]


class StatementParseError(ValueError):
    """A file that cannot be read: names the line (1-based) and the rule it breaks."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.rule = message
        super().__init__(f"line {line}: {message}" if line else message)


def checked_currency(code: str, line: int | None) -> str:
    if not is_known_currency(code):
        raise StatementParseError(f"currency {code!r} is not an ISO 4217 currency code", line)
    return code


def checked_amount(value: str | Decimal, currency: str, line: int | None) -> Decimal:
    """A statement amount: a plain unsigned decimal within the currency's minor units.

    Text must be digits with at most one '.', so '1e3', ' 12', '12,5' and 'NaN' are
    refused rather than read as something the bank did not write.
    """
    checked_currency(currency, line)
    if isinstance(value, str):
        if not _is_plain_decimal(value):
            raise StatementParseError(f"amount {value!r} is not a decimal amount", line)
        try:
            value = Decimal(value)
        except InvalidOperation:  # pragma: no cover - _is_plain_decimal admits only digits
            raise StatementParseError(f"amount {value!r} is not a decimal amount", line) from None
    if value < 0:
        raise StatementParseError(f"amount {value} must not be negative", line)
    try:
        return within_maximum(normalise(value, currency), currency)
    except (InvalidAmount, AmountAboveMaximum) as exc:
        raise StatementParseError(f"amount {exc}", line) from None


def _is_plain_decimal(text: str) -> bool:
    whole, dot, fraction = text.partition(".")
    return (whole.isascii() and whole.isdigit()
            and (not dot or (fraction.isascii() and fraction.isdigit())))



def one_line(text: str) -> str:
    """Remittance text joined with single spaces, whatever the file's line breaks."""
    return " ".join(text.split())
