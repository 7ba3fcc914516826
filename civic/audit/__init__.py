"""Append-only, hash-chained audit trail of every staff and domain action."""
