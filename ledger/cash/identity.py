"""What identifies a statement line at the bank, so that it is recorded once.

The bank's own reference for the entry (camt ``AcctSvcrRef``, MT940's bank reference,
BAI2's bank reference) is unique per receiving account, and a camt.054 notification and
the camt.053 entry that books the same transaction carry the same one. Without it the
end-to-end id the payer gave does the same job; without either, the statement's id and
the entry's place in it. References are compared without case or spaces, since banks
reprint them in either. docs/cash-application.md, *Identity*.
"""

from __future__ import annotations

import re

NOT_PROVIDED = "NOTPROVIDED"
_SPACES = re.compile(r"\s+")


def compact(text: str) -> str:
    """A bank account or reference as compared: upper case, no spaces (IBANs are printed
    in groups, references reprinted in either case)."""
    return _SPACES.sub("", text).upper()


def receipt_key(bank_account: str, statement_id: str, sequence: int, bank_reference: str,
                end_to_end_id: str) -> str:
    account = compact(bank_account)
    if bank_reference.strip():
        return f"bank:{account}:{compact(bank_reference)}"
    if end_to_end_id.strip() and compact(end_to_end_id) != NOT_PROVIDED:
        return f"e2e:{account}:{compact(end_to_end_id)}"
    return f"line:{account}:{statement_id.strip()}:{sequence}"


def keys_of_returned(bank_account: str, returned_reference: str) -> list[str]:
    """The keys a return's reference to its original item could be under."""
    if not returned_reference.strip():
        return []
    account, reference = compact(bank_account), compact(returned_reference)
    return [f"bank:{account}:{reference}", f"e2e:{account}:{reference}"]
