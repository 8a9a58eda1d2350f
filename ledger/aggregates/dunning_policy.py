"""The dunning policy: per segment, the levels an overdue invoice reaches, and what each does.

A policy document (a file, `infra/dunning_file.py`, recorded as a version on the policy
stream, `dunning_policies.py`) gives per segment (and ``default`` for every other one)
the levels by days past due, each with the channel and template of its notice, the
minimum overdue amount (per currency) the account must owe before the level acts, and
its actions (credit hold, agency proposal); the quiet period between two notices; and
whether dunning is paused. Each invoice reaches each level once. When an invoice is
first seen already past several levels (a late import), only the highest is sent and
the lower ones are recorded as skipped, so a debtor never gets three letters in one
morning. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
)

from ledger.currencies import is_known_currency
from ledger.input_limits import AMOUNT_PATTERN, IDENTIFIER_PATTERN

CREDIT_HOLD = "credit_hold"
AGENCY_PROPOSED = "agency_proposed"
STATEMENT = "statement"
"""The level (and template) of a statement of account sent on demand (`SendStatement`)."""
MARKERS = (CREDIT_HOLD, AGENCY_PROPOSED, STATEMENT)
"""What actions leave among an invoice's reached levels, and a statement's level: no level
may be called so."""

Name = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN, max_length=64)]
Amount = Annotated[str, StringConstraints(pattern=AMOUNT_PATTERN)]


class DunningLevel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    days_past_due: int = Field(ge=1, le=3650)
    channel: Literal["email", "letter", "call_task"]
    template: Name
    minimum_overdue: dict[str, Amount] = {}
    """Amount per currency (decimal strings); a currency not named has no minimum."""
    actions: tuple[Literal["credit_hold", "agency_proposal"], ...] = ()
    legally_required: StrictBool = False
    """A notice the law requires (a final demand before proceedings, say): it still goes to
    an account under cease-communication, alone (docs/domain.md, *Dunning runs*)."""

    @field_validator("name")
    @classmethod
    def _not_a_marker(cls, name: str) -> str:
        if name in MARKERS:
            raise ValueError(f"{name!r} is reserved (an action's own record, or statements)")
        return name

    @field_validator("minimum_overdue")
    @classmethod
    def _known_currencies(cls, amounts: dict[str, str]) -> dict[str, str]:
        unknown = sorted(code for code in amounts if not is_known_currency(code))
        if unknown:
            raise ValueError(f"unknown currencies {unknown}")
        return amounts

    def minimum(self, currency: str) -> Decimal:
        return Decimal(self.minimum_overdue.get(currency, "0"))


class SegmentDunning(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: tuple[DunningLevel, ...] = Field(min_length=1, max_length=20)
    quiet_period_days: int = Field(default=0, ge=0, le=365)
    """No notice within this many days of the account's last one (0: no quiet period)."""
    paused: bool = False

    @field_validator("levels")
    @classmethod
    def _ascending_and_distinct(cls, levels: tuple[DunningLevel, ...]) -> tuple[DunningLevel, ...]:
        for before, after in zip(levels, levels[1:], strict=False):
            if after.days_past_due <= before.days_past_due:
                raise ValueError(f"level {after.name!r} must come later than {before.name!r} "
                                 "(days_past_due strictly ascending)")
        names = [level.name for level in levels]
        if len(set(names)) != len(names):
            raise ValueError(f"level names must be distinct: {names}")
        return levels

    @property
    def has_legally_required(self) -> bool:
        return any(level.legally_required for level in self.levels)


class DunningDocument(BaseModel):
    """One version of the whole policy, as the file gives it and the stream records it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    effective_from: date
    segments: dict[Name, SegmentDunning]

    @field_validator("segments")
    @classmethod
    def _has_default(cls, segments: dict[str, SegmentDunning]) -> dict[str, SegmentDunning]:
        if "default" not in segments:
            raise ValueError("a 'default' segment is required (it serves every other segment)")
        return segments

    def for_segment(self, segment: str) -> SegmentDunning:
        return self.segments.get(segment, self.segments["default"])

    def as_recorded(self) -> dict[str, Any]:
        """The document as the stream records it (plain JSON values). ``legally_required``
        only where it is true: a version recorded before the field existed keeps its digest,
        so the same file loaded again records no new version, and still loads (false)."""
        recorded = self.as_shown()
        for segment in recorded["segments"].values():
            for level in segment["levels"]:
                if not level["legally_required"]:
                    del level["legally_required"]
        return recorded

    def as_shown(self) -> dict[str, Any]:
        """Every field of every level, defaults included (`GET /policies`)."""
        shown: dict[str, Any] = self.model_dump(mode="json")
        return shown


def _level(name: str, days: int, channel: str, *actions: str) -> dict[str, Any]:
    return {"name": name, "days_past_due": days, "channel": channel, "template": name,
            "actions": actions}


DEFAULT_DOCUMENT = DunningDocument.model_validate({
    "effective_from": "2000-01-01",
    "segments": {"default": {"levels": [
        _level("reminder_1", 1, "email"),
        _level("reminder_2", 15, "email"),
        _level("final_notice", 30, "letter"),
        _level("hold_notice", 60, "letter", CREDIT_HOLD),
        _level("agency_warning", 90, "letter", "agency_proposal"),
    ]}},
})
"""The policy before any version is recorded; config/dunning.toml says the same."""


@dataclass(frozen=True)
class DunningVersion:
    """A recorded version (0: the built-in default, never recorded)."""

    version: int
    document: DunningDocument
    recorded_at: datetime | None = None

    @property
    def effective_from(self) -> date:
        return self.document.effective_from


BUILT_IN = DunningVersion(0, DEFAULT_DOCUMENT)


class DunningPolicies(Protocol):
    """Where a run finds the policy in force: the recorded versions."""

    def versions(self) -> list[DunningVersion]: ...


def in_force(versions: list[DunningVersion], day: date) -> DunningVersion:
    """The latest recorded version effective on ``day``; the built-in one before any."""
    effective = [v for v in versions if v.effective_from <= day]
    return max(effective, key=lambda v: v.version, default=BUILT_IN)


@dataclass(frozen=True)
class FixedDunning:
    """Versions known up front (tests, and a ledger with nothing recorded)."""

    fixed: tuple[DunningVersion, ...] = (BUILT_IN,)

    def versions(self) -> list[DunningVersion]:
        return list(self.fixed)
