"""What each area of docs/reliability.md tries, and which tests are counted in it.

One place maps tests to areas, so a test is counted without edits to it: a prefix is a
test file or a test's node id, and the longest prefix a test's node id starts with wins.
``python -m tests.support.reliability_areas`` prints the test files to run (`make
reliability`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    tried: str
    prefixes: tuple[str, ...]


UNIT, INTEGRATION = "tests/unit/", "tests/integration/"
PROJECTION_CRASHES = INTEGRATION + "test_projection_crash_safety.py"
KAFKA_PROJECTIONS = INTEGRATION + "test_kafka_projections.py"

AREAS = (
    Area("bad-inputs", "Bad inputs", """\
Commands the domain must refuse: amounts that do not fit their currency or are not positive,
JSON floats, NaN and Infinity, unknown currencies, invoices, payments and accounts,
over-allocation, a due date before the issue date; each is refused with its named error and the
account's version is unchanged. Through the HTTP API, for every write: no key or a revoked key
(401), an unknown or a missing field, a float amount, a fraction of a cent (422), an unknown
account, invoice, payment or arrangement (404), a stale `If-Match` (412); and amounts that are
no plain ASCII decimal string or exceed their currency's maximum, control characters, account
numbers outside the identifier pattern, bodies with a repeated key, NaN, a lone surrogate or
not in UTF-8, dates in the future or outside 1900-2199. Each is a problem document naming its
rule, and the store's last position is unchanged. Inbound feed messages that are not JSON,
carry money as a JSON number or break a field's format, and the values that once halted the
read side. The requests Schemathesis once found answering 500 or a status the contract did not
name. And the other side of the line, with hypothesis: histories of every command drawn at the
edges of what the models accept (largest amounts, longest texts, 1900 and 2199, UTC+14 and
UTC-12) are applied by every read model on SQLite and PostgreSQL, nothing quarantined, a
rebuild giving the same rows.""", (
        UNIT + "test_bad_input.py",
        UNIT + "test_api_input_limits.py",
        UNIT + "test_api_errors.py",
        UNIT + "test_feed_messages.py",
        UNIT + "test_api_fuzzing_regressions.py",
        "tests/property/test_accepted_is_projectable.py",
    )),
    Area("contract-fuzzing", "Contract fuzzing", """\
Schemathesis, a client nobody on this project wrote, reads the committed `openapi.json` and
generates requests for every operation, valid and invalid by the contract, sent with a
manager's key to a real `colledger serve` over a three-account demo portfolio (fixed seed, 10
examples per operation, mostly the demo's account numbers so that writes reach the domain
rules). Every response is checked: never a 5xx, every status and content type documented, every
body of the documented shape, and no refusal of a request the contract says is valid except by
the rules a schema cannot state (a currency's decimals and maximum, dates relative to today or
to another field). One more test checks that the server serves exactly the committed contract.""", (
        "tests/e2e/test_schemathesis.py",
    )),
    Area("roles", "Roles", """\
Every write (one per command) by every role: where the role table says no, a 403 `forbidden`
naming the write and the caller, and nothing written; where it says yes, a 201 with the events
recorded as that role. Agents writing to accounts unassigned or assigned to another agent, and
after being reassigned away; key management refused to every role but admin. Every cell of the
README's table of who may call what, each as a request: `—` is a 403, `yes` is served, `own` is
served for the agent's own account or worklist and refused for another agent's; and the table
names every endpoint that needs a key.""", (
        UNIT + "test_api_roles.py",
        UNIT + "test_role_table.py",
    )),
    Area("crashes", "Crashes", """\
