"""ISO 20022 camt.053 (statement) and camt.054 (debit/credit notification), read with lxml.

No camt parser on PyPI was fit (README.md beside this module says why), so the entries
are read straight against the ISO 20022 element names, which are the same in every
version from .001.02 to .001.13: only the namespace changes, so paths are written with
the ``{*}`` wildcard and looked up in the namespace of the element they start from. The
file is streamed (``iterparse``) and each entry is dropped once read, so a 100,000-entry
statement does not sit in memory as a tree.

Safety: a DOCTYPE is refused outright (bank files carry none; it is how entity bombs and
external entities arrive), entities are never resolved, nothing is fetched from the
network and libxml2's limits on huge text nodes stay on.

camt.053 and camt.054 are read by the same code, so the notification and the statement
entry for one transaction yield the same ``bank_reference`` and ``end_to_end_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from typing import Literal

from lxml import etree

from ledger.cash.identity import compact
from ledger.cash.statements.model import (
    Format,
    Statement,
    StatementLine,
    StatementParseError,
    checked_amount,
    checked_currency,
    one_line,
)

Direction = Literal["credit", "debit"]
_CONTAINERS = {"Stmt": "camt053", "Rpt": "camt052", "Ntfctn": "camt054"}
_ENTITY_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def parse(data: bytes, expected: Format) -> list[Statement]:
    _refuse_dtd(data)
    statements: list[Statement] = []
    current: _Open | None = None
    events = etree.iterparse(
        BytesIO(data), events=("end",), tag=("{*}Ntry", "{*}Stmt", "{*}Ntfctn", "{*}Rpt"),
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        for _, element in events:
            name = etree.QName(element).localname
            if name == "Ntry":
                parent = element.getparent()
                if current is None or current.element is not parent:
                    current = _open(parent, expected)
                current.lines.extend(_entry_lines(element, current, len(current.lines)))
                _forget(element)
            else:
                if current is None or current.element is not element:
                    current = _open(element, expected)
                statements.append(current.close())
                current = None
                element.clear(keep_tail=True)
    except etree.XMLSyntaxError as exc:
        raise StatementParseError(f"the XML is not well formed: {exc.msg}", exc.lineno) from None
    if not statements:
        raise StatementParseError(f"no {_label(expected)} statement or notification in the file", 1)
    return statements


@dataclass
class _Open:
    element: etree._Element
    format: Format
    statement_id: str
    account: str
    currency: str
    lines: list[StatementLine] = field(default_factory=list)

    def close(self) -> Statement:
        currency = self.currency or (self.lines[0].currency if self.lines else "")
        return Statement(self.format, self.statement_id, self.account, currency,
                         tuple(self.lines))


def _open(container: etree._Element, expected: Format) -> _Open:
    line = container.sourceline
    kind = _CONTAINERS.get(_local(container), "")
    if kind != expected:
        raise StatementParseError(
            f"<{_local(container)}> is a {_label(kind)} element, not {_label(expected)}", line)
    statement_id = _text(container, "{*}Id")
    if not statement_id:
        raise StatementParseError(f"<{_local(container)}> has no <Id>", line)
    acct = _find(container, "{*}Acct")
    account = ""
    currency = ""
    if acct is not None:
        account = compact(_text(acct, "{*}Id/{*}IBAN") or _text(acct, "{*}Id/{*}Othr/{*}Id"))
        currency = _text(acct, "{*}Ccy")
        if currency:
            checked_currency(currency, acct.sourceline)
    return _Open(container, expected, statement_id, account, currency)


def _entry_lines(entry: etree._Element, statement: _Open, done: int) -> Iterator[StatementLine]:
    line = entry.sourceline
    amount, currency = _amount(entry, line)
    if amount is None:
        raise StatementParseError("entry has no <Amt>", line)
    direction = _direction(_text(entry, "{*}CdtDbtInd"), _line_of(entry, "{*}CdtDbtInd"))
    booked = _date(_find(entry, "{*}BookgDt"))
    valued = _date(_find(entry, "{*}ValDt"))
    if booked is None and valued is None:
        raise StatementParseError("entry has neither a booking nor a value date", line)
    booked_on = booked or valued
    value_on = valued or booked
    assert booked_on is not None and value_on is not None
    reversal = _text(entry, "{*}RvslInd").lower() == "true"
    status = _text(entry, "{*}Sts/{*}Cd") or _text(entry, "{*}Sts")
    details = _findall(entry, "{*}NtryDtls/{*}TxDtls")
    common = dict(booked_on=booked_on, value_on=value_on, currency=currency,
                  status=status, source_line=line or 0)
    splits = _split_amounts(details, amount, currency)
    if splits is None:
        facts = _details(details, direction, statement.account, reversal)
        facts["bank_reference"] = _text(entry, "{*}AcctSvcrRef") or facts["bank_reference"]
        yield StatementLine(sequence=done + 1, amount=amount, direction=direction,
                            **facts, **common)  # type: ignore[arg-type]
        return
    for offset, (detail, split) in enumerate(zip(details, splits, strict=True)):
        own = _direction(_text(detail, "{*}CdtDbtInd") or _text(entry, "{*}CdtDbtInd"),
                         _line_of(detail, "{*}CdtDbtInd"))
        facts = _details([detail], own, statement.account, reversal)
        facts["bank_reference"] = facts["bank_reference"] or _text(entry, "{*}AcctSvcrRef")
        yield StatementLine(sequence=done + offset + 1, amount=split, direction=own,
                            **facts, **common)  # type: ignore[arg-type]


def _split_amounts(details: list[etree._Element], amount: Decimal,
                   currency: str) -> list[Decimal] | None:
    """A batch entry becomes one line per transaction when each names its amount and the
    amounts add up to the entry; otherwise (charges netted, amounts missing) one line."""
    if len(details) < 2:
        return None
    splits = []
    for detail in details:
        value, ccy = _amount(detail, detail.sourceline, "{*}AmtDtls/{*}TxAmt/{*}Amt")
        if value is None or ccy != currency:
            return None
        splits.append(value)
    return splits if sum(splits) == amount else None


def _details(details: list[etree._Element], direction: Direction, own_account: str,
             reversal: bool) -> dict[str, object]:
    """References, counterparty and remittance of one transaction (or of a batch entry
    read as one line: the first transaction's references, every remittance text)."""
    first = details[0] if details else None
    payer = "Dbtr" if direction == "credit" else "Cdtr"
    payee = "Cdtr" if direction == "credit" else "Dbtr"
    end_to_end = _text(first, "{*}Refs/{*}EndToEndId")
    if end_to_end.upper() == "NOTPROVIDED":
        end_to_end = ""
    reason = ""
    returned = ""
    is_return = reversal
    if first is not None and _find(first, "{*}RtrInf") is not None:
        is_return = True
        code = (_text(first, "{*}RtrInf/{*}Rsn/{*}Cd")
                or _text(first, "{*}RtrInf/{*}Rsn/{*}Prtry"))
        extra = " ".join(t for t in (e.text for e in _findall(first, "{*}RtrInf/{*}AddtlInf"))
                         if t)
        reason = one_line(f"{code} {extra}")
    elif reversal:
        reason = "reversal"
    if is_return:
        # The end-to-end id a bank gives on a return is the original payment's: it names
        # what the return undoes, and must never make the return look like that payment.
        returned, end_to_end = end_to_end, ""
    remittance = " ".join(one_line(e.text) for d in details
                          for e in _findall(d, "{*}RmtInf/{*}Ustrd") if e.text)
    name = _party_name(first, payer)
    account = _account(first, payer)
    own_side = _account(first, payee)
    if is_return:
        # Banks name a return's parties either as the return message has them or as the
        # original payment had them (a refunded direct debit: DBIT with the customer as
        # Dbtr), so the other side is read when this one is empty; and no side of a
        # return is our virtual account.
        name = name or _party_name(first, payee)
        account = account or own_side
        own_side = ""
    return dict(
        is_return=is_return, return_reason=reason, returned_reference=returned,
        bank_reference=_text(first, "{*}Refs/{*}AcctSvcrRef"), end_to_end_id=end_to_end,
        counterparty_name=name, counterparty_account=account,
        remittance=remittance,
        creditor_reference=_text(first, "{*}RmtInf/{*}Strd/{*}CdtrRefInf/{*}Ref"),
        virtual_account=own_side if own_side and own_side != own_account else "",
    )


def _party_name(detail: etree._Element | None, role: str) -> str:
    for path in (f"{{*}}RltdPties/{{*}}{role}/{{*}}Nm",  # .001.02 to .001.07
                 f"{{*}}RltdPties/{{*}}{role}/{{*}}Pty/{{*}}Nm",  # .001.08 on
                 f"{{*}}RltdPties/{{*}}Ultmt{role}/{{*}}Nm",
                 f"{{*}}RltdPties/{{*}}Ultmt{role}/{{*}}Pty/{{*}}Nm"):
        name = _text(detail, path)
        if name:
            return one_line(name)
    return ""


def _account(detail: etree._Element | None, role: str) -> str:
    base = f"{{*}}RltdPties/{{*}}{role}Acct/{{*}}Id/"
    return compact(_text(detail, base + "{*}IBAN") or _text(detail, base + "{*}Othr/{*}Id"))


def _amount(element: etree._Element, line: int | None,
            alternative: str = "") -> tuple[Decimal | None, str]:
    amt = _find(element, "{*}Amt")
    if amt is None and alternative:
        amt = _find(element, alternative)
    if amt is None:
        return None, ""
    currency = amt.get("Ccy", "")
    where = amt.sourceline or line
    text = (amt.text or "").strip()
    return checked_amount(text, checked_currency(currency, where), where), currency


def _direction(indicator: str, line: int | None) -> Direction:
    if indicator == "CRDT":
        return "credit"
    if indicator == "DBIT":
        return "debit"
    raise StatementParseError(f"credit/debit indicator {indicator!r} is neither CRDT nor DBIT",
                              line)


def _date(holder: etree._Element | None) -> date | None:
    if holder is None:
        return None
    text = _text(holder, "{*}Dt") or _text(holder, "{*}DtTm")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise StatementParseError(f"date {text!r} is not an ISO date",
                                  holder.sourceline) from None


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = _find(element, path)
    return (found.text or "").strip() if found is not None else ""


def _find(element: etree._Element, path: str) -> etree._Element | None:
    """element.find with the document's own namespace in place of ``{*}``: lxml matches
    a wildcard path several times slower, and a statement looks up a dozen per entry."""
    return element.find(_in_namespace(path, element.tag))


def _findall(element: etree._Element, path: str) -> list[etree._Element]:
    found: list[etree._Element] = element.findall(_in_namespace(path, element.tag))
    return found


@lru_cache(maxsize=512)
def _in_namespace(path: str, tag: str) -> str:
    namespace = tag[1:tag.index("}")] if tag.startswith("{") else ""
    return path.replace("{*}", f"{{{namespace}}}" if namespace else "")


def _line_of(element: etree._Element, path: str) -> int | None:
    """The line of the child at path, else of the element: where a reader looks."""
    found = _find(element, path)
    line: int | None = found.sourceline if found is not None else None
    return line or element.sourceline


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _forget(entry: etree._Element) -> None:
    """Drop an entry once read, and the entries before it, so memory stays flat."""
    entry.clear(keep_tail=True)
    parent = entry.getparent()
    previous = entry.getprevious()
    while previous is not None and isinstance(previous.tag, str) and previous.tag.endswith("Ntry"):
        parent.remove(previous)
        previous = entry.getprevious()


def _label(kind: str) -> str:
    return {"camt053": "camt.053", "camt054": "camt.054", "camt052": "camt.052"}.get(
        kind, kind or "unknown")


def _refuse_dtd(data: bytes) -> None:
    for marker in _ENTITY_MARKERS:
        at = data.find(marker)
        if at >= 0:
            raise StatementParseError(
                "a DOCTYPE or entity declaration is refused in a bank file",
                data.count(b"\n", 0, at) + 1)
