"""A notice as a printable PDF letter: the addressee block, the date, the subject, and the
same words as the e-mail's text (`ledger.notices.rendering`), so each invoice is listed with
its level, due date and undisputed amount, and the totals, formatted by Babel as there.

Pure, like the rendering: the caller reveals the contact (`postal_address` makes the
addressee block of its details) and says the letter's date; `render_letter` returns the
PDF's bytes. A statement or any other notice with templates is printed the same way.

The PDF is drawn with ReportLab (BSD licence; maintained since 2000; no native code needed):
its page layout (``platypus``) flows paragraphs over pages, and its standard Helvetica
covers the euro sign and Western European text without shipping a font file. A character
outside that (WinAnsi) set prints as a box: a known limit until a Unicode font is bundled.
The output is invariant (no creation time, no random id), so the same notice and address
always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ledger.notices.rendering import NoticeData, language_for, render_notice

ADDRESS_KEYS = ("address", "address_extra", "postal_code", "city", "region", "country")
"""The contact details a postal address is made of (``address`` is the street line and is
required; the others are optional)."""

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("letter-body", parent=_STYLES["Normal"], fontSize=10.5, leading=14,
                       spaceAfter=8)
_ADDRESS = ParagraphStyle("letter-address", parent=_BODY, spaceAfter=0)
_DATE = ParagraphStyle("letter-date", parent=_BODY, alignment=TA_RIGHT)
_SUBJECT = ParagraphStyle("letter-subject", parent=_BODY, fontName="Helvetica-Bold",
                          fontSize=12, spaceBefore=6, spaceAfter=12)


def postal_address(contact: Mapping[str, str | None], account_name: str) -> tuple[str, ...] | None:
    """The addressee block: the contact's ``name``, the customer's name, the street lines,
    ``postal_code`` and ``city`` on one line, ``region``, ``country``; None when the contact
    has no ``address`` (or was erased)."""
    if not contact.get("address"):
        return None
    locality = " ".join(v for v in (contact.get("postal_code"), contact.get("city")) if v)
    lines = (contact.get("name"), account_name, contact.get("address"),
             contact.get("address_extra"), locality, contact.get("region"),
             contact.get("country"))
    return tuple(str(line) for line in lines if line)


def render_letter(notice: NoticeData, address: Sequence[str], day: date) -> bytes:
    """The notice as an A4 PDF letter to ``address`` (`postal_address`), dated ``day``."""
    message = render_notice(notice)
    language = language_for(notice.template, notice.language)
    out = BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=25 * mm, rightMargin=20 * mm, topMargin=20 * mm,
        bottomMargin=20 * mm, title=message.subject, author="Accounts Receivable",
        invariant=True)
    story = [Spacer(1, 25 * mm), Paragraph(_lines(address), _ADDRESS), Spacer(1, 20 * mm),
             Paragraph(escape(format_date(day, format="long", locale=language)), _DATE),
             Paragraph(escape(message.subject), _SUBJECT)]
    story += [Paragraph(_lines(paragraph.splitlines()), _BODY)
              for paragraph in message.text.strip().split("\n\n") if paragraph.strip()]
    document.build(story)
    return out.getvalue()


def _lines(lines: Sequence[str]) -> str:
    return "<br/>".join(escape(line) for line in lines)
