"""The hash chains inside a trail's ``events.ndjson``, checked from the file alone.

Every row's digest is recomputed from the row; within each account, rows of
consecutive versions must link (``prev_hash`` of v is the hash of v-1, and of v1
the genesis hash). An account trail must hold the whole stream, v1 to the head
the manifest names; a period trail holds the events of the period, so only the
links between consecutive versions it holds can be checked, and a row at the
head's version must carry the head's digest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.aggregates.account import account_id_for
from ledger.audit.trail_query import TrailQuery
from ledger.audit.trail_records import FIELDS, recomputed_digest
from ledger.canonical import GENESIS_HASH


@dataclass(frozen=True)
class ChainProblem:
    account: str | None
    version: int | None
    row: int | None
    detail: str

    def where(self) -> str:
        parts = []
        if self.account is not None:
            parts.append(f"account {self.account}" + (
                f" v{self.version}" if self.version is not None else ""))
        if self.row is not None:
            parts.append(f"row {self.row}")
        return ", ".join(parts)


def read_rows(lines: Iterator[str]) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(row number from 1, the row or None, why it is not one)."""
    for number, line in enumerate(lines, start=1):
        try:
            row = json.loads(line)
        except ValueError as error:
            yield number, None, f"not JSON: {error}"
            continue
        if not isinstance(row, dict) or set(row) != set(FIELDS):
            yield number, None, f"not a trail row (fields must be {', '.join(FIELDS)})"
            continue
        yield number, row, None


def chain_problems(
    rows: list[tuple[int, dict[str, Any]]], query: TrailQuery, heads: Mapping[str, Any]
) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    by_account: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, row in rows:
        account, version = str(row["account"]), row["version"]
        try:
            if not isinstance(version, int) or isinstance(version, bool):
                raise TypeError("version is not an integer")
            digest = recomputed_digest(row)
            effective_on = date.fromisoformat(str(row["effective_on"]))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            problems.append(ChainProblem(account, None, number, f"malformed row: {error}"))
            continue
        if digest != row["hash"]:
            problems.append(ChainProblem(
                account, version, number,
                "payload-changed: the digest recomputed from the row differs from its hash"))
        if not query.includes(effective_on):
            problems.append(ChainProblem(account, version, number,
                                         f"effective_on {row['effective_on']} is outside "
                                         f"the {query.label()}"))
        if str(account_id_for(account)) != row["account_id"]:
            problems.append(ChainProblem(account, version, number,
                                         "account_id is not the id of this account number"))
        if query.account is not None and account != query.account:
            problems.append(ChainProblem(account, version, number,
                                         f"not an event of account {query.account}"))
        by_account.setdefault(account, []).append((number, row))
    for account, held in sorted(by_account.items()):
        problems += _links(account, held, query, heads.get(account))
    for account in sorted(set(heads) - set(by_account)):
        problems.append(ChainProblem(account, None, None,
                                     "the manifest names a head for it; the file holds no row"))
    return problems


def _links(
    account: str, held: list[tuple[int, dict[str, Any]]], query: TrailQuery, head: Any
) -> list[ChainProblem]:
    found: list[ChainProblem] = []
    held = sorted(held, key=lambda item: int(item[1]["version"]))
    hashes: dict[int, str] = {}
    for number, row in held:
        version = int(row["version"])
        if version in hashes:
            found.append(ChainProblem(account, version, number, "version appears twice"))
            continue
        previous = GENESIS_HASH if version == 1 else hashes.get(version - 1)
        if previous is not None and row["prev_hash"] != previous:
            found.append(ChainProblem(account, version, number,
                                      f"prev_hash does not link to v{version - 1}"))
        elif previous is None and query.account is not None:
            found.append(ChainProblem(account, version - 1, None,
                                      f"event-missing: v{version - 1} is not in the trail"))
        hashes[version] = str(row["hash"])
    if not isinstance(head, Mapping):
        found.append(ChainProblem(account, None, None, "the manifest names no head for it"))
        return found
    head_version, head_digest = head.get("version"), head.get("digest")
    if head_version in hashes and hashes[head_version] != head_digest:
        found.append(ChainProblem(account, head_version, None,
                                  "differs from the head digest in the manifest"))
    if query.account is not None and hashes and max(hashes) != head_version:
        found.append(ChainProblem(account, max(hashes), None,
                                  f"the trail ends at v{max(hashes)}; the manifest's head "
                                  f"is v{head_version}"))
    return found


