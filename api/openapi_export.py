"""``make openapi``: the API's contract written to ``openapi.json`` at the repository root.

The file is committed so that a change to the contract shows up in review as a diff;
a test fails when the file and the live schema disagree. Keys are sorted so that the
file changes only when the contract does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from api.app import create_app
from infra.bootstrap import bootstrap
from infra.settings import Settings

COMMITTED = Path(__file__).resolve().parents[1] / "openapi.json"


def live_schema() -> dict[str, Any]:
    """The schema the server serves, from an app on a throwaway in-memory store."""
    return create_app(bootstrap(Settings(database_url="sqlite:///:memory:")),
                      follow=False).openapi()


def rendered(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else COMMITTED
    target.write_text(rendered(live_schema()), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
