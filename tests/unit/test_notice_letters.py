"""A notice printed as a PDF letter, read back with pypdf: addressee, date, subject, every
invoice with its level and amount, and the totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from ledger.notices.letters import postal_address, render_letter
from ledger.notices.rendering import NoticeData, NoticeLine

LINES = (NoticeLine("INV-1", "reminder_1", date(2026, 3, 30), "USD", Decimal("1234.50")),
         NoticeLine("INV-7", "final_notice", date(2026, 2, 25), "USD", Decimal("300")),
         NoticeLine("INV-9", "final_notice", date(2026, 2, 20), "EUR", Decimal("75.25")))
CONTACT = {"name": "Jo Bloggs", "email": "jo@acme.example", "address": "12 Quay Street",
           "address_extra": "Unit 4", "postal_code": "M3 3JZ", "city": "Manchester",
           "country": "United Kingdom"}


def a_notice(lines: tuple[NoticeLine, ...] = LINES) -> NoticeData:
    return NoticeData("final_notice", "final_notice", "ACC-1", "Acme & Sons", "Jo Bloggs",
                      lines)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_letter_holds_addressee_date_subject_invoices_and_totals() -> None:
    address = postal_address(CONTACT, "Acme & Sons")
    assert address is not None

    pdf = render_letter(a_notice(), address, date(2026, 4, 1))

    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    for line in ("Jo Bloggs", "Acme & Sons", "12 Quay Street", "Unit 4", "M3 3JZ Manchester",
                 "United Kingdom", "April 1, 2026", "Final notice (ACC-1)"):
        assert line in text
    assert "INV-1, due Mar 30, 2026: $1,234.50 (reminder_1)" in text
    assert "INV-7, due Feb 25, 2026: $300.00 (final_notice)" in text
    assert "INV-9, due Feb 20, 2026: €75.25 (final_notice)" in text
    assert "Total outstanding: €75.25, $1,534.50" in text


def test_the_same_notice_prints_the_same_bytes() -> None:
    address = ("Jo Bloggs", "1 Main St")
    assert render_letter(a_notice(), address, date(2026, 4, 1)) == render_letter(
        a_notice(), address, date(2026, 4, 1))


def test_a_long_notice_flows_onto_more_pages() -> None:
    lines = tuple(NoticeLine(f"INV-{n}", "reminder_1", date(2026, 3, 1), "USD", Decimal(n))
                  for n in range(1, 90))

    pdf = render_letter(a_notice(lines), ("Jo Bloggs", "1 Main St"), date(2026, 4, 1))

    assert len(PdfReader(BytesIO(pdf)).pages) > 1
    assert "INV-89, due Mar 1, 2026: $89.00" in text_of(pdf)


def test_a_contact_without_a_street_line_has_no_postal_address() -> None:
    assert postal_address({"name": "Jo", "city": "Leeds"}, "Acme") is None
    assert postal_address({"name": None, "address": None}, "Acme") is None
    assert postal_address({"address": "1 Main St", "city": "Leeds"}, "Acme") == (
        "Acme", "1 Main St", "Leeds")
