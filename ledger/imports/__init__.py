"""Importing files from outside the ledger: the ERP's open items and the bank's remittances.

Reading a file makes an `ImportPlan` (commands per row, errors per row and
column) without touching the ledger; `run_import` carries a plan out.
"""

from ledger.imports.invoices import parse_invoices
from ledger.imports.payments import parse_payments
from ledger.imports.plan import ImportPlan, PlannedRow
from ledger.imports.rows import RowError
from ledger.imports.run import ImportReport, run_import

__all__ = [
    "ImportPlan",
    "ImportReport",
    "PlannedRow",
    "RowError",
    "parse_invoices",
    "parse_payments",
    "run_import",
]
