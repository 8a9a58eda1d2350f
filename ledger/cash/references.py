"""Invoice numbers and ISO 11649 creditor references in a payer's remittance text.

Payers write invoice numbers any way they like: ``INV-1001``, ``inv 1001``,
``Inv#1001,``, ``(INV1001)``. Both the ledger's invoice ids and the words of the text
are compared in one *folded* form: upper case, letters and digits only. A text yields
each word and each pair of adjacent words folded (so ``INV 1001`` is found as
``INV1001``); the candidates are only looked up, never guessed from: a folded form
that is no invoice id finds nothing.

An ISO 11649 reference is ``RF``, two check digits and up to 21 letters or digits, valid
when the whole (its first four characters moved to the end, letters as 10..35) is 1
modulo 97. The ledger's references are made from the invoice id (`creditor_reference`),
so a valid one names an invoice by its folded id.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9]+(?:[-_/.#:][A-Za-z0-9]+)*")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_RF = re.compile(r"RF\d{2}[A-Z0-9]{1,21}")
MAX_CANDIDATES = 200
"""At most this many folded forms per text: remittance fields are short, a longer
text is cut, never scanned whole against the ledger."""


def fold(text: str) -> str:
    return _NOT_ALNUM.sub("", text.upper())


def invoice_candidates(text: str) -> list[str]:
    """Folded forms of the text's words and adjacent pairs, in order, without repeats;
    only forms holding a digit (an invoice number without one is no number)."""
    words = [fold(w) for w in _WORD.findall(text)]
    words = [w for w in words if w]
    seen: dict[str, None] = {}
    for i, word in enumerate(words):
        for form in (word, word + words[i + 1] if i + 1 < len(words) else ""):
            if form and any(c.isdigit() for c in form) and len(form) <= 64:
                seen.setdefault(form, None)
        if len(seen) >= MAX_CANDIDATES:
            break
    return list(seen)


def _numeric(reference: str) -> int:
    return int("".join(str(int(c, 36)) for c in reference))


def is_creditor_reference(reference: str) -> bool:
    compact = fold(reference)
    if not _RF.fullmatch(compact):
        return False
    return _numeric(compact[4:] + compact[:4]) % 97 == 1


def creditor_reference(invoice_id: str) -> str:
    """The ISO 11649 reference the ledger prints on an invoice: ``RF``, check digits, and
    the folded invoice id (which must be 1 to 21 letters or digits once folded)."""
    body = fold(invoice_id)
    if not 1 <= len(body) <= 21:
        raise ValueError(f"invoice id {invoice_id!r} folds to {len(body)} characters; "
                         "an ISO 11649 reference holds 1 to 21")
    check = 98 - _numeric(body + "RF00") % 97
    return f"RF{check:02d}{body}"


def creditor_references(text: str) -> list[str]:
    """The folded invoice ids named by valid RF references in the text. A reference may be
    printed in groups (``RF18 5390 0754 7034``): from each word starting with ``RF``, the
    words after it are joined while the whole stays a possible reference, and the longest
    valid one is taken. Only word boundaries are tried, so a check digit that happens to
    fit inside a longer run of characters is not mistaken for a reference."""
    words = [fold(w) for w in text.split()]
    found = []
    for i, word in enumerate(words):
        if not word.startswith("RF"):
            continue
        joined, best = "", ""
        for following in words[i:]:
            joined += following
            if len(joined) > 25:
                break
            if is_creditor_reference(joined):
                best = joined
        if best:
            found.append(best[4:])
    return found
