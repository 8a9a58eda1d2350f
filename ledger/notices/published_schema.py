"""The JSON Schema of the notices topic's messages, generated from `PublishedNotice`.

Generated, never written by hand, so it cannot drift from what the notices relay sends: a
test regenerates it and compares with the committed file. ``python -m
ledger.notices.published_schema`` (part of ``make schemas``) writes
``schemas/collections.notices.v1/Notice.v1.json``. A breaking change to the message is a
new topic (``collections.notices.v2``), not a rewrite of this file (docs/events.md).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ledger.event_schemas import DRAFT, SCHEMAS_ROOT, schema_text
from ledger.notices.published import NOTICES_TOPIC, PublishedNotice

SCHEMA_PATH = SCHEMAS_ROOT / NOTICES_TOPIC / "Notice.v1.json"


def notice_schema() -> dict[str, Any]:
    schema = PublishedNotice.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": DRAFT, "$id": f"urn:colledger:{NOTICES_TOPIC}:Notice:v1", **schema}


def write_schema(path: Path = SCHEMA_PATH) -> bool:
    """Write the schema if it is missing or differs; True if written."""
    text = schema_text(notice_schema())
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def main() -> int:
    written = write_schema()
    relative = SCHEMA_PATH.relative_to(SCHEMAS_ROOT.parent)
    print(f"wrote {relative}" if written else f"{relative} up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
