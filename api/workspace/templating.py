"""The one Jinja2 environment of the workspace, with what every template may use.

Globals: ``csrf_field()`` (the hidden input every form needs) and ``csrf_token()`` (for
htmx's header). Filters, in the reader's locale (``api.workspace.formatting``):
``amount|money(currency)``, ``value|number``, ``ratio|percent``, ``date|day``,
``datetime|moment`` (UTC with offset) or ``datetime|moment(zone)``. Context, from the
request: ``caller`` (None before sign-in), ``nav`` (the caller's pages) and ``current``
(the path, for ``aria-current``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from api.workspace import csrf, formatting
from api.workspace.navigation import nav_for

TEMPLATES = Path(__file__).parent / "templates"


def locale_of(request: Request) -> Locale:
    """The reader's locale, negotiated once per request."""
    locale: Locale | None = getattr(request.state, "locale", None)
    if locale is None:
        locale = formatting.negotiate(request.headers.get("accept-language"))
        request.state.locale = locale
    return locale


def page_context(request: Request) -> dict[str, Any]:
    caller = getattr(request.state, "caller", None)
    return {"caller": caller, "nav": nav_for(caller) if caller else [],
            "current": request.url.path}


@pass_context
def csrf_token(context: Context) -> str:
    return str(getattr(context["request"].state, "csrf_token", ""))


@pass_context
def csrf_field(context: Context) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        csrf.FIELD, escape(csrf_token(context)))


def _in_locale(format_with: Any) -> Any:
    @pass_context
    def filter_(context: Context, value: Any, *args: Any) -> str:
        return str(format_with(value, *args, locale=locale_of(context["request"])))
    return filter_


def _moment(value: Any, zone: str | None = None, *, locale: Locale) -> str:
    return formatting.moment(value, locale, ZoneInfo(zone)) if zone else formatting.moment(
        value, locale)


templates = Jinja2Templates(directory=TEMPLATES, context_processors=[page_context])
templates.env.globals.update(csrf_field=csrf_field, csrf_token=csrf_token)
templates.env.filters.update(
    money=_in_locale(formatting.money),
    number=_in_locale(formatting.number),
    percent=_in_locale(formatting.percent),
    day=_in_locale(formatting.day),
    moment=_in_locale(_moment),
)
