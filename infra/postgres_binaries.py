"""Locate (and, on a bare Debian machine, install) the PostgreSQL server executables.

The test suite needs a real PostgreSQL but there is no Docker here, so we run the server
binaries directly. Debian installs them outside ``PATH`` under
``/usr/lib/postgresql/<major>/bin``; several majors can coexist, and we take the newest so
tests exercise the most recent server available. CI starts from a fresh machine where the
package may be missing, so when nothing is found and we are root we install it with apt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DEBIAN_POSTGRES_ROOT = Path("/usr/lib/postgresql")

# The executables the server lifecycle needs; a directory lacking any of them is ignored.
REQUIRED_EXECUTABLES: tuple[str, ...] = ("initdb", "pg_ctl", "postgres")


class PostgresBinariesNotFound(RuntimeError):
    """Raised when no usable PostgreSQL installation exists and none can be installed."""


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


def ensure_postgres_binaries(debian_root: Path = DEBIAN_POSTGRES_ROOT) -> PostgresBinaries:
    """Return the newest installation, installing Debian's ``postgresql`` package if needed."""
    found = find_postgres_binaries(debian_root)
    if found is not None:
        return found
    install_postgres_with_apt()
    found = find_postgres_binaries(debian_root)
    if found is None:
        raise PostgresBinariesNotFound(
            f"apt-get installed 'postgresql' but no {'/'.join(REQUIRED_EXECUTABLES)} "
            f"appeared under {debian_root}/*/bin"
        )
    return found


def install_postgres_with_apt() -> None:
    """Install Debian's ``postgresql`` package (needs root and a reachable apt mirror).

    apt's progress output is sent to our stderr so that stdout stays reserved for results
    (``python -m infra.postgres_server`` prints only the URL there).
    """
    if shutil.which("apt-get") is None:
        raise PostgresBinariesNotFound(
            "no PostgreSQL binaries under /usr/lib/postgresql/*/bin or on PATH, and apt-get "
            "is not available; install the PostgreSQL server binaries"
        )
    if os.geteuid() != 0:
        raise PostgresBinariesNotFound(
            "no PostgreSQL binaries under /usr/lib/postgresql/*/bin or on PATH; install them "
            "with: sudo apt-get update && sudo apt-get install -y postgresql"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        print(f"[postgres] PostgreSQL not found; running: {' '.join(command)}", file=sys.stderr)
        # fd 2 rather than sys.stderr: pytest may replace sys.stderr with an object that
        # has no file descriptor, but fd 2 always exists.
        subprocess.run(command, env=env, check=True, stdout=2, stdin=subprocess.DEVNULL)


def _parse_version(name: str) -> tuple[int, ...] | None:
    """Turn a directory name like ``15`` or ``9.6`` into a sortable tuple."""
    parts = name.split(".")
    if not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def _has_required_executables(bin_dir: Path) -> bool:
    return all(os.access(bin_dir / name, os.X_OK) for name in REQUIRED_EXECUTABLES)
