"""The test suite finds the PostgreSQL server binaries that `make test` installed, and only finds.

Installing them is the Makefile's job (its ``system-packages`` target); a machine without them
gets a message that says what to run instead of a package manager started from a test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.postgres_binaries import (
    REQUIRED_EXECUTABLES,
    PostgresBinariesNotFound,
    find_postgres_binaries,
    require_postgres_binaries,
)


def install_fake(root: Path, version: str, executables: tuple[str, ...]) -> Path:
    bin_dir = root / version / "bin"
    bin_dir.mkdir(parents=True)
    for name in executables:
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


@pytest.fixture
def nothing_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.mark.usefixtures("nothing_on_path")
def test_the_newest_complete_installation_is_chosen(tmp_path: Path) -> None:
    root = tmp_path / "postgresql"
    install_fake(root, "13", REQUIRED_EXECUTABLES)
    newest = install_fake(root, "15", REQUIRED_EXECUTABLES)
    install_fake(root, "16", ("initdb", "pg_ctl"))  # no server: half an installation

    assert require_postgres_binaries(root).bin_dir == newest


@pytest.mark.usefixtures("nothing_on_path")
def test_missing_binaries_fail_with_what_to_run(tmp_path: Path) -> None:
    root = tmp_path / "postgresql"

    assert find_postgres_binaries(root) is None
    with pytest.raises(PostgresBinariesNotFound, match="run `make test`"):
        require_postgres_binaries(root)
