"""The one base class of the refusals a user sees (pure: no flask, no database).

A service raises a :class:`DomainError` subclass (``PbError``, ``PetitionError``, ``ReportError``,
``UploadRefused``, ``CalendarError``, ``AccountError`` ...) when it refuses an action; the
request boundary (:func:`civic.web.transaction`) and the CLI commands catch this one class,
roll back and show the Ukrainian ``message`` — next to the form field ``field`` when it names
one — with the per-line ``problems`` (an import's bad lines) under it.
"""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """A refused action: nothing it did is kept, and ``message`` says why (Ukrainian)."""

    def __init__(
        self, message: str = "", *, field: str | None = None, problems: Iterable[str] = ()
    ) -> None:
        super().__init__(message)
        # Subclasses that set their own attributes before calling this keep them.
        attributes = vars(self)
        attributes.setdefault("message", message)
        attributes.setdefault("field", field)
        attributes.setdefault("problems", list(problems))
