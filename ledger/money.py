"""Money: a Decimal amount with an ISO 4217 currency.

Amounts are exact decimals checked against the currency's minor units at the
edge (commands, imports); inside the ledger they are normalised to exactly
that many decimal places so that equal amounts always print the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation

from ledger.aggregates.errors import AmountAboveMaximum, InvalidAmount, UnknownCurrency
from ledger.currencies import is_known_currency, maximum_amount, minor_units

EXACT = Context(prec=28, traps=[Inexact, InvalidOperation])


def check_currency(currency: str) -> str:
    if not isinstance(currency, str) or not is_known_currency(currency):
        raise UnknownCurrency(f"{currency!r} is not an ISO 4217 currency code")
    return currency


def to_decimal(value: object) -> Decimal:
    """Parse without ever passing through binary floating point."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidAmount(f"amount {value!r} must be a decimal string, not a float")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidAmount(f"amount {value!r} is not a number") from exc
    if not amount.is_finite():
        raise InvalidAmount(f"amount {value!r} is not a finite number")
    return amount


def normalise(amount: object, currency: str) -> Decimal:
    """Check decimals against the currency and fix the exponent to its minor units.

    The quantize traps rounding (`Inexact`) and overflow of the digits an amount may
    have (`InvalidOperation`), so no amount is ever rounded, however many digits it
    carries. A negative zero becomes zero, so that equal amounts print the same.
    """
    check_currency(currency)
    value = to_decimal(amount)
    places = minor_units(currency)
    quantum = Decimal(1).scaleb(-places)
    try:
        fixed = value.quantize(quantum, context=EXACT)
    except Inexact:
        message = f"{value} has more decimals than {currency} allows ({places})"
        raise InvalidAmount(message) from None
    except InvalidOperation:
        message = f"{value} {currency} would need more than {EXACT.prec} digits"
        raise InvalidAmount(message) from None
    return fixed.copy_abs() if fixed.is_zero() else fixed


def positive(amount: object, currency: str) -> Decimal:
    """Amounts in commands are positive: the event type carries the sign."""
    value = normalise(amount, currency)
    if value <= 0:
        raise InvalidAmount(f"amount must be positive, got {value} {currency}")
    return within_maximum(value, currency)


def non_negative(amount: object, currency: str) -> Decimal:
    """A limit (a credit limit may be zero): never negative, never above the maximum."""
    value = normalise(amount, currency)
    if value < 0:
        raise InvalidAmount(f"amount must not be negative, got {value} {currency}")
    return within_maximum(value, currency)


def within_maximum(value: Decimal, currency: str) -> Decimal:
    """Refuse an amount above the currency's maximum, so that it fits the read models."""
    limit = maximum_amount(currency)
    if value > limit:
        raise AmountAboveMaximum(
            f"{value} {currency} is above the largest amount a command may carry, "
            f"{limit} {currency}")
    return value


def zero(currency: str) -> Decimal:
    return normalise(0, currency)


@dataclass(frozen=True, order=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", normalise(self.amount, self.currency))

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
