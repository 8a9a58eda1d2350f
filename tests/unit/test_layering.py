"""The domain package never reaches outwards.

``ledger/`` is the core that the API, the Kafka consumers, the infrastructure
and the CLI are built around; if it imported any of them, the core could no
longer run (or be tested) without them. Checked on the source with ``ast``, so
an import hidden inside a function or behind ``TYPE_CHECKING`` counts too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

LEDGER = Path(__file__).resolve().parents[2] / "ledger"
OUTER_LAYERS = frozenset({"api", "consumers", "infra", "colledger"})


def imported_packages(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def outward_imports(source: str, filename: str) -> list[str]:
    tree = ast.parse(source, filename=filename)
    return [
        f"{filename}:{line} imports {package}"
        for line, package in imported_packages(tree)
        if package in OUTER_LAYERS
    ]


def ledger_modules() -> list[Path]:
    return sorted(LEDGER.rglob("*.py"))


def test_the_ledger_package_has_modules_to_check() -> None:
    names = {path.name for path in ledger_modules()}

    assert {"account.py", "bus.py", "service.py"} <= names


def test_no_ledger_module_imports_an_outer_layer() -> None:
    offences = [
        offence
        for path in ledger_modules()
        for offence in outward_imports(
            path.read_text(encoding="utf-8"), str(path.relative_to(LEDGER.parent))
        )
    ]

    assert offences == []


@pytest.mark.parametrize(
    "source",
    [
        "import infra",
        "import infra.settings as settings",
        "from api.deps import SessionDep",
        "from consumers import payments",
        "def f():\n    import colledger.main\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from infra import bootstrap\n",
    ],
)
def test_the_check_catches_every_form_of_outward_import(source: str) -> None:
    assert outward_imports(source, "example.py") != []


@pytest.mark.parametrize(
    "source",
    ["from . import infra", "from .api import x", "import infrastructure", "import ledger.api"],
)
def test_the_check_ignores_relative_and_lookalike_imports(source: str) -> None:
    assert outward_imports(source, "example.py") == []
