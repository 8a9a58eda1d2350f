"""The first broken link of one account's stored chain, named for what happened to it.

Walking from the genesis hash: a version gap is an event missing; an event whose
``prev_hash`` names the previous event's digest only if some *later* stored event
is put in its place is a change of order (a swap keeps the version numbers and
moves the content, so the links give it away); any other misfit means the earlier
event's digest changed, i.e. its payload was edited. Against a checkpoint's head
for the account: a different digest at the recorded version is a changed payload,
fewer events with an intact prefix is a truncated tail. An event whose stored digest is
not the one its content hashes to is a changed payload if what the chain recorded of
it (the next ``prev_hash``, else the checkpoint's head) disagrees with its content, and
a digest mismatch otherwise: the content is as recorded, the stored digest is not.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.audit.report import (
    EVENT_MISSING,
    ORDER_CHANGED,
    PAYLOAD_CHANGED,
    STREAM_DELETED,
    TAIL_TRUNCATED,
    Break,
    digest_mismatch,
)
from ledger.audit.stored_streams import Link
from ledger.canonical import GENESIS_HASH

Head = tuple[int, str]


def first_break(
    account: str, links: Sequence[Link], recorded: Head | None = None, checkpoint: str = "",
    start: Head = (0, GENESIS_HASH),
) -> Break | None:
    """``recorded`` is the (version, digest) that ``checkpoint`` holds for this account;
    ``start`` the already verified head the links continue (the genesis hash by default)."""
    if not links:
        if recorded is None:
            return None
        return Break(account, 1, STREAM_DELETED,
                     f"{checkpoint} recorded {recorded[0]} events; none is stored")
    previous, expected = start[1], start[0] + 1
    for index, link in enumerate(links):
        if link.version != expected:
            gap = f"v{expected}" if link.version == expected + 1 else \
                f"v{expected}-v{link.version - 1}"
            return Break(account, expected, EVENT_MISSING,
                         f"{gap} missing: the stored stream goes from v{expected - 1} "
                         f"to v{link.version}")
        if link.problem is not None:
            return Break(account, link.version, PAYLOAD_CHANGED, link.problem)
        if link.prev_hash != previous:
            return _misfit(account, links, index, previous)
        assert link.digest is not None
        if link.stored != link.digest:
            return _stored_differs(account, links, index, recorded, checkpoint)
        previous, expected = link.digest, expected + 1
        if recorded is not None and link.version == recorded[0] and link.digest != recorded[1]:
            return Break(account, link.version, PAYLOAD_CHANGED,
                         f"digest of v{link.version} differs from the head {checkpoint} recorded")
    last = expected - 1
    if recorded is not None and last < recorded[0]:
        return Break(account, last + 1, TAIL_TRUNCATED,
                     f"{checkpoint} recorded v{recorded[0]}; the stored stream ends at v{last}")
    return None


def _stored_differs(
    account: str, links: Sequence[Link], index: int, recorded: Head | None, checkpoint: str
) -> Break:
    """The digest stored with ``links[index]`` is not the one recomputed from its content;
    what the chain recorded of the event says which of the two changed."""
    link = links[index]
    assert link.digest is not None
    later = links[index + 1] if index + 1 < len(links) else None
    named_by: str | None = None
    if later is not None and later.version == link.version + 1 and later.problem is None:
        if later.prev_hash != link.digest:
            return _misfit(account, links, index + 1, link.digest)
        named_by = f"the prev_hash stored in v{later.version}"
    elif recorded is not None and recorded[0] == link.version:
        if recorded[1] != link.digest:
            return Break(account, link.version, PAYLOAD_CHANGED,
                         f"digest of v{link.version} differs from the head {checkpoint} recorded")
        named_by = f"the head {checkpoint} recorded"
    return digest_mismatch(account, link.version, link.stored, named_by)


def _misfit(account: str, links: Sequence[Link], index: int, previous: str) -> Break:
    link = links[index]
    for later in links[index + 1:]:
        if later.prev_hash == previous:
            return Break(account, link.version, ORDER_CHANGED,
                         f"the event stored as v{later.version} names v{link.version - 1} as its "
                         f"predecessor, so it was recorded as v{link.version}")
    if link.version == 1:
        return Break(account, 1, PAYLOAD_CHANGED, "v1 does not start from the genesis hash")
    return Break(account, link.version - 1, PAYLOAD_CHANGED,
                 f"digest of v{link.version - 1} no longer matches the prev_hash stored in "
                 f"v{link.version}")
