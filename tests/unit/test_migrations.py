"""Schema migrations on SQLite (`tests/migration_contract.py`), and no table made elsewhere."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.migration_contract import MigrationContract

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ledger", "api", "consumers", "infra", "colledger", "bench")
ALLOWED = {
    "infra/migrations",  # the migrations own the schema
    "ledger/projections/rebuild.py",  # a rebuild's fresh copies, swapped in for the live tables
}


class TestMigrationsOnSQLite(MigrationContract):
    @pytest.fixture
    def database_url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'ledger.db'}"


def table_creations(tree: ast.AST) -> Iterator[int]:
    """Lines calling ``create_all``, or ``create`` on something named like a table or
    handed an engine, a connection or ``checkfirst`` (a key store's ``create`` is not)."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr == "create_all":
            yield node.lineno
        elif node.func.attr == "create" and (
            "table" in ast.unparse(node.func.value).lower()
            or any(k.arg == "checkfirst" for k in node.keywords)
            or any(word in ast.unparse(arg).lower() for arg in node.args[:1]
                   for word in ("engine", "connection", "bind"))
        ):
            yield node.lineno


def offences() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if any(name == a or name.startswith(a + "/") for a in ALLOWED):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=name)
            found += [f"{name}:{line}" for line in table_creations(tree)]
    return found


def test_no_module_but_the_migrations_and_the_rebuild_creates_tables() -> None:
    assert offences() == []


@pytest.mark.parametrize("source", [
    "metadata.create_all(engine)",
    "tracking.metadata.create_all(engine, checkfirst=True)",
    "table.create(engine, checkfirst=True)",
    "worklist_items.create(connection)",
    "quarantine.projection_quarantine.create(self.app.datastore.engine)",
])
def test_the_check_catches_table_creation(source: str) -> None:
    assert list(table_creations(ast.parse(source))) == [1]


@pytest.mark.parametrize("source", [
    "keys.create('manager', 'manager-1')", "URL.create(drivername='x')",
    "app.state.keys.create(role, actor)[1]",
])
def test_the_check_leaves_other_creates_alone(source: str) -> None:
    assert list(table_creations(ast.parse(source))) == []


def test_production_code_builds_read_models_in_the_composition_root_only() -> None:
    built = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for package in PACKAGES if package != "bench"
        for path in sorted((ROOT / package).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("ReadModels",
                                                                     "LedgerApplication")
    ]

    assert [b.split(":")[0] for b in built] == ["infra/bootstrap.py", "infra/bootstrap.py"]
