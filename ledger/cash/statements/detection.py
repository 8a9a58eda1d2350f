"""Which format a bank file is in, from its first bytes.

Each format announces itself early: camt by its ISO 20022 namespace or message element,
BAI2 by its file header record ``01,``, MT940 by its SWIFT tags (``:20:`` and ``:61:`` /
``:60F:``, or a SWIFT block header ``{1:``), the CSV layout by its exact header. A file
that is none of them is refused rather than guessed.
"""

from __future__ import annotations

import re

from ledger.cash.statements.csv_layout import HEADER
from ledger.cash.statements.model import Format, StatementParseError

_HEAD = 8192
_CAMT = re.compile(rb"camt\.(05[234])\.|<(?:\w+:)?(BkToCstmrStmt|BkToCstmrDbtCdtNtfctn|"
                   rb"BkToCstmrAcctRpt)\b")
_CAMT_KINDS = {b"053": "camt053", b"054": "camt054", b"052": "camt052",
               b"BkToCstmrStmt": "camt053", b"BkToCstmrDbtCdtNtfctn": "camt054",
               b"BkToCstmrAcctRpt": "camt052"}
_MT940_TAG = re.compile(rb"^:(?:20|25|28C?|60[FM]|61):", re.MULTILINE)


def detect_format(data: bytes) -> Format:
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        found = _CAMT.search(head)
        kind = _CAMT_KINDS.get(found.group(1) or found.group(2), "") if found else ""
        if kind in ("camt053", "camt054"):
            return kind  # type: ignore[return-value]
        what = "camt.052 account reports are" if kind == "camt052" else "this XML is"
        raise StatementParseError(f"{what} not a camt.053 or camt.054 statement", 1)
    if head.startswith(b"01,"):
        return "bai2"
    if head.startswith(b"{1:") or len(_MT940_TAG.findall(head)) >= 2:
        return "mt940"
    if head.split(b"\n", 1)[0].strip().decode("utf-8", "replace") == HEADER:
        return "csv"
    raise StatementParseError(
        "the file is not a bank statement in a known format (BAI2, camt.053, camt.054, "
        f"MT940, or CSV with the header '{HEADER}')", 1)
