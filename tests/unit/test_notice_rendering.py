"""Rendering a notice from its templates: subject, text and HTML, amounts in currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.notices.rendering import TEMPLATES, NoticeData, NoticeLine, render_notice

LINES = (NoticeLine("INV-1", "reminder_1", date(2026, 3, 30), "USD", Decimal("1234.50")),
         NoticeLine("INV-3", "final_notice", date(2026, 2, 25), "EUR", Decimal("300")))


def a_notice(template: str = "final_notice", language: str = "en") -> NoticeData:
    return NoticeData(template, "final_notice", "ACC-1", "Acme & Sons", "Jo Bloggs", LINES,
                      language)


def test_notice_lists_every_invoice_with_level_due_date_and_amount() -> None:
    message = render_notice(a_notice())
    assert message.subject == "Final notice (ACC-1)"
    assert "Dear Jo Bloggs," in message.text
    assert "Invoice INV-1, due Mar 30, 2026: $1,234.50 (reminder_1)" in message.text
    assert "Invoice INV-3, due Feb 25, 2026: €300.00 (final_notice)" in message.text
    assert "<td>$1,234.50</td>" in message.html
    assert "Acme &amp; Sons" in message.html and "Acme & Sons" in message.text


def test_unknown_language_falls_back_to_english() -> None:
    assert render_notice(a_notice(language="fr")) == render_notice(a_notice())


@pytest.mark.parametrize("template", ["reminder_1", "reminder_2", "final_notice",
                                      "hold_notice", "agency_warning"])
def test_every_default_level_has_its_templates(template: str) -> None:
    assert (TEMPLATES / f"{template}.en.txt").is_file()
    assert render_notice(a_notice(template)).subject.endswith("(ACC-1)")
