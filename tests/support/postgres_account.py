"""The operating-system account that the throwaway PostgreSQL server runs as.

``initdb`` and ``postgres`` refuse to run as root (a compromised server must not own the
machine). Our CI and sandboxes run as root, so there we run every server command as the
``postgres`` system user, creating it if it does not exist, and hand it the files it needs
to write. As an ordinary user we simply run the commands directly.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"


@dataclass(frozen=True)
class PostgresAccount:
    """Who runs the server, and how to run a command as them."""

    uid: int
    gid: int
    # Prepended to a command line to run it as this account; empty when that is us.
    command_prefix: tuple[str, ...]

    @property
    def is_current_user(self) -> bool:
        return not self.command_prefix

    def command(self, argv: Sequence[str | os.PathLike[str]]) -> list[str]:
        """Return ``argv`` wrapped so that it runs as this account."""
        return [*self.command_prefix, *(os.fspath(arg) for arg in argv)]

    def give(self, path: Path) -> None:
        """Make ``path`` owned by this account so the server can write inside it."""
        if not self.is_current_user:
            os.chown(path, self.uid, self.gid)


def server_account() -> PostgresAccount:
    """Return the account to run the server as: ourselves, or ``postgres`` when root."""
    if os.geteuid() != 0:
        return PostgresAccount(uid=os.geteuid(), gid=os.getegid(), command_prefix=())
    entry = _ensure_system_user(SERVER_USER)
    return PostgresAccount(
        uid=entry.pw_uid, gid=entry.pw_gid, command_prefix=_switch_user_prefix(SERVER_USER)
    )


def _ensure_system_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    print(f"[postgres] creating system user {name!r} (the server refuses root)", file=sys.stderr)
    subprocess.run(
        ["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/bin/false", name],
        check=True,
    )
    return pwd.getpwnam(name)


def _switch_user_prefix(name: str) -> tuple[str, ...]:
    """``runuser`` is the tool made for root dropping to a user; ``setpriv`` is the fallback."""
    if shutil.which("runuser") is not None:
        return ("runuser", "-u", name, "--")
    if shutil.which("setpriv") is not None:
        return ("setpriv", f"--reuid={name}", f"--regid={name}", "--init-groups", "--")
    raise RuntimeError("running PostgreSQL as root needs runuser or setpriv (util-linux)")
