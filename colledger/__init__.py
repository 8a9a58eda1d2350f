"""The `colledger` command line: an entry point, like `api/` and `consumers/`."""
