"""Bank statement files built from known lines, for tests and the import benchmark.

Each builder writes one format from the same tuples, ``(date, amount, currency, name,
iban, remittance, reference)`` (a negative amount is a debit), so a test knows the
answer the parser must give and the benchmark can write a large file without a bank.
The files follow each format's layout as banks write it (BAI2 control totals and record
counts, MT940 SEPA ``:86:`` subfields, camt.053.001.08 entries), so what parses here is
what a real file of that shape would give. Text fields must fit the narrowest format:
MT940 subfields take 27 characters from the SWIFT character set; ``FIELD_ALPHABET`` and
the lengths in ``tests/unit/test_statement_parsers.py`` keep to that.

``write_camt053(path, lines)`` streams to disk (no tree, no list of the lines), so a
100,000-line statement takes about a second to write.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from ledger.currencies import minor_units

FIELD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
"""Characters every format carries unchanged in a name, remittance or reference."""

OWN_IBAN = "DE89370400440532013000"
OWN_BIC = "COBADEFFXXX"


class Line(NamedTuple):
    on: date
    amount: Decimal
    currency: str
    name: str
    iban: str
    remittance: str
    reference: str


def lines_of(rows: Iterable[tuple[date, Decimal, str, str, str, str, str]]) -> list[Line]:
    return [Line(*row) for row in rows]


def _plain(amount: Decimal, currency: str) -> str:
    """The unsigned amount with the currency's minor units, '.' for the decimal point."""
    return f"{abs(amount).quantize(Decimal(1).scaleb(-minor_units(currency))):f}"


# -- CSV ---------------------------------------------------------------------------

