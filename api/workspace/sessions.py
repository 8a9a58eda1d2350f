"""The workspace's session cookie: who signed in, signed so that it cannot be forged.

The cookie holds the key's id, actor and role and the session's CSRF token, never the key
itself; it is signed and timestamped by itsdangerous, so a tampered or expired cookie reads
as no session at all. Being stateless, a cookie would outlive a sign-out if someone kept a
copy, so the sessions ended here are remembered (in this process) until they would have
expired anyway; revoking the key ends every session made with it (the page dependency
re-checks the key on each request).

Before sign-in, the sign-in form needs a CSRF token too (else another site could sign a
visitor in under the other site's key): a random token kept in a short-lived signed cookie
of its own, the *sign-in cookie*.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from api.keys import Caller

SESSION_COOKIE = "colledger_session"
SIGN_IN_COOKIE = "colledger_sign_in"
COOKIE_PATH = "/app"
SIGN_IN_SECONDS = 3600
"""How long a sign-in form may be left open before it must be reloaded."""


@dataclass(frozen=True)
class Session:
    session_id: str
    key_id: str
    actor_id: str
    role: str
    csrf_token: str


def _signer_on(clock: Callable[[], float]) -> type[TimestampSigner]:
    """A TimestampSigner that reads ``clock``, so tests can move time instead of waiting."""

    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return ClockedSigner


class SessionCookies:
    """Makes and reads the two cookies; one per app (``app.state.workspace_sessions``)."""

    def __init__(
        self, secret: str, max_age_seconds: int, secure: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        signer = _signer_on(clock)
        self.sessions = URLSafeTimedSerializer(secret, "colledger.workspace.session",
                                               signer=signer)
        self.sign_ins = URLSafeTimedSerializer(secret, "colledger.workspace.sign-in",
                                               signer=signer)
        self.max_age_seconds, self.secure, self.clock = max_age_seconds, secure, clock
        self.ended: dict[str, float] = {}
        self.lock = threading.Lock()

    def issue(self, caller: Caller) -> tuple[Session, str]:
        """A new session for ``caller`` and the cookie value that carries it."""
        session = Session(secrets.token_urlsafe(16), caller.key_id, caller.actor_id,
                          caller.role, secrets.token_urlsafe(32))
        value = self.sessions.dumps([session.session_id, session.key_id, session.actor_id,
                                     session.role, session.csrf_token])
        return session, value

    def read(self, value: str | None) -> Session | None:
        """The session in a cookie; None if absent, forged, expired or ended."""
        fields = _loads(self.sessions, value, self.max_age_seconds)
        if not isinstance(fields, list) or len(fields) != 5:
            return None
        session = Session(*(str(field) for field in fields))
        with self.lock:
            return None if session.session_id in self.ended else session

    def end(self, session: Session) -> None:
        """Sign-out: this session is refused from now on, even from a copy of its cookie."""
        now = self.clock()
        with self.lock:
            self.ended = {sid: until for sid, until in self.ended.items() if until > now}
            self.ended[session.session_id] = now + self.max_age_seconds

    def new_sign_in(self) -> tuple[str, str]:
        """(CSRF token for the sign-in form, the sign-in cookie's value)."""
        token = secrets.token_urlsafe(32)
        return token, self.sign_ins.dumps(token)

    def sign_in_token(self, value: str | None) -> str | None:
        token = _loads(self.sign_ins, value, SIGN_IN_SECONDS)
        return token if isinstance(token, str) else None

    def cookie_options(self, max_age: int) -> dict[str, Any]:
        """What every workspace cookie is set with: HttpOnly, SameSite=Lax, expiring."""
        return {"max_age": max_age, "path": COOKIE_PATH, "httponly": True, "samesite": "lax",
                "secure": self.secure}


def _loads(serializer: URLSafeTimedSerializer, value: str | None, max_age: int) -> Any:
    if not value:
        return None
    try:
        return serializer.loads(value, max_age=max_age)
    except BadSignature:  # also SignatureExpired, its subclass
        return None
