"""Accessibility, checked by axe-core (vendored: tests/browser/vendor/) in the page itself.

Only serious and critical violations fail a test; each is printed with its rule, help
text and the elements at fault, so the failure says what to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


def check_accessibility(page: Page) -> None:
    """Runs axe-core on the page as it is now; fails on serious or critical violations."""
    page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    failing = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    assert not failing, f"axe-core on {page.url}:\n" + "\n".join(map(described, failing))


def described(violation: dict[str, Any]) -> str:
    nodes = "\n".join(f"      {' '.join(node['target'])}: {node.get('failureSummary', '')}"
                      for node in violation["nodes"][:5])
    return (f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n"
            f"    {violation['helpUrl']}\n{nodes}")
