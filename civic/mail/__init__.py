"""Outgoing mail: SMTP when configured, otherwise a database outbox plus .eml files."""

from civic.mail import sender  # noqa: F401 (registers the session hooks that hand mail over)
