"""Cross-site request forgery: every state-changing request under /app carries a token.

The token is the session's (or, before sign-in, the sign-in cookie's), rendered into each
form by ``{{ csrf_field() }}`` and sent by htmx as the ``X-CSRF-Token`` header (set on
``<body hx-headers>``). Another site can make a browser post to us with our cookies, but
it cannot read our pages, so it cannot know the token. SameSite=Lax cookies already stop
most such posts; the token is the defence that does not depend on the browser.
"""

from __future__ import annotations

import hmac

from fastapi import Request

HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RULE = "csrf-token-required"
EXPLANATION = ("Every form in the workspace must carry the token of the page it came from. "
               "This request had none, or a stale one: reload the page and try again.")


async def supplied_token(request: Request) -> str | None:
    """The token a request carries: the header (htmx) or the form field (plain forms)."""
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(FIELD)
        return value if isinstance(value, str) else None
    return None


def matches(expected: str | None, supplied: str | None) -> bool:
    return bool(expected and supplied) and hmac.compare_digest(
        str(expected).encode(), str(supplied).encode())
