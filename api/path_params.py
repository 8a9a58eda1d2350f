"""Identifiers in URL paths: the commands' identifier pattern, stated in the contract.

A path segment that could never name an account or an agent is refused at the door
(422) rather than looked up, stored or echoed back into a header.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from ledger.input_limits import IDENTIFIER_PATTERN, MAX_IDENTIFIER

AccountNumber = Annotated[
    str,
    Path(min_length=1, max_length=MAX_IDENTIFIER, pattern=IDENTIFIER_PATTERN,
         description="the account's number", examples=["ACC-00042"]),
]
AgentId = Annotated[
    str,
    Path(min_length=1, max_length=MAX_IDENTIFIER, pattern=IDENTIFIER_PATTERN,
         description="the agent's actor id", examples=["agent-7"]),
]
