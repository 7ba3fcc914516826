"""The petition state machine and its legal clocks (pure).

Law: ст. 23-1 Закону України «Про звернення громадян»:
- published or refused (with reasons) within 2 working days of being sent (here: of the
  author's e-mail confirmation, the moment the petition is really "sent");
- collection lasts the statute's period (setting, default 60 calendar days) from publication;
- having reached the threshold it is considered within 10 working days of the notice of the
  start of consideration; otherwise it becomes an ordinary appeal (ст. 20: 15 calendar days
  without extra study, at most 45).

States change on time without a background worker: :func:`effective_state` computes the state
on read, and ``civic petitions tick`` records the same result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from civic import workdays

MODERATION_WORKING_DAYS = 2
CONSIDERATION_WORKING_DAYS = 10
ORDINARY_APPEAL_DAYS = 15  # ст. 20: without extra study
DEFAULT_THRESHOLD = 250
DEFAULT_COLLECTION_DAYS = 60


class State(StrEnum):
    UNCONFIRMED = "unconfirmed"  # the author has not confirmed the e-mail yet
    MODERATION = "moderation"
    REFUSAL_PENDING = "refusal_pending"  # refusal waits for a second moderator
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    COLLECTING = "collecting"
    CONSIDERATION = "consideration"  # threshold reached, collection over
    NOT_SUPPORTED = "not_supported"  # threshold missed: an ordinary appeal
    ANSWERED = "answered"
    ARCHIVED = "archived"
    TAKEN_DOWN = "taken_down"


STATE_LABELS: dict[State, str] = {
    State.UNCONFIRMED: "очікує підтвердження автором",
    State.MODERATION: "на модерації",
    State.REFUSAL_PENDING: "на модерації (відмова чекає другого модератора)",
    State.REFUSED: "відмовлено в оприлюдненні",
    State.WITHDRAWN: "відкликана автором",
    State.COLLECTING: "триває збір підписів",
    State.CONSIDERATION: "на розгляді",
    State.NOT_SUPPORTED: "не підтримано",
    State.ANSWERED: "з відповіддю",
    State.ARCHIVED: "архів",
    State.TAKEN_DOWN: "знята з публікації",
}

# The national open-data schema's statuses (only published petitions are exported).
OPEN_DATA_STATUS: dict[State, str] = {
    State.COLLECTING: "триває збір підписів",
    State.CONSIDERATION: "на розгляді",
    State.ANSWERED: "з відповіддю",
    State.ARCHIVED: "архів",
    State.NOT_SUPPORTED: "не підтримано",
}
PUBLIC_STATES = frozenset(OPEN_DATA_STATUS)
IN_MODERATION = frozenset({State.MODERATION, State.REFUSAL_PENDING})
CLOSED_STATES = frozenset(
    {
        State.REFUSED,
        State.WITHDRAWN,
        State.ANSWERED,
        State.ARCHIVED,
        State.TAKEN_DOWN,
        State.NOT_SUPPORTED,
    }
)


class Action(StrEnum):
    CONFIRM = "confirm"
    WITHDRAW = "withdraw"
    PUBLISH = "publish"
    REFUSE = "refuse"
    PROPOSE_REFUSAL = "propose_refusal"
    CONFIRM_REFUSAL = "confirm_refusal"
    REJECT_REFUSAL = "reject_refusal"
    RESTORE = "restore"
    CORRECT = "correct"
    CLOSE_REACHED = "close_reached"
    CLOSE_MISSED = "close_missed"
    START_CONSIDERATION = "start_consideration"
    ANSWER = "answer"
    ARCHIVE = "archive"
    TAKE_DOWN = "take_down"


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.UNCONFIRMED, Action.CONFIRM): State.MODERATION,
    (State.UNCONFIRMED, Action.WITHDRAW): State.WITHDRAWN,
    (State.MODERATION, Action.WITHDRAW): State.WITHDRAWN,
    (State.MODERATION, Action.PUBLISH): State.COLLECTING,
    (State.MODERATION, Action.REFUSE): State.REFUSED,
    (State.MODERATION, Action.PROPOSE_REFUSAL): State.REFUSAL_PENDING,
    (State.MODERATION, Action.CORRECT): State.MODERATION,
    (State.REFUSAL_PENDING, Action.CONFIRM_REFUSAL): State.REFUSED,
    (State.REFUSAL_PENDING, Action.REJECT_REFUSAL): State.MODERATION,
    (State.REFUSAL_PENDING, Action.WITHDRAW): State.WITHDRAWN,
    (State.REFUSED, Action.RESTORE): State.MODERATION,
    (State.COLLECTING, Action.CLOSE_REACHED): State.CONSIDERATION,
    (State.COLLECTING, Action.CLOSE_MISSED): State.NOT_SUPPORTED,
    (State.CONSIDERATION, Action.START_CONSIDERATION): State.CONSIDERATION,
    (State.CONSIDERATION, Action.ANSWER): State.ANSWERED,
    (State.NOT_SUPPORTED, Action.ANSWER): State.ANSWERED,
    (State.ANSWERED, Action.ARCHIVE): State.ARCHIVED,
    (State.NOT_SUPPORTED, Action.ARCHIVE): State.ARCHIVED,
    (State.COLLECTING, Action.TAKE_DOWN): State.TAKEN_DOWN,
    (State.CONSIDERATION, Action.TAKE_DOWN): State.TAKEN_DOWN,
    (State.NOT_SUPPORTED, Action.TAKE_DOWN): State.TAKEN_DOWN,
    (State.ANSWERED, Action.TAKE_DOWN): State.TAKEN_DOWN,
    (State.ARCHIVED, Action.TAKE_DOWN): State.TAKEN_DOWN,
}


class TransitionError(ValueError):
    """An action that the petition's state does not allow; ``message`` is for users."""

    def __init__(self, state: State, action: Action):
        super().__init__(f"{action.value} is not allowed in state {state.value}")
        self.state, self.action = state, action
        self.message = f"Дія неможлива: петиція має стан «{STATE_LABELS[state]}»."


