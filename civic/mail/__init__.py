"""Outgoing mail: SMTP when configured, otherwise a database outbox plus .eml files."""
