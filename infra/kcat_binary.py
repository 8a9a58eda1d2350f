"""Locate (and, on a bare Debian machine, install) ``kcat``, the librdkafka command-line client.

One integration test reads our topics with a client nobody here wrote, to prove that what we
publish is plain Kafka and not something only kafka-python understands. ``kcat`` is that
client: it is built on librdkafka, the C library behind most non-Java Kafka clients. CI
starts from a fresh machine, so when it is missing and we are root we install Debian's
``kcat`` package with apt, exactly as ``infra/postgres_binaries.py`` does for PostgreSQL.

librdkafka before 2.2.0 (Debian 12 ships 2.0.2) mis-skips tagged fields in responses
(fixed by confluentinc/librdkafka#4278), and Tansu's ApiVersions response carries four of
them, so such a kcat cannot even connect to Tansu. ``tansu_options()`` gives the options
that make it work anyway: skip the ApiVersions handshake and speak the Kafka 0.9 request
versions, which Tansu answers with the same record batches (headers included). With them,
consume from an explicit offset (``-o 0``): Tansu's old-style ListOffsets reply is what
``-o beginning`` / ``-o end`` would need, and librdkafka cannot parse it either.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Older Debian and Homebrew releases ship the same program under its former name.
EXECUTABLE_NAMES: tuple[str, ...] = ("kcat", "kafkacat")
DEBIAN_PACKAGE = "kcat"
FIXED_TAGGED_FIELDS = (2, 2, 0)
LEGACY_PROTOCOL_OPTIONS = ("-X", "api.version.request=false", "-X", "broker.version.fallback=0.9.0")


class KcatNotFound(RuntimeError):
    """Raised when ``kcat`` is not installed and cannot be installed."""


def find_kcat() -> Path | None:
    """Return the path of ``kcat`` (or ``kafkacat``) on ``PATH``, or ``None``."""
    for name in EXECUTABLE_NAMES:
        found = shutil.which(name)
        if found is not None:
            return Path(found)
    return None


def ensure_kcat() -> Path:
    """Return the path of ``kcat``, installing Debian's ``kcat`` package if needed."""
    found = find_kcat()
    if found is not None:
        return found
    install_kcat_with_apt()
    found = find_kcat()
    if found is None:
        raise KcatNotFound(f"apt-get installed {DEBIAN_PACKAGE!r} but no kcat is on PATH")
    return found


def install_kcat_with_apt() -> None:
    """Install Debian's ``kcat`` package (needs root and a reachable apt mirror).

    apt's progress output goes to our stderr so that stdout stays reserved for results.
    """
    if shutil.which("apt-get") is None:
        raise KcatNotFound("kcat is not on PATH and apt-get is not available; install kcat")
    if os.geteuid() != 0:
        raise KcatNotFound(
            "kcat is not on PATH; install it with: "
            f"sudo apt-get update && sudo apt-get install -y {DEBIAN_PACKAGE}"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", DEBIAN_PACKAGE]):
        print(f"[kcat] kcat not found; running: {' '.join(command)}", file=sys.stderr)
        # fd 2 rather than sys.stderr: pytest may replace sys.stderr with an object that
        # has no file descriptor, but fd 2 always exists.
        subprocess.run(command, env=env, check=True, stdout=2, stdin=subprocess.DEVNULL)


def librdkafka_version(kcat: Path) -> tuple[int, ...]:
    """The librdkafka version ``kcat -V`` reports it was built with (e.g. ``(2, 0, 2)``)."""
    result = subprocess.run(
        [os.fspath(kcat), "-V"], capture_output=True, text=True, timeout=30, check=False
    )
    match = re.search(r"librdkafka (\d+(?:\.\d+)*)", result.stdout + result.stderr)
    if match is None:
        raise KcatNotFound(f"{kcat} -V does not name its librdkafka version: {result.stdout!r}")
    return tuple(int(part) for part in match.group(1).split("."))


def tansu_options(kcat: Path) -> tuple[str, ...]:
    """Options this ``kcat`` needs to talk to Tansu; empty when its librdkafka is fixed."""
    if librdkafka_version(kcat) >= FIXED_TAGGED_FIELDS:
        return ()
    return LEGACY_PROTOCOL_OPTIONS


def options_for(kcat: Path, bootstrap: str) -> tuple[str, ...]:
    """Options this ``kcat`` needs for a broker we did not start (Apache Kafka, or Tansu).

    Asks for metadata the normal way first; only the tell-tale parse failure of an old
    librdkafka switches to the legacy options.
    """
    probe = subprocess.run(
        [os.fspath(kcat), "-b", bootstrap, "-L", "-J", "-m", "5"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if probe.returncode != 0 and "Read underflow" in probe.stderr:
        return tansu_options(kcat)
    return ()