A projection runner failing between its read-model writes and its commit, on SQLite and
PostgreSQL: rows and positions stay as they were, and catching up then equals a rebuild.
`colledger project --follow` killed with SIGKILL a third of the way through a store and
restarted: the read models equal a rebuild. `colledger relay` killing itself with SIGKILL at
the worst moment, after the broker acknowledged a batch and before its position was saved, then
restarted: exactly that batch is sent again, every event reaches Kafka, in account order once
de-duplicated, and the restarted relay stops cleanly on SIGTERM. Two `colledger project
--from-kafka` workers in one group, one killed with SIGKILL after committing batches, the other
taking over its partitions, the killed one restarted: the read models equal a rebuild. Events
no read model can apply (an invoice of 10^23, a NUL in a reference, as an earlier release
stored them) met by the follower, a rebuild and a Kafka worker on SQLite and PostgreSQL: their
account is quarantined and every other account is projected; rebuilding an account lifts a
quarantine an older release left.""", (
        PROJECTION_CRASHES,
        INTEGRATION + "test_relay_crash.py",
        KAFKA_PROJECTIONS + "::test_two_workers_one_killed_build_the_read_models_a_rebuild_builds",
        INTEGRATION + "test_quarantine_stores.py",
    )),
    Area("concurrency", "Concurrency", """\
On a real PostgreSQL server: 4 threads, then 3 processes, each recording 15 payments to one
account (every payment stored once, versions consecutive, the hash chain whole, the outstanding
amount right); one command sent by 4 writers at once (carried out once, replayed to the
others); two projection runners racing for one batch (the second is refused by the tracking
compare-and-set, and the read models equal a rebuild); two Kafka workers that both believe they
own a partition (the second blocks on the first's offset row, then applies nothing); four
admins granting one actor id four different roles at once (one role bound, one grant recorded,
the grants' chain whole).""", (
        INTEGRATION + "test_concurrent_writers_postgres.py",
        INTEGRATION + "test_partition_offset_race.py",
        INTEGRATION + "test_access_grants_postgres.py",
        PROJECTION_CRASHES + "::test_two_workers_racing_for_one_batch_apply_it_once",
    )),
    Area("relay-faults", "Relay and broker faults", """\
The broker stopped under a running relay and a new, empty one started on its port, with events
written during the outage and without: the relay backs off, reconnects and delivers every event
after its position, in account order, its position never jumping. Events written through the
API reach Kafka once each, in account order, keyed by account, chained by hash and valid by
their JSON Schemas, on SQLite and PostgreSQL, read by kafka-python and by librdkafka
(confluent-kafka), a client nobody here wrote. The inbound ERP invoice and bank payment feeds
on a real broker, given mixed batches (valid messages, redeliveries, a redelivery with another
amount, malformed JSON, money as a JSON number, an unknown currency or account, a currency
mismatch): the valid ones stored once, each bad one dead-lettered with its reason and origin,
nothing more on a second pass, a `colledger consume` process resuming after them, and an
invoice librdkafka produced stored; a database outage is retried, not dead-lettered, and a feed
that gives up commits nothing it did not store. A Kafka projection worker reading a topic with
messages delivered twice applies each event once.""", (
        INTEGRATION + "test_relay_broker_restart.py",
        INTEGRATION + "test_relay.py",
        INTEGRATION + "test_inbound_feeds.py",
        KAFKA_PROJECTIONS + "::test_a_worker_in_process_stops_once_caught_up",
    )),
)


def covers(prefix: str, nodeid: str) -> bool:
    return nodeid == prefix or nodeid.startswith((prefix + "::", prefix + "["))


def area_of(nodeid: str, areas: tuple[Area, ...] = AREAS) -> Area | None:
    """The area whose longest prefix covers the test, or None if none does."""
    matches = [(len(p), area) for area in areas for p in area.prefixes if covers(p, nodeid)]
    return max(matches, key=lambda match: match[0])[1] if matches else None


def test_files(areas: tuple[Area, ...] = AREAS) -> list[str]:
    """Every file some area counts tests of, that exists."""
    files = {prefix.split("::")[0] for area in areas for prefix in area.prefixes}
    return sorted(f for f in files if (ROOT / f).is_file())


if __name__ == "__main__":
    sys.stdout.write("\n".join(test_files()) + "\n")
