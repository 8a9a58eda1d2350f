"""The contact policy's refusals, one named error per rule.

A client must tell the rules apart to do the right thing next: a call outside hours
may be made later today, one over the frequency limit next week, a debtor who asked
us to cease communication may only get permitted notices, and a placed account is
not ours to call at all. So each rule has its own problem type,
``contact-refused/<rule_id>``, under the one ``contact-refused`` family that clients
branching on the family keep matching, and ``rule_id`` stays what the worklist shows
as the reason an account is excluded.
"""

from __future__ import annotations

from ledger.aggregates.errors import ContactRefused


class RefusedByRule(ContactRefused):
    rule_id = ""

    def __init__(self, message: str) -> None:
        super().__init__(self.rule_id, message)

    @classmethod
    def rule(cls) -> str:
        return f"contact-refused/{cls.rule_id}"


class CeaseCommunicationRequested(RefusedByRule):
    """The debtor asked us to stop: only permitted notices may be sent."""

    rule_id = "cease-communication"


class PermittedNoticeByCall(RefusedByRule):
    """A permitted notice goes in writing, never by phone."""

    rule_id = "permitted-notice-channel"


class AccountPlaced(RefusedByRule):
    """The account is with an agency or with legal: they collect it, we do not."""

    rule_id = "placement"


class DisputePause(RefusedByRule):
    """Everything owed is under open dispute, so collection pauses until it is resolved."""

    rule_id = "dispute-pause"


class OutsideCallHours(RefusedByRule):
    """A call outside the portfolio's calling hours in the debtor's local time."""

    rule_id = "call-hours"


class ConversationCooldown(RefusedByRule):
    """A recent conversation: no further call until the quiet days have passed."""

    rule_id = "conversation-cooldown"


class TooManyCalls(RefusedByRule):
    """The portfolio's limit of calls in its rolling window is reached."""

    rule_id = "call-frequency"