def csv_file(rows: Iterable[tuple[date, Decimal, str, str, str, str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("date", "amount", "currency", "counterparty", "iban", "remittance",
                     "reference"))
    for line in lines_of(rows):
        sign = "-" if line.amount < 0 else ""
        writer.writerow((line.on.isoformat(), sign + _plain(line.amount, line.currency),
                         line.currency, line.name, line.iban, line.remittance, line.reference))
    return out.getvalue().encode("utf-8")


# -- camt.053 ----------------------------------------------------------------------

_CAMT053_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
<GrpHdr><MsgId>{id}</MsgId><CreDtTm>2026-12-07T06:00:00</CreDtTm></GrpHdr>
<Stmt>
<Id>{id}</Id>
<ElctrncSeqNb>1</ElctrncSeqNb>
<CreDtTm>2026-12-07T06:00:00</CreDtTm>
<Acct><Id><IBAN>{iban}</IBAN></Id><Svcr><FinInstnId><BICFI>{bic}</BICFI></FinInstnId></Svcr>
</Acct>
"""
_CAMT053_TAIL = "</Stmt>\n</BkToCstmrStmt>\n</Document>\n"


def _camt_entry(line: Line) -> str:
    credit = line.amount >= 0
    party, role = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
    amount = f'<Amt Ccy="{line.currency}">{_plain(line.amount, line.currency)}</Amt>'
    reference = (f"<AcctSvcrRef>{escape(line.reference)}</AcctSvcrRef>"
                 if line.reference else "")
    parties = ""
    if line.name or line.iban:
        name = f"<{party}><Pty><Nm>{escape(line.name)}</Nm></Pty></{party}>" if line.name else ""
        iban = f"<{role}><Id><IBAN>{escape(line.iban)}</IBAN></Id></{role}>" if line.iban else ""
        parties = f"<RltdPties>{name}{iban}</RltdPties>"
    remittance = (f"<RmtInf><Ustrd>{escape(line.remittance)}</Ustrd></RmtInf>"
                  if line.remittance else "")
    day = line.on.isoformat()
    return (
        f"<Ntry>{amount}<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd>"
        f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
        f"<ValDt><Dt>{day}</Dt></ValDt>{reference}"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
        "</Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs>{reference}<EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
        f"{amount}<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd>"
        f"{parties}{remittance}</TxDtls></NtryDtls></Ntry>\n")


def camt053_file(rows: Iterable[tuple[date, Decimal, str, str, str, str, str]],
                 statement_id: str = "STMT-GENERATED-1", iban: str = OWN_IBAN) -> bytes:
    out = io.StringIO()
    _write_camt053(out, lines_of(rows), statement_id, iban)
    return out.getvalue().encode("utf-8")


def write_camt053(path: str | Path,
                  lines: Iterable[tuple[date, Decimal, str, str, str, str, str]],
                  statement_id: str = "STMT-GENERATED-1", iban: str = OWN_IBAN) -> int:
    """Write one camt.053 statement of every line to path, streaming; the line count."""
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
        return _write_camt053(out, (Line(*row) for row in lines), statement_id, iban)


def _write_camt053(out: io.TextIOBase | io.TextIOWrapper, lines: Iterable[Line],
                   statement_id: str, iban: str) -> int:
    out.write(_CAMT053_HEAD.format(id=escape(statement_id), iban=iban, bic=OWN_BIC))
    count = 0
    for line in lines:
        out.write(_camt_entry(line))
        count += 1
    out.write(_CAMT053_TAIL)
    return count


# -- MT940 -------------------------------------------------------------------------

def mt940_file(rows: Iterable[tuple[date, Decimal, str, str, str, str, str]],
               account: str = OWN_IBAN) -> bytes:
    """One message per currency (an MT940 statement has one), in order of first use."""
    lines = lines_of(rows)
    currencies = list(dict.fromkeys(line.currency for line in lines))
    messages = [_mt940_message(number, account, currency,
                               [line for line in lines if line.currency == currency])
                for number, currency in enumerate(currencies, start=1)]
    return "".join(messages).encode("latin-1")


def _mt940_message(number: int, account: str, currency: str, lines: list[Line]) -> str:
    first = lines[0].on if lines else date(2026, 12, 7)
    out = [f":20:GEN{number:05d}", f":25:{account}", f":28C:{number:05d}/1",
           f":60F:C{first:%y%m%d}{currency}0,00"]
    balance = Decimal(0)
    for line in lines:
        balance += line.amount
        mark = "C" if line.amount >= 0 else "D"
        bank = f"//{line.reference}" if line.reference else ""
        out.append(f":61:{line.on:%y%m%d%m%d}{mark}{_swift_amount(line.amount, line.currency)}"
                   f"NTRFNONREF{bank}")
        out.append(":86:166?00GUTSCHRIFT" if mark == "C" else ":86:116?00UEBERWEISUNG")
        remittance = "SVWZ+" + line.remittance if line.remittance else ""
        for index, chunk in enumerate(_subfields(remittance)):
            out.append(f"?2{index}{chunk}")
        if line.iban:
            out.append(f"?31{line.iban}")
        if line.name:
            out.append(f"?32{line.name}")
    last = lines[-1].on if lines else first
    sign = "C" if balance >= 0 else "D"
    out.append(f":62F:{sign}{last:%y%m%d}{currency}{_swift_amount(balance, currency)}")
    out.append("-")
    return "\r\n".join(out) + "\r\n"


def _subfields(text: str, width: int = 27) -> Iterator[str]:
    """Text cut into ?2x subfields of at most 27 characters, none ending in a space: a
    line's trailing space does not survive MT940 reading (nor many banks' systems)."""
    while text:
        end = min(width, len(text))
        while end > 0 and text[end - 1] == " ":
            end -= 1
        if end == 0:  # pragma: no cover - remittance text has no run of 27 spaces
            end = width
        yield text[:end]
        text = text[end:]


def _swift_amount(amount: Decimal, currency: str) -> str:
    whole, _, fraction = _plain(amount, currency).partition(".")
    return f"{whole},{fraction}"


# -- BAI2 --------------------------------------------------------------------------

def bai2_file(rows: Iterable[tuple[date, Decimal, str, str, str, str, str]],
              account: str = "0532013000") -> bytes:
    """One group per as-of date and one account record per currency within it.

    BAI2 details carry no counterparty: the name and IBAN are not written (a bank puts
    them, if at all, in the free text), so they do not come back.
    """
    lines = lines_of(rows)
    groups: list[list[str]] = []
    ordered = sorted(enumerate(lines), key=lambda item: (item[1].on, item[0]))
    for on, day_items in groupby(ordered, key=lambda item: item[1].on):
        day = [line for _, line in day_items]
        accounts = []
        for currency in dict.fromkeys(line.currency for line in day):
            accounts.append(_bai2_account(account, currency,
                                          [line for line in day if line.currency == currency]))
        total = sum(int(records[-1].split(",")[1]) for records in accounts)
        body = [record for records in accounts for record in records]
        groups.append([f"02,GENERATED,BANKID,1,{on:%y%m%d},,,2/", *body,
                       f"98,{total},{len(accounts)},{len(body) + 2}/"])
    records = [record for group in groups for record in group]
    total = sum(int(group[-1].split(",")[1]) for group in groups)
    text = ["01,BANKID,GENERATED,261207,0600,1,,,2/", *records,
            f"99,{total},{len(groups)},{len(records) + 2}/"]
    return ("\n".join(text) + "\n").encode("ascii")


def _bai2_account(account: str, currency: str, lines: list[Line]) -> list[str]:
    scale = minor_units(currency)
    records = [f"03,{account},{currency},/"]
    total = 0
    for line in lines:
        minor = int(abs(line.amount).scaleb(scale))
        total += minor
        code = "195" if line.amount >= 0 else "495"
        records.append(f"16,{code},{minor},Z,{line.reference},,{line.remittance}")
    records.append(f"49,{total},{len(records) + 1}/")
    return records


def bai2_lines(rows: Iterable[tuple[date, Decimal, str, str, str, str, str]]) -> Iterator[Line]:
    """The lines as a BAI2 file gives them back: no counterparty (see bai2_file)."""
    for line in lines_of(rows):
        yield line._replace(name="", iban="")
