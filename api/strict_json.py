"""JSON request bodies read as strictly as the Kafka feeds read their messages.

Python's ``json`` module lets the last of two equal keys win silently, reads
``NaN`` and ``Infinity``, guesses UTF-16 and UTF-32, and turns a lone surrogate
escape (``"\\ud800"``) into a string no database will store. A client that sends
``{"amount": "10.00", "amount": "1000.00"}`` meant one of them, and the ledger must
not pick: such a body is refused with a problem naming the rule, before any route
sees it. Well-formed bodies pass through untouched (the route parses them again).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM, TYPE_PREFIX

WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class BodyRefused(ValueError):
    """Bytes that are not text are a 400 (as FastAPI answers them); text that is not
    strict JSON is a 422 naming the rule."""

    def __init__(self, rule: str, detail: str, status: int = 422) -> None:
        super().__init__(detail)
        self.rule = rule
        self.detail = detail
        self.status = status


def check(body: bytes) -> None:
    """Raise `BodyRefused` unless ``body`` is UTF-8 JSON without repeated keys or
    non-standard constants, whose strings are all valid Unicode."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyRefused("body-not-utf8", f"the body is not UTF-8: {error}", 400) from None
    try:
        parsed = json.loads(text, object_pairs_hook=_no_repeated_keys,
                            parse_constant=_no_constant)
    except BodyRefused:
        raise
    except ValueError as error:
        raise BodyRefused("invalid-json", f"the body is not valid JSON: {error}") from None
    try:
        json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BodyRefused("invalid-json", "the body holds a lone surrogate escape "
                                          "(e.g. \\ud800), which is no Unicode text") from None


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise BodyRefused("duplicate-json-key",
                              f"the key {key!r} appears more than once in one object")
        seen.add(key)
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise BodyRefused("invalid-json", f"{name} is not a JSON number")


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media = value.split(b";")[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return False


class StrictJsonBodies:
    """ASGI middleware: read a JSON body whole, check it, then hand it on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WITH_BODY or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body:
            try:
                check(body)
            except BodyRefused as refused:
                await _refuse(refused, send)
                return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _refuse(refused: BodyRefused, send: Send) -> None:
    content = json.dumps({
        "type": TYPE_PREFIX + refused.rule, "title": "Invalid request body",
        "status": refused.status, "detail": refused.detail,
    }).encode()
    await send({"type": "http.response.start", "status": refused.status, "headers": [
        (b"content-type", PROBLEM.encode()), (b"content-length", str(len(content)).encode()),
    ]})
    await send({"type": "http.response.body", "body": content})
