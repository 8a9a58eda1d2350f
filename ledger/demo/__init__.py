"""A deterministic, realistic B2B demo portfolio, as commands for the ledger.

``demo_commands(accounts, months, seed, end)`` yields `DemoStep`s (when the
ledger learns a fact, who tells it, the command) for a portfolio whose
customers pay promptly, late, in part or not at all, dispute, promise, settle,
get written off and recovered from, and are called within the contact policy.
Pure: no I/O, no database. It assumes the default policies (four-eyes
threshold 1000, default contact and dunning policies).
"""

from ledger.demo.portfolio import demo_commands
from ledger.demo.steps import DemoStep

__all__ = ["DemoStep", "demo_commands"]
