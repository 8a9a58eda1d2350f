"""A notice rendered into the parts of a message: subject, plain text and HTML.

Pure: it takes the notice's data (the account's and contact's names in clear, the invoices
listed by the run's `NoticeSent`) and returns text; reading the contact and sending are
the delivery's. Templates live beside this module as ``templates/{template}.{lang}.txt``
and ``.html``; the first line of the text template is the subject. A level's templates
say only what differs between levels (the ``title``, ``opening`` and ``closing`` blocks) and
extend the language's layout, ``_layout.{lang}.txt`` and ``.html``, which lists the invoices
and totals once for every level. A language without its own templates falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class NoticeLine:
    invoice_id: str
    level: str
    due_date: date
    currency: str
    amount: Decimal
    disputed: Decimal = Decimal(0)
    """The part under dispute beside the undisputed ``amount`` (statements list it)."""


@dataclass(frozen=True)
class NoticeData:
    template: str
    level: str
    account_number: str
    account_name: str
    contact_name: str
    lines: tuple[NoticeLine, ...]
    language: str = DEFAULT_LANGUAGE
    credits: tuple[tuple[str, Decimal], ...] = ()
    """(currency, amount) of unapplied credit, which a statement lists."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def _environment(autoescape: bool) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html"]) if autoescape else False,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env


_ENVIRONMENT = _environment(autoescape=True)


def language_for(template: str, language: str | None) -> str:
    """``language`` when both its templates exist, else English."""
    if language and all((TEMPLATES / f"{template}.{language}.{ext}").is_file()
                        for ext in ("txt", "html")):
        return language
    return DEFAULT_LANGUAGE


def render_notice(notice: NoticeData) -> Message:
    language = language_for(notice.template, notice.language)
    context = _context(notice, language)
    text = _ENVIRONMENT.get_template(f"{notice.template}.{language}.txt").render(context)
    subject, _, body = text.partition("\n")
    html = _ENVIRONMENT.get_template(f"{notice.template}.{language}.html").render(context)
    return Message(subject.strip(), body.lstrip("\n"), html)


def _context(notice: NoticeData, language: str) -> Mapping[str, Any]:
    """Each line's undisputed ``amount``, its ``disputed`` part and its ``balance`` (the
    two), formatted; ``totals`` of the amounts per currency, and for statements the
    ``balances``, ``disputed`` totals and ``credits``."""
    def money(amount: Decimal, currency: str) -> str:
        return format_currency(amount, currency, locale=language)

    lines = [{"invoice_id": line.invoice_id, "level": line.level,
              "due_date": format_date(line.due_date, format="medium", locale=language),
              "amount": money(line.amount, line.currency),
              "disputed": money(line.disputed, line.currency),
              "balance": money(line.amount + line.disputed, line.currency)}
             for line in notice.lines]
    totals: dict[str, Decimal] = {}
    disputed: dict[str, Decimal] = {}
    for line in notice.lines:
        totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.amount
        disputed[line.currency] = disputed.get(line.currency, Decimal(0)) + line.disputed
    return {"notice": notice, "lines": lines,
            "totals": [money(amount, currency) for currency, amount in sorted(totals.items())],
            "balances": [money(amount + disputed[currency], currency)
                         for currency, amount in sorted(totals.items())],
            "disputed": [money(amount, currency) for currency, amount in sorted(disputed.items())
                         if amount > 0],
            "credits": [money(amount, currency) for currency, amount in notice.credits]}
