"""The policies in force on a day, as one plain document (`GET /policies`).

Where each lives: the dunning policy on its recorded stream (`ledger.audit.policy_records`);
four-eyes thresholds, the contact policy per portfolio, approval expiry and dispute reason
codes in the settings (`infra.bootstrap.policies_from`, the `Policies` value); the worklist
weights on their recorded stream (`ledger.audit.worklist_policy_records`), shown as the
weights themselves beside the version they come from.
Amounts are decimal strings, never JSON numbers.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, time
from typing import Any

from ledger.aggregates.contact_policy import ContactPolicy
from ledger.aggregates.dunning_policy import in_force
from ledger.aggregates.four_eyes import FourEyesPolicy
from ledger.canonical import plain, utc_text
from ledger.policies import Policies
from ledger.projections.worklist_policy import in_force as worklist_in_force


def policies_in_force(policies: Policies, day: date) -> dict[str, Any]:
    versions = policies.dunning.versions()
    dunning = in_force(versions, day)
    return {
        "day": day.isoformat(),
        "dunning": {
            "version": dunning.version,
            "effective_from": dunning.effective_from.isoformat(),
            "recorded_at": None if dunning.recorded_at is None else utc_text(dunning.recorded_at),
            "segments": dunning.document.as_shown()["segments"],
            "versions": [{"version": v.version, "effective_from": v.effective_from.isoformat(),
                          "in_force": v.version == dunning.version} for v in versions],
        },
        "four_eyes": {
            "write_off": four_eyes(policies.four_eyes),
            "settlement_discount": four_eyes(policies.settlement_approval),
        },
        "contact": {
            "default": contact(policies.contact.default),
            "by_portfolio": {name: contact(policy) for name, policy
                             in sorted(policies.contact.by_portfolio.items())},
        },
        "worklist_weights": worklist_weights(policies, day),
        "approval_expiry_days": policies.approval_expiry.days,
        "dispute_reason_codes": list(policies.dispute_reasons),
    }


def worklist_weights(policies: Policies, day: date) -> dict[str, Any]:
    """The weights in force on ``day`` (each by name, decimals as strings) and the version
    they come from, with every recorded version."""
    versions = policies.worklist.versions()
    weights = worklist_in_force(versions, day)
    return {
        **plain(weights.document.weights()),
        "version": weights.version,
        "effective_from": weights.effective_from.isoformat(),
        "recorded_at": None if weights.recorded_at is None else utc_text(weights.recorded_at),
        "versions": [{"version": v.version, "effective_from": v.effective_from.isoformat(),
                      "in_force": v.version == weights.version} for v in versions],
    }


def four_eyes(policy: FourEyesPolicy) -> dict[str, Any]:
    return {"default_threshold": str(policy.default_threshold),
            "thresholds": {c: str(a) for c, a in sorted(policy.thresholds.items())}}


def contact(policy: ContactPolicy) -> dict[str, Any]:
    values = {f.name: getattr(policy, f.name) for f in fields(policy)}
    return {name: v.isoformat(timespec="minutes") if isinstance(v, time) else v
            for name, v in values.items()}