def transition(state: State, action: Action) -> State:
    """The state after ``action``, or :class:`TransitionError`."""
    try:
        return TRANSITIONS[(State(state), Action(action))]
    except KeyError:
        raise TransitionError(State(state), Action(action)) from None


def allowed_actions(state: State) -> frozenset[Action]:
    return frozenset(a for (s, a) in TRANSITIONS if s == State(state))


# --- clocks -------------------------------------------------------------------------------


def moderation_due_on(calendar: workdays.Calendar, confirmed_on: dt.date) -> dt.date:
    """Last day to publish or refuse: 2 working days after the petition was sent (ч. 2)."""
    return workdays.add_working_days(calendar, confirmed_on, MODERATION_WORKING_DAYS)


def collection_ends_on(published_on: dt.date, collection_days: int) -> dt.date:
    """The last day of collection: the publication day counts as day 1."""
    return published_on + dt.timedelta(days=collection_days - 1)


def answer_due_on(calendar: workdays.Calendar, consideration_started_on: dt.date) -> dt.date:
    """Last day to consider: 10 working days after the notice of the start of consideration."""
    return workdays.add_working_days(calendar, consideration_started_on, CONSIDERATION_WORKING_DAYS)


def appeal_due_on(closed_on: dt.date) -> dt.date:
    """A petition that missed the threshold is an ordinary appeal: 15 calendar days (ст. 20)."""
    return closed_on + dt.timedelta(days=ORDINARY_APPEAL_DAYS)


class Clock(StrEnum):
    """Where a petition's collection clock stands on a day."""

    RUNNING = "running"  # not over yet (or never started: no last day)
    REACHED = "reached"  # over, with at least the threshold of signatures
    MISSED = "missed"  # over, below the threshold


# The one time-driven change: a collecting petition whose clock ran out closes into these.
CLOSES_FROM = State.COLLECTING
CLOSES_INTO: dict[Clock, State] = {
    Clock.REACHED: State.CONSIDERATION,
    Clock.MISSED: State.NOT_SUPPORTED,
}


def collection_over(ends_on: dt.date | None, today: dt.date) -> bool:
    """Collection is over from the day after its last day (the publication day is day 1)."""
    return ends_on is not None and today > ends_on


def threshold_reached(signatures: int, threshold: int) -> bool:
    return signatures >= threshold


def clock(ends_on: dt.date | None, signatures: int, threshold: int, today: dt.date) -> Clock:
    """The collection clock on ``today`` (:func:`collection_over`, :func:`threshold_reached`)."""
    if not collection_over(ends_on, today):
        return Clock.RUNNING
    return Clock.REACHED if threshold_reached(signatures, threshold) else Clock.MISSED


def resolve(state: State, at: Clock) -> State:
    """The effective state of a petition stored in ``state`` whose clock stands ``at``."""
    if State(state) == CLOSES_FROM:
        return CLOSES_INTO.get(at, CLOSES_FROM)
    return State(state)


