"""The worklist's weights as a policy: a document, its recorded versions, the one in force.

The weights decide who gets called first, so they are configuration with a history, like
the dunning policy: a file (`infra/worklist_file.py`) validated at start-up, recorded as a
version on the worklist policy stream when it differs from the latest one
(`ledger.aggregates.worklist_policies`, `ledger.audit.worklist_policy_records`), and each
worklist ranked with the latest recorded version effective on its day, read from the
stream and never from the file, so two servers never rank with different weights.

Weights are decimal strings (``"0.01"``), never TOML or JSON numbers, so no binary float
stands between the file and a score. A key left out takes the built-in value, and the
version records every key, so a later change of the built-in values never changes a
recorded version. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from ledger.currencies import is_known_currency
from ledger.projections.worklist_scoring import WorklistWeights

WEIGHT_PATTERN = r"^[0-9]{1,9}(\.[0-9]{1,6})?$"
Weight = Annotated[str, StringConstraints(pattern=WEIGHT_PATTERN)]
"""Points as a decimal string: at most nine digits before the point and six after."""

_BUILT_IN = WorklistWeights()


def _text(value: Decimal) -> str:
    return format(value, "f")


class WorklistDocument(BaseModel):
    """One version of the weights, as the file gives them and the stream records them
    (the fields of `WorklistWeights`, with the date it applies from)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    effective_from: date
    edges: tuple[Annotated[int, Field(ge=1, le=3650)], ...] = Field(
        default=_BUILT_IN.edges, min_length=1, max_length=10)
    overdue_per_unit: tuple[Weight, ...] = tuple(_text(p) for p in _BUILT_IN.overdue_per_unit)
    currency_weights: dict[str, Weight] = {}
    broken_promise: Weight = _text(_BUILT_IN.broken_promise)
    broken_promise_days: int = Field(default=_BUILT_IN.broken_promise_days, ge=1, le=365)
    promise_due: Weight = _text(_BUILT_IN.promise_due)
    dispute_follow_up: Weight = _text(_BUILT_IN.dispute_follow_up)
    dispute_follow_up_days: int = Field(default=_BUILT_IN.dispute_follow_up_days, ge=0, le=365)
    per_day_since_contact: Weight = _text(_BUILT_IN.per_day_since_contact)
    days_since_contact_cap: int = Field(default=_BUILT_IN.days_since_contact_cap, ge=0, le=3650)
    credit_limit_breach: Weight = _text(_BUILT_IN.credit_limit_breach)
    overdue_task: Weight = _text(_BUILT_IN.overdue_task)

    @field_validator("edges")
    @classmethod
    def _ascending(cls, edges: tuple[int, ...]) -> tuple[int, ...]:
        if any(after <= before for before, after in zip(edges, edges[1:], strict=False)):
            raise ValueError("aging edges must be strictly ascending")
        return edges

    @field_validator("currency_weights")
    @classmethod
    def _known_currencies(cls, weights: dict[str, str]) -> dict[str, str]:
        unknown = sorted(code for code in weights if not is_known_currency(code))
        if unknown:
            raise ValueError(f"unknown currencies {unknown}")
        return weights

    @model_validator(mode="after")
    def _one_weight_per_bucket(self) -> WorklistDocument:
        if len(self.overdue_per_unit) != len(self.edges) + 2:
            raise ValueError(f"overdue_per_unit needs one weight per aging bucket: "
                             f"{len(self.edges) + 2} for {len(self.edges)} edges, "
                             f"not {len(self.overdue_per_unit)}")
        return self

    def weights(self) -> WorklistWeights:
        return WorklistWeights(
            edges=self.edges,
            overdue_per_unit=tuple(Decimal(p) for p in self.overdue_per_unit),
            currency_weights={c: Decimal(w) for c, w in self.currency_weights.items()},
            broken_promise=Decimal(self.broken_promise),
            broken_promise_days=self.broken_promise_days,
            promise_due=Decimal(self.promise_due),
            dispute_follow_up=Decimal(self.dispute_follow_up),
            dispute_follow_up_days=self.dispute_follow_up_days,
            per_day_since_contact=Decimal(self.per_day_since_contact),
            days_since_contact_cap=self.days_since_contact_cap,
            credit_limit_breach=Decimal(self.credit_limit_breach),
            overdue_task=Decimal(self.overdue_task),
        )

    def as_recorded(self) -> dict[str, Any]:
        """The document as the stream records it (plain JSON values, every key)."""
        recorded: dict[str, Any] = self.model_dump(mode="json")
        return recorded


DEFAULT_DOCUMENT = WorklistDocument(effective_from=date(2000, 1, 1))
"""The weights before any version is recorded; config/worklist.toml says the same."""


@dataclass(frozen=True)
class WorklistVersion:
    """A recorded version (0: the built-in weights, never recorded)."""

    version: int
    document: WorklistDocument
    recorded_at: datetime | None = None

    @property
    def effective_from(self) -> date:
        return self.document.effective_from


BUILT_IN = WorklistVersion(0, DEFAULT_DOCUMENT)


class WorklistPolicies(Protocol):
    """Where a worklist finds the weights in force: the recorded versions."""

    def versions(self) -> list[WorklistVersion]: ...


@dataclass(frozen=True)
class FixedWorklistPolicy:
    """Versions known up front (tests, and a ledger with nothing recorded)."""

    fixed: tuple[WorklistVersion, ...] = (BUILT_IN,)

    def versions(self) -> list[WorklistVersion]:
        return list(self.fixed)


def in_force(
    versions: list[WorklistVersion], day: date, known_at: datetime | None = None
) -> WorklistVersion:
    """The latest recorded version effective on ``day``; the built-in one before any.
    With ``known_at``: among the versions recorded by then, which is the version a worklist
    ranked at ``known_at`` used (a version recorded later for an earlier date came after)."""
    effective = [v for v in versions if v.effective_from <= day and (
        known_at is None or v.recorded_at is None or v.recorded_at <= known_at)]
    return max(effective, key=lambda v: v.version, default=BUILT_IN)
