"""Named domain errors.

Each error names the rule it enforces (`rule`), so that an API can map it to a
stable problem type and a person reading a rejection knows which rule said no.
`InvalidInput` errors are about the command alone (HTTP 422); `RuleViolation`
errors depend on the account's state (HTTP 409); `NotFound` is an unknown id.
"""

from __future__ import annotations

import re


class LedgerError(Exception):
    """Base of every error the domain raises on purpose."""

    @classmethod
    def rule(cls) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "-", cls.__name__).lower()

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.rule()


class InvalidInput(LedgerError):
    pass


class RuleViolation(LedgerError):
    pass


class NotFound(LedgerError):
    pass


class InvalidAmount(InvalidInput):
    pass


class UnknownDisputeReason(InvalidInput):
    """A dispute reason code outside the configured list."""


class AmountAboveMaximum(InvalidAmount):
    pass


class UnknownCurrency(InvalidInput):
    pass


class InvalidDates(InvalidInput):
    pass


class FutureDate(InvalidDates):
    pass


class KnownAtWithoutOffset(InvalidDates):
    pass


class InvalidBucketEdges(InvalidInput):
    pass


class InvalidCommand(InvalidInput):
    pass


class AccountNotFound(NotFound):
    pass


class InvoiceNotFound(NotFound):
    pass


class PaymentNotFound(NotFound):
    pass


class DisputeNotFound(NotFound):
    pass


class ArrangementNotFound(NotFound):
    pass


class TaskNotFound(NotFound):
    pass


class WriteOffRequestNotFound(NotFound):
    pass


class NoticeNotFound(NotFound):
    """No notice of that id on the account (or none an e-mail or letter is tracked for)."""


class AccountAlreadyExists(RuleViolation):
    pass


class DuplicateId(RuleViolation):
    pass


class CurrencyMismatch(RuleViolation):
    pass


class OverAllocation(RuleViolation):
    pass


class AmountExceedsOutstanding(RuleViolation):
    pass


class AmountExceedsUndisputed(RuleViolation):
    pass


class RefundExceedsCredit(RuleViolation):
    """A refund asks for more than the customer's unapplied credit in its currency."""


class NothingToPay(RuleViolation):
    """A payment asked to be fitted to an invoice that can take none of it."""


class PaymentAlreadyReversed(RuleViolation):
    pass


class DisputeNotOpen(RuleViolation):
    pass


class PromiseAlreadyOpen(RuleViolation):
    pass


class PlanAlreadyActive(RuleViolation):
    pass


class SettlementAlreadyActive(RuleViolation):
    pass


class ArrangementNotActive(RuleViolation):
    pass


class WriteOffNeedsApproval(RuleViolation):
    pass


class FourEyesViolation(RuleViolation):
    pass


class NotAuthorised(RuleViolation):
    pass


class RequestNotPending(RuleViolation):
    pass


class TaskNotOpen(RuleViolation):
    pass


class ApprovalRequestExpired(RuleViolation):
    """A write-off or settlement request undecided past the configured number of days."""


class RecoveryExceedsWrittenOff(RuleViolation):
    pass


class NoticeChannelMismatch(RuleViolation):
    """A delivery reported for a notice of another channel (a letter's by the SMTP step)."""


class NoPostalAddress(RuleViolation):
    """A letter asked of a contact without a postal ``address`` detail."""


class PersonalDataErased(RuleViolation):
    """What needs the account's personal data in clear, after its key was destroyed (the
    API answers 410 Gone)."""


class ContactRefused(RuleViolation):
    """A contact attempt that the contact policy forbids; `rule_id` names which rule."""

    def __init__(self, rule_id: str, message: str) -> None:
        super().__init__(message)
        self.rule_id = rule_id


class AccountStandingConflict(RuleViolation):
    """E.g. placing with an agency an account already placed, releasing a hold never placed."""


class ChainBroken(LedgerError):
    """An event's prev_hash does not match the hash of the event before it."""


class ConcurrencyConflict(RuleViolation):
    """The account changed under a command more often than the retry budget allows."""


class IdempotencyConflict(RuleViolation):
    """A command id was reused with different content."""


class VersionMismatch(RuleViolation):
    """The caller expected another account version (If-Match)."""
