"""Request and response schemas, kept apart from the ledger's own classes."""
