"""What the demo generator yields, and the people (and systems) who give commands.

A step is a command, who gives it, and the moment the ledger learns of it: a
replay sets its clock to ``recorded_at`` before executing the command, so the
recorded times in the store are as plausible as the business dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ledger.commands.base import Actor, Command

ERP = Actor("erp", "service")
MANAGERS = (Actor("manager-1", "manager"), Actor("manager-2", "manager"))
AGENT_IDS = tuple(f"agent-{n}" for n in range(1, 6))


def agent(agent_id: str) -> Actor:
    return Actor(agent_id, "agent")


def other_manager(manager: Actor) -> Actor:
    """The second pair of eyes: whichever manager did not make the request."""
    return MANAGERS[1] if manager == MANAGERS[0] else MANAGERS[0]


@dataclass(frozen=True)
class DemoStep:
    recorded_at: datetime
    actor: Actor
    command: Command
