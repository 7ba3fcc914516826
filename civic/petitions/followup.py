"""The follow-up of a petition's answer (pure): the action the council promised in its answer and
how far it got, as the public page and open data show it."""

from __future__ import annotations

from civic.errors import DomainError

MAX_ACTION = 1000
PROMISED = "promised"
IN_PROGRESS = "in_progress"
KEPT = "kept"
NOT_KEPT = "not_kept"
FOLLOWUP_TITLES = {
    PROMISED: "заплановано",
    IN_PROGRESS: "виконується",
    KEPT: "виконано",
    NOT_KEPT: "не виконано",
}


class FollowupError(DomainError):
    """A follow-up refused; ``field`` names the form field."""


def check_followup(*, action: str, status: str) -> tuple[str, str]:
    """A petition answer's follow-up: the promised action (text) and its status."""
    words = (action or "").strip()
    if not words:
        raise FollowupError("Опишіть обіцяну дію.", field="action")
    if len(words) > MAX_ACTION:
        raise FollowupError(f"Опис — не довше {MAX_ACTION} символів.", field="action")
    if status not in FOLLOWUP_TITLES:
        raise FollowupError("Оберіть стан виконання зі списку.", field="status")
    return words, status
