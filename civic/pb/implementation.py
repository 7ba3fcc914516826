"""What became of a winning project (pure): its implementation status, how much is done, the money
spent, and the checks on a staff member's update.

No flask, no database, no clock: the caller passes ``today``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from civic.errors import DomainError

CONTRACT = "contract"
WORKS = "works"
DONE = "done"
CANCELLED = "cancelled"
# status → what the public page says (the council's usual words).
STATUS_TITLES = {
    CONTRACT: "укладено договір",
    WORKS: "тривають роботи",
    DONE: "реалізовано",
    CANCELLED: "скасовано",
}
MAX_REASON = 1000
MAX_MILESTONE = 500
MAX_SPENT = Decimal(10) ** 12  # the NUMERIC(14, 2) column (and below quantize's precision)


class ImplementationError(DomainError):
    """A staff update refused; ``field`` names the form field."""


@dataclass(frozen=True)
class Progress:
    status: str
    percent_done: int
    spent: Decimal
    cancel_reason: str
    done_on: dt.date | None


def check_progress(
    *,
    status: str,
    percent_done: int | None,
    spent: str | Decimal | None,
    cancel_reason: str = "",
    done_on: dt.date | None = None,
    today: dt.date,
) -> Progress:
    """A project's implementation as staff report it, or :class:`ImplementationError`.

    Done means 100 % and a completion date (today unless given, never in the future); a
    cancellation needs its reason; nothing is below zero or above 100 %.
    """
    if status not in STATUS_TITLES:
        raise ImplementationError("Оберіть стан реалізації зі списку.", field="status")
    percent = 0 if percent_done is None else int(percent_done)
    if not 0 <= percent <= 100:
        raise ImplementationError("Відсоток виконання — від 0 до 100.", field="percent_done")
    try:
        text = str(spent if spent not in (None, "") else "0")
        money = Decimal("".join(text.split()).replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise ImplementationError("Витрачено: вкажіть суму в гривнях.", field="spent") from None
    if money.is_finite() and money >= MAX_SPENT:
        raise ImplementationError(
            "Витрачено: сума завелика — до 999 999 999 999,99 грн.", field="spent"
        )
    if not money.is_finite() or money < 0 or money != money.quantize(Decimal("0.01")):
        raise ImplementationError(
            "Витрачено: сума в гривнях, не від'ємна, з копійками не більше двох знаків.",
            field="spent",
        )
    reason = (cancel_reason or "").strip()
    if status == CANCELLED and not reason:
        raise ImplementationError("Вкажіть причину скасування проєкту.", field="cancel_reason")
    if len(reason) > MAX_REASON:
        raise ImplementationError(
            f"Причина — не довше {MAX_REASON} символів.", field="cancel_reason"
        )
    if status == DONE:
        if percent != 100:
            raise ImplementationError(
                "Реалізований проєкт виконано на 100 %; виправте відсоток або стан.",
                field="percent_done",
            )
        done_on = done_on or today
        if done_on > today:
            raise ImplementationError(
                "Дата завершення не може бути в майбутньому.", field="done_on"
            )
    else:
        done_on = None
    return Progress(
        status=status,
        percent_done=percent,
        spent=money,
        cancel_reason=reason if status == CANCELLED else "",
        done_on=done_on,
    )


def check_milestone(*, happened_on: dt.date | None, text: str, today: dt.date) -> tuple:
    """A dated milestone: a date not in the future and a short description."""
    if happened_on is None:
        raise ImplementationError("Вкажіть дату етапу.", field="happened_on")
    if happened_on > today:
        raise ImplementationError("Дата етапу не може бути в майбутньому.", field="happened_on")
    words = " ".join((text or "").split())
    if not words:
        raise ImplementationError("Опишіть етап (що зроблено).", field="text")
    if len(words) > MAX_MILESTONE:
        raise ImplementationError(f"Опис — не довше {MAX_MILESTONE} символів.", field="text")
    return happened_on, words