def stored_as(state: State) -> dict[State, frozenset[Clock]]:
    """The stored states, each with the clock positions, whose effective state is ``state``.

    Derived from :func:`resolve` over every (state, clock) pair, so a database filter built from
    it selects exactly the petitions :func:`effective_state` puts in ``state``.
    """
    found = {}
    for stored in State:
        clocks = frozenset(at for at in Clock if resolve(stored, at) == State(state))
        if clocks:
            found[stored] = clocks
    return found


@dataclass(frozen=True)
class Closing:
    """A collection that ran out: the state it goes to and the day it closed."""

    state: State
    closed_on: dt.date
    reached: bool


def closing(
    state: State,
    ends_on: dt.date | None,
    signatures: int,
    threshold: int,
    today: dt.date,
) -> Closing | None:
    """The time-driven transition due by ``today``, or None.

    A collecting petition closes the day after its last collection day: with at least
    ``threshold`` confirmed signatures it goes to consideration, otherwise to "не підтримано".
    """
    at = clock(ends_on, signatures, threshold, today)
    new = resolve(state, at)
    if new == State(state):
        return None
    return Closing(new, ends_on + dt.timedelta(days=1), at == Clock.REACHED)


def effective_state(
    state: State, ends_on: dt.date | None, signatures: int, threshold: int, today: dt.date
) -> State:
    """The state as of ``today``: the stored one, or where the clock has moved it."""
    return resolve(state, clock(ends_on, signatures, threshold, today))


def can_sign(state: State, ends_on: dt.date | None, today: dt.date) -> bool:
    return State(state) == State.COLLECTING and ends_on is not None and today <= ends_on


# --- the moderation queue ---------------------------------------------------------------

OVERDUE, DUE_TODAY, DUE_TOMORROW, LATER = "overdue", "today", "tomorrow", "later"
BUCKET_LABELS = {
    OVERDUE: "Прострочені",
    DUE_TODAY: "Строк сьогодні",
    DUE_TOMORROW: "Строк завтра",
    LATER: "Пізніше",
}


def queue_bucket(due_on: dt.date, today: dt.date) -> str:
    """Which bucket of the moderation queue a petition due on ``due_on`` falls into."""
    if due_on < today:
        return OVERDUE
    if due_on == today:
        return DUE_TODAY
    if due_on == today + dt.timedelta(days=1):
        return DUE_TOMORROW
    return LATER


def in_time(done_on: dt.date | None, due_on: dt.date | None) -> bool | None:
    """Whether a step was done by its legal deadline (None when not applicable)."""
    if done_on is None or due_on is None:
        return None
    return done_on <= due_on


# --- refusal reasons (DOMAIN.md) ---------------------------------------------------------


@dataclass(frozen=True)
class RefusalReason:
    code: str
    title: str
    legal_basis: str
    public_explanation: str
    is_hidden: bool = False
    needs_second_moderator: bool = False
    needs_text: bool = False


_CH2 = "ч. 2 ст. 23-1 Закону України «Про звернення громадян»"
_CH3 = "ч. 3 ст. 23-1 Закону України «Про звернення громадян»"
_POL = "Положення про електронні петиції"

