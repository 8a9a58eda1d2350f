"""Cash application: bank statements in, receipts matched to accounts and invoices."""
