"""Judging participatory-budget ballots (pure): who may vote, which ballot counts, and why not.

The rules are those of the counting issue, after Nizhyn's Положення про громадський бюджет:

* A person is identified by the number of their document after :func:`normalise_document`
  (upper case, spaces and dashes removed, Latin look-alike letters folded to Cyrillic), kept
  by the shell only as a keyed hash: this module receives it as an opaque ``voter`` key.
* Each person's first ballot — ``first_cast``: the earliest ``cast_on``, then ballot id;
  ``online_first``: an online ballot before any paper one — is judged on its own; every later
  ballot of the same person is invalid as ``duplicate_voter``.
* A judged ballot is invalid with the first reason that applies, in the order of
  :data:`REASONS`; a code repeated in one ballot counts once.

received = valid + invalid, always: :func:`judge` returns exactly one verdict per ballot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

__all__ = [
    "REASONS",
    "REASON_TITLES",
    "BallotIn",
    "Verdict",
    "VotingRules",
    "CHECK_PURPOSE",
    "age_on",
    "check_part",
    "judge",
    "normalise_code",
    "normalise_document",
    "normalise_settlement",
    "split_codes",
]

MISSING_DATA = "missing_data"
OUTSIDE_VOTING_PERIOD = "outside_voting_period"
UNDERAGE = "underage"
NOT_RESIDENT = "not_resident"
UNKNOWN_PROJECT = "unknown_project"
NO_CHOICES = "no_choices"
TOO_MANY_CHOICES = "too_many_choices"
DUPLICATE_VOTER = "duplicate_voter"

REASONS = (
    MISSING_DATA,
    OUTSIDE_VOTING_PERIOD,
    UNDERAGE,
    NOT_RESIDENT,
    UNKNOWN_PROJECT,
    NO_CHOICES,
    TOO_MANY_CHOICES,
    DUPLICATE_VOTER,
)
"""Reasons a ballot is invalid, in the order they are checked (``duplicate_voter`` first of all
for a person's later ballots)."""

REASON_TITLES = {
    MISSING_DATA: "не заповнено ПІБ, дату народження або документ",
    OUTSIDE_VOTING_PERIOD: "поза строком голосування",
    UNDERAGE: "голосуючий молодший за встановлений вік",
    NOT_RESIDENT: "не мешканець громади",
    UNKNOWN_PROJECT: "невідомий або недопущений проєкт",
    NO_CHOICES: "не обрано жодного проєкту",
    TOO_MANY_CHOICES: "обрано більше проєктів, ніж дозволено",
    DUPLICATE_VOTER: "повторне голосування тієї самої особи",
}

# Latin letters that look like Cyrillic ones on passports and ID cards (A B C E H I K M O P T X).
_LOOKALIKES = str.maketrans(
    {
        "A": "А",
        "B": "В",
        "C": "С",
        "E": "Е",
        "H": "Н",
        "I": "І",
        "K": "К",
        "M": "М",
        "O": "О",
        "P": "Р",
        "T": "Т",
        "X": "Х",
    }
)
_DOC_DROP = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_APOSTROPHES = str.maketrans({"ʼ": "'", "’": "'", "‘": "'", "`": "'", "´": "'", "ʹ": "'"})
_SETTLEMENT_PREFIX = re.compile(r"^(?:м\.|с\.|смт\.?)\s*", re.IGNORECASE)
_CODE_SPLIT = re.compile(r"[\s,;]+")


def normalise_document(text: str | None) -> str:
    """A document number as a person's key: «нк 123-456» and «HK123456» (Latin) are one."""
    if not text:
        return ""
    return _DOC_DROP.sub("", text).upper().translate(_LOOKALIKES)


CHECK_PURPOSE = "pb_check"
"""The keyed-hash purpose of a document's last four characters (check-my-ballot)."""


def check_part(normalised_document: str) -> str:
    """The voter's second factor on the check-my-ballot page: the last four characters of the
    normalised document ("" when it is shorter, then the ballot cannot be checked)."""
    return normalised_document[-4:] if len(normalised_document) >= 4 else ""


def normalise_settlement(text: str | None) -> str:
    """A settlement name for comparison: case, spaces, «м.», «с.», «смт» and apostrophes ignored."""
    if not text:
        return ""
    value = " ".join(text.split()).casefold().translate(_APOSTROPHES)
    value = _SETTLEMENT_PREFIX.sub("", value).strip()
    return value


def normalise_code(text: str) -> str:
    """A project code as typed (``m-01``, ``М-01``) to compare with the projects' codes."""
    return text.strip().upper().translate(_LOOKALIKES)


def split_codes(text: str | None) -> tuple[str, ...]:
    """The project codes typed on a ballot: a comma, semicolon or space separated list."""
    if not text:
        return ()
    return tuple(c for c in _CODE_SPLIT.split(text.strip()) if c)


def age_on(birth_date: date, day: date) -> int:
    """Full years on ``day``: a person turns 16 on their 16th birthday (29 Feb → 1 Mar)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True, slots=True)
class VotingRules:
    """What the judging needs of an edition.

    ``projects`` maps each *admitted* project's code to its category; ``max_choices`` maps each
    category to the number of projects a ballot may choose in it.
    """

    voting_starts_on: date
    voting_ends_on: date
    min_age: int
    settlements: tuple[str, ...]
    projects: Mapping[str, str]
    max_choices: Mapping[str, int]
    duplicates: str = "first_cast"
    require_identity: bool = True


class BallotIn(NamedTuple):
    """One ballot as received. ``voter`` is the person's key (the keyed hash of the document).

    (A named tuple: a count makes a million of them.)"""

    ballot_id: str
    channel: str  # "paper" or "online"
    cast_on: date | None
    has_name: bool
    birth_date: date | None
    voter: str | None
    settlement: str | None
    codes: tuple[str, ...]


class Verdict(NamedTuple):
    """The judgement of one ballot: ``reason`` is None when valid; ``choices`` are the distinct
    admitted project codes it votes for (empty when invalid).  (A named tuple: a million of
    them are made per count.)"""

    ballot_id: str
    reason: str | None
    choices: tuple[str, ...] = ()

    @property
    def is_valid(self) -> bool:
        return self.reason is None


_DIGITS = re.compile(r"(\d+)")
_MEMO_LIMIT = 200_000  # distinct typed lists remembered (a hostile file cannot grow it further)


def ballot_order_key(ballot_id: str) -> tuple:
    """Ballot ids in natural order: «2» before «10», «1/2» before «1/10»."""
    return tuple(
        (0, int(part), "") if part.isascii() and part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(ballot_id)
        if part
    )


def _priority(ballot: BallotIn, duplicates: str) -> tuple:
    cast = ballot.cast_on or date.max
    key = (cast, ballot_order_key(ballot.ballot_id), ballot.ballot_id)
    if duplicates == "online_first":
        return (ballot.channel != "online", *key)
    return key


def _code_index(projects: Mapping[str, str]) -> dict[str, str]:
    return {normalise_code(code): code for code in projects}


def judge_one(
    ballot: BallotIn, rules: VotingRules, codes: Mapping[str, str] | None = None
) -> Verdict:
    """Judge a person's first ballot on its own (the duplicate rule is :func:`judge`'s)."""
    allowed = frozenset(normalise_settlement(s) for s in rules.settlements)
    return _FastRules(rules, allowed, codes or _code_index(rules.projects)).judge(ballot)


def judge(ballots: Iterable[BallotIn], rules: VotingRules) -> list[Verdict]:
    """One verdict per ballot, in the order given.

    Ballots of the same ``voter`` are ordered by the edition's ``duplicates`` policy; the first
    is judged by :func:`judge_one`, the others are ``duplicate_voter``.  Ballots with no voter
    key cannot be matched with anyone and are judged on their own.
    """
    ballots = list(ballots)
    codes = _code_index(rules.projects)
    allowed = frozenset(normalise_settlement(s) for s in rules.settlements)
    first: dict[str, BallotIn] = {}
    duplicates = rules.duplicates
    for ballot in ballots:
        voter = ballot.voter
        if not voter:
            continue
        seen = first.get(voter)
        if seen is None or _priority(ballot, duplicates) < _priority(seen, duplicates):
            first[voter] = ballot
    # The checks of _FastRules.judge, inlined: this loop runs a million times per count.
    # (test_judge_agrees_with_judge_one keeps the two in step.)
    fast = _FastRules(rules, allowed, codes)
    adult_from, resident, choices_of = fast.adult_from, fast.resident, fast.choices
    # Their memos, read directly: a dict lookup per check instead of a call per ballot.
    adult_get, resident_get, choices_get = (
        fast._adult_from.get,
        fast._settlements.get,
        fast._choices.get,
    )
    require_identity, min_age = rules.require_identity, rules.min_age
    starts, ends = rules.voting_starts_on, rules.voting_ends_on
    out = []
    append = out.append
    for ballot in ballots:
        ballot_id, _channel, cast, has_name, birth, voter, settlement, typed = ballot
        if voter and first[voter] is not ballot:
            append(Verdict(ballot_id, DUPLICATE_VOTER))
        elif require_identity and not (has_name and birth and voter):
            append(Verdict(ballot_id, MISSING_DATA))
        elif cast is not None and not (starts <= cast <= ends):
            append(Verdict(ballot_id, OUTSIDE_VOTING_PERIOD))
        elif (
            birth is not None
            and min_age
            and (cast or ends) < (adult_get(birth) or adult_from(birth))
        ):
            append(Verdict(ballot_id, UNDERAGE))
        elif allowed and not (
            known if (known := resident_get(settlement)) is not None else resident(settlement)
        ):
            append(Verdict(ballot_id, NOT_RESIDENT))
        else:
            reason, choices = choices_get(typed) or choices_of(typed)
            append(Verdict(ballot_id, reason, choices))
    return out


class _FastRules:
    """The checks of a first ballot, in the order of :data:`REASONS`.

    The per-edition work is done once and the pure sub-decisions are memoised by their inputs
    (a settlement spelling, a birth date, a list of typed codes repeat across a million ballots),
    which gives the same decisions as the straightforward checks, several times faster.
    """

    __slots__ = (
        "rules",
        "allowed",
        "codes",
        "_settlements",
        "_adult_from",
        "_choices",
        "_codes",
        "_resolved",
    )

    def __init__(self, rules: VotingRules, allowed: frozenset[str], codes: Mapping[str, str]):
        self.rules = rules
        self.allowed = allowed
        self.codes = codes
        self._settlements: dict[str | None, bool] = {}
        self._adult_from: dict[date, date] = {}
        self._choices: dict[tuple[str, ...], tuple[str | None, tuple[str, ...]]] = {}
        self._codes: dict[str, str | None] = {}
        self._resolved: dict[tuple[str | None, ...], tuple[str | None, tuple[str, ...]]] = {}

    def adult_from(self, birth: date) -> date:
        """The first day on which a person born on ``birth`` has ``min_age`` full years."""
        day = self._adult_from.get(birth)
        if day is None:
            year = birth.year + self.rules.min_age
            try:
                day = birth.replace(year=year)
            except ValueError:  # born on 29 February: the birthday is 1 March in other years
                day = date(year, 3, 1)
            self._adult_from[birth] = day
        return day

    def resident(self, settlement: str | None) -> bool:
        known = self._settlements.get(settlement)
        if known is None:
            known = self._settlements[settlement] = normalise_settlement(settlement) in self.allowed
        return known

    def choices(self, typed_codes: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
        """(reason or None, distinct admitted codes) for the codes typed on a ballot."""
        known = self._choices.get(typed_codes)
        if known is not None:
            return known
        # Look-alike and lower-case spellings make many distinct typed lists of the same few
        # projects: each typed code is resolved once, and each resolved list judged once.
        resolve = self._codes
        resolved = tuple(
            resolve[typed] if typed in resolve else self._resolve(typed) for typed in typed_codes
        )
        known = self._resolved.get(resolved)
        if known is None:
            known = self._judge_choices(resolved)
            if len(self._resolved) < _MEMO_LIMIT:
                self._resolved[resolved] = known
        if len(self._choices) < _MEMO_LIMIT:
            self._choices[typed_codes] = known
        return known

    def _resolve(self, typed: str) -> str | None:
        codes = self.codes
        code = codes.get(typed) or codes.get(normalise_code(typed))
        if len(self._codes) < _MEMO_LIMIT:
            self._codes[typed] = code
        return code

    def _judge_choices(
        self, resolved: tuple[str | None, ...]
    ) -> tuple[str | None, tuple[str, ...]]:
        choices: list[str] = []
        reason = None
        for code in resolved:
            if code is None:
                reason = UNKNOWN_PROJECT
                break
            if code not in choices:
                choices.append(code)
        if reason is None and not choices:
            reason = NO_CHOICES
        if reason is None:
            per_category: dict[str, int] = {}
            for code in choices:
                category = self.rules.projects[code]
                per_category[category] = per_category.get(category, 0) + 1
            if any(n > self.rules.max_choices.get(c, 0) for c, n in per_category.items()):
                reason = TOO_MANY_CHOICES
        return (reason, () if reason else tuple(choices))

    def judge(self, ballot: BallotIn) -> Verdict:
        rules = self.rules
        if rules.require_identity and not (ballot.has_name and ballot.birth_date and ballot.voter):
            return Verdict(ballot.ballot_id, MISSING_DATA)
        cast = ballot.cast_on
        if cast is not None and not (rules.voting_starts_on <= cast <= rules.voting_ends_on):
            return Verdict(ballot.ballot_id, OUTSIDE_VOTING_PERIOD)
        birth = ballot.birth_date
        if (
            birth is not None
            and rules.min_age
            and (cast or rules.voting_ends_on) < self.adult_from(birth)
        ):
            return Verdict(ballot.ballot_id, UNDERAGE)
        if self.allowed and not self.resident(ballot.settlement):
            return Verdict(ballot.ballot_id, NOT_RESIDENT)
        reason, choices = self.choices(ballot.codes)
        return Verdict(ballot.ballot_id, reason, choices)


def count_reasons(verdicts: Sequence[Verdict]) -> dict[str, int]:
    """Invalid ballots by reason, every reason present (zeros included), in checking order."""
    counts = dict.fromkeys(REASONS, 0)
    for verdict in verdicts:
        if verdict.reason is not None:
            counts[verdict.reason] += 1
    return counts