REFUSAL_REASONS: tuple[RefusalReason, ...] = (
    RefusalReason(
        "no_essence",
        "Не викладено суть звернення",
        _CH2,
        "Петиція не містить викладу суті звернення.",
    ),
    RefusalReason(
        "author_data",
        "Немає даних автора",
        _CH2,
        "Не зазначено прізвище, ім'я, по батькові автора або адресу електронної пошти.",
    ),
    RefusalReason(
        "anti_constitutional",
        "Заклики до повалення конституційного ладу",
        _CH3,
        "Петиція містить заклики до повалення конституційного ладу або порушення "
        "територіальної цілісності України.",
        True,
        True,
    ),
    RefusalReason(
        "war_violence",
        "Пропаганда війни, насильства, жорстокості",
        _CH3,
        "Петиція містить пропаганду війни, насильства чи жорстокості.",
        True,
        True,
    ),
    RefusalReason(
        "hate",
        "Розпалювання ворожнечі",
        _CH3,
        "Петиція містить заклики до розпалювання міжетнічної, расової чи релігійної ворожнечі.",
        True,
        True,
    ),
    RefusalReason(
        "terrorism",
        "Заклики до терористичних актів",
        _CH3,
        "Петиція містить заклики до вчинення терористичних актів.",
        True,
        True,
    ),
    RefusalReason(
        "rights_violation",
        "Посягання на права і свободи людини",
        _CH3,
        "Петиція містить заклики до посягання на права і свободи людини.",
        True,
        True,
    ),
    RefusalReason(
        "personal_data",
        "Конфіденційні дані третіх осіб",
        f"{_POL}; Закон «Про захист персональних даних»",
        "Петиція містить конфіденційну інформацію про третіх осіб.",
        True,
    ),
    RefusalReason(
        "obscene",
        "Нецензурна лексика",
        _POL,
        "Петиція містить нецензурну або образливу лексику.",
        True,
    ),
    RefusalReason(
        "not_competence",
        "Поза компетенцією ради",
        _POL,
        "Порушене питання не належить до компетенції міської ради.",
    ),
    RefusalReason(
        "duplicate",
        "Дублює чинну петицію",
        _POL,
        "Петиція дублює петицію, що триває або розглядається.",
    ),
    RefusalReason(
        "individual_appeal",
        "Особисте звернення",
        f"{_POL}; ст. 20 Закону «Про звернення громадян»",
        "Петиція стосується особистого, а не колективного інтересу; її розглянуть як "
        "звичайне звернення громадянина.",
    ),
    RefusalReason(
        "info_request",
        "Запит на публічну інформацію",
        f"{_POL}; Закон «Про доступ до публічної інформації»",
        "Це запит на публічну інформацію; його розглянуть у порядку Закону «Про доступ "
        "до публічної інформації».",
    ),
    RefusalReason(
        "advertising_campaign",
        "Реклама або агітація",
        _POL,
        "Петиція містить рекламу або передвиборну агітацію.",
        True,
    ),
    RefusalReason(
        "spam_nonsense",
        "Спам або беззмістовний текст",
        _POL,
        "Текст петиції не має змісту або є спамом.",
        True,
    ),
    RefusalReason(
        "author_request", "На прохання автора", _POL, "Автор попросив не оприлюднювати петицію."
    ),
    RefusalReason(
        "other",
        "Інша підстава",
        _POL,
        "Петиція не відповідає вимогам; підставу пояснено нижче.",
        False,
        True,
        True,
    ),
)
REFUSAL_BY_CODE = {r.code: r for r in REFUSAL_REASONS}


def refusal_action(reason: RefusalReason) -> Action:
    """Reasons that need a second moderator are only proposed by the first one."""
    return Action.PROPOSE_REFUSAL if reason.needs_second_moderator else Action.REFUSE


def check_refusal(
    reason: RefusalReason, explanation: str, duplicate_of: int | None
) -> dict[str, str]:
    """Field errors (Ukrainian) for a refusal, empty when it may go ahead."""
    errors: dict[str, str] = {}
    if reason.needs_text and not explanation.strip():
        errors["explanation"] = "Для цієї підстави пояснення модератора обов'язкове."
    if reason.code == "duplicate" and not duplicate_of:
        errors["duplicate_of"] = "Вкажіть номер петиції, яку дублює ця."
    return errors


def check_second_moderator(proposed_by: int | None, confirming: int) -> str | None:
    """The refusal needs a *different* moderator to confirm it."""
    if proposed_by is not None and proposed_by == confirming:
        return "Відмову має підтвердити інший модератор, не той, хто її запропонував."
    return None


# --- bulk invalidation of signatures ------------------------------------------------------

DEFAULT_INVALIDATION_SOLO_COUNT = 20
DEFAULT_INVALIDATION_SOLO_SHARE = 0.05


def invalidation_needs_second_moderator(
    *, already: int, matched: int, ever_counted: int, solo_count: int, solo_share: float
) -> bool:
    """One moderator may invalidate signatures only while the petition's invalidated total
    (``already`` + ``matched``) stays within both ``solo_count`` and ``solo_share`` of every
    signature ever counted; above either, a second moderator must confirm. The total is
    cumulative, so splitting a large invalidation into small ones does not get around it."""
    total = already + matched
    if matched == 0:
        return False
    return total > solo_count or total > solo_share * max(ever_counted, 1)


def check_invalidation_decider(proposed_by: int | None, deciding: int) -> str | None:
    """A proposed invalidation is confirmed or rejected by a *different* moderator."""
    if proposed_by is not None and proposed_by == deciding:
        return (
            "Анулювання має підтвердити або відхилити інший модератор, не той, хто його "
            "запропонував."
        )
    return None
