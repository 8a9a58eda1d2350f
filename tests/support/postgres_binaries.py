"""Locate the PostgreSQL server executables that the throwaway test server runs.

The test suite needs a real PostgreSQL but there is no Docker here, so we run the server
binaries directly. Debian installs them outside ``PATH`` under
``/usr/lib/postgresql/<major>/bin``; several majors can coexist, and we take the newest so
tests exercise the most recent server available. Installing them is the Makefile's job
(``make test`` depends on ``system-packages``), visibly and before pytest starts: nothing
here installs anything, it only finds what is there and says what to run when it is not.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

DEBIAN_POSTGRES_ROOT = Path("/usr/lib/postgresql")

# The executables the server lifecycle needs; a directory lacking any of them is ignored.
REQUIRED_EXECUTABLES: tuple[str, ...] = ("initdb", "pg_ctl", "postgres")


class PostgresBinariesNotFound(RuntimeError):
    """Raised when no usable PostgreSQL installation exists; the message says what to run."""


@dataclass(frozen=True)
class PostgresBinaries:
    """Paths to one PostgreSQL installation's executables."""

    bin_dir: Path

    @property
    def initdb(self) -> Path:
        return self.bin_dir / "initdb"

    @property
    def pg_ctl(self) -> Path:
        return self.bin_dir / "pg_ctl"

    @property
    def postgres(self) -> Path:
        return self.bin_dir / "postgres"


def find_postgres_binaries(debian_root: Path = DEBIAN_POSTGRES_ROOT) -> PostgresBinaries | None:
    """Return the newest installation, or ``None`` if there is none.

    Debian's versioned directories are preferred; failing that, a ``pg_ctl`` on ``PATH``
    (e.g. Homebrew on a developer laptop) is accepted, resolved through symlinks so that
    ``initdb`` and ``postgres`` come from the same installation.
    """
    candidates: list[tuple[tuple[int, ...], Path]] = []
    if debian_root.is_dir():
        for version_dir in debian_root.iterdir():
            version = _parse_version(version_dir.name)
            bin_dir = version_dir / "bin"
            if version is not None and _has_required_executables(bin_dir):
                candidates.append((version, bin_dir))
    if candidates:
        _, newest = max(candidates)
        return PostgresBinaries(newest)

    pg_ctl_on_path = shutil.which("pg_ctl")
    if pg_ctl_on_path is not None:
        bin_dir = Path(pg_ctl_on_path).resolve().parent
        if _has_required_executables(bin_dir):
            return PostgresBinaries(bin_dir)
    return None


def require_postgres_binaries(debian_root: Path = DEBIAN_POSTGRES_ROOT) -> PostgresBinaries:
    """Return the newest installation, or say how to get one: tests never install packages."""
    found = find_postgres_binaries(debian_root)
    if found is None:
        raise PostgresBinariesNotFound(
            f"no PostgreSQL server ({', '.join(REQUIRED_EXECUTABLES)}) under "
            f"{debian_root}/*/bin or on PATH: run `make test`, which installs Debian's "
            f"postgresql package, or install the server yourself, or set "
            f"COLLEDGER_TEST_DATABASE_URL to a server you have"
        )
    return found


def _parse_version(name: str) -> tuple[int, ...] | None:
    """Turn a directory name like ``15`` or ``9.6`` into a sortable tuple."""
    parts = name.split(".")
    if not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def _has_required_executables(bin_dir: Path) -> bool:
    return all(os.access(bin_dir / name, os.X_OK) for name in REQUIRED_EXECUTABLES)
