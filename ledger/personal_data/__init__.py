"""Personal data: sealed per account at the command boundary, shredded by deleting a key."""
