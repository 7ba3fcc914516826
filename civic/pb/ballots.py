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

import functools
import hashlib
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
    "FrozenChecks",
    "age_on",
    "check_part",
    "codes_key",
    "stored_codes_key",
    "judge",
    "normalise_code",
    "normalise_document",
    "normalise_settlement",
    "split_codes",
    "receipt",
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


def normalise_documents(texts: Sequence[str]) -> list[str]:
    """:func:`normalise_document` of each text (a chunk of an import's column): the same
    three steps, once over the texts joined by NUL (which none of them holds and none of the
    steps changes or joins across)."""
    joined = "\0".join(texts)
    if not texts or joined.count("\0") != len(texts) - 1:
        return list(map(normalise_document, texts))
    return _DOC_DROP.sub("", joined).upper().translate(_LOOKALIKES).split("\0")


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


@functools.lru_cache(maxsize=4096)  # a few hundred spellings across a million ballots
def normalise_code(text: str) -> str:
    """A project code as typed (``m-01``, ``М-01``) to compare with the projects' codes."""
    return text.strip().upper().translate(_LOOKALIKES)


def split_codes(text: str | None) -> tuple[str, ...]:
    """The project codes typed on a ballot: a comma, semicolon or space separated list."""
    if not text:
        return ()
    return tuple(c for c in _CODE_SPLIT.split(text.strip()) if c)


def codes_key(projects: str | None) -> str:
    """A ballot's stored codes (``M-01,в-02,М-01``) each normalised (:func:`normalise_code`),
    a repeated one kept once, joined by commas: the form of the list that does not depend on
    the projects and judges the same (a code counts once), so that a count judges each
    distinct list once (look-alike and lower-case spellings coincide)."""
    return ",".join(dict.fromkeys(normalise_code(c) for c in (projects or "").split(",") if c))


LONG_KEY = 400
"""A longer :func:`codes_key` is stored as ``,`` and its SHA-256 (a key never starts with a
comma), so that the count's index stays small on every database; the count reads such a
ballot's codes again (only a hostile or broken file has them)."""


def stored_codes_key(key: str) -> str:
    if len(key) <= LONG_KEY:
        return key
    return "," + hashlib.sha256(key.encode()).hexdigest()


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
    return _FastRules(rules, codes or _code_index(rules.projects)).judge(ballot)


def judge(ballots: Iterable[BallotIn], rules: VotingRules) -> list[Verdict]:
    """One verdict per ballot, in the order given.

    Ballots of the same ``voter`` are ordered by the edition's ``duplicates`` policy; the first
    is judged by :func:`judge_one`, the others are ``duplicate_voter``.  Ballots with no voter
    key cannot be matched with anyone and are judged on their own.
    """
    ballots = list(ballots)
    later = later_ballots(ballots, rules.duplicates)
    fast = _FastRules(rules, _code_index(rules.projects))
    frozen, choices_of = fast.frozen, fast.choices
    out = []
    append = out.append
    for ballot in ballots:
        ballot_id, _channel, cast, has_name, birth, voter, settlement, typed = ballot
        if voter and id(ballot) in later:
            append(Verdict(ballot_id, DUPLICATE_VOTER))
        elif reason := frozen(has_name, birth, voter, cast, settlement):
            append(Verdict(ballot_id, reason))
        else:
            reason, choices = choices_of(typed)
            append(Verdict(ballot_id, reason, choices))
    return out


def later_ballots(ballots: Sequence[BallotIn], duplicates: str) -> set[int]:
    """The ``id()`` of every ballot that is not its voter's first (by the ``duplicates``
    policy): each is ``duplicate_voter``.  Ballots with no voter key are nobody's."""
    first: dict[str, BallotIn] = {}
    for ballot in ballots:
        voter = ballot.voter
        if not voter:
            continue
        seen = first.get(voter)
        if seen is None or _priority(ballot, duplicates) < _priority(seen, duplicates):
            first[voter] = ballot
    firsts = {id(b) for b in first.values()}
    return {id(b) for b in ballots if b.voter and id(b) not in firsts}


def choice_judge(rules: VotingRules):
    """The judging of a first ballot's codes once its frozen checks pass: a function from the
    typed (or normalised) codes to (reason or None, distinct admitted codes), memoised."""
    return _FastRules(rules, _code_index(rules.projects)).choices


class FrozenChecks:
    """A ballot's frozen checks: the first of ``missing_data``, ``outside_voting_period``,
    ``underage`` and ``not_resident`` that applies, or None.

    They depend only on the ballot and on settings that cannot change once an edition has
    ballots (``civic.pb.edition.protocol_settings_only``), so they are judged once, when the
    ballot is stored; the project codes depend on the projects list, which may still change,
    and are judged at every count.  The pure sub-decisions are memoised (a birth date, a
    settlement spelling repeat across a million ballots)."""

    __slots__ = ("rules", "allowed", "_adult_from", "_settlements")

    def __init__(self, rules: VotingRules) -> None:
        self.rules = rules
        self.allowed = frozenset(normalise_settlement(s) for s in rules.settlements)
        self._adult_from: dict[date, date] = {}
        self._settlements: dict[str | None, bool] = {}

    def adult_from(self, birth: date) -> date:
        """The first day on which a person born on ``birth`` has ``min_age`` full years."""
        day = self._adult_from.get(birth)
        if day is None:
            year = birth.year + self.rules.min_age
            try:
                day = birth.replace(year=year)
            except ValueError:  # born on 29 February: the birthday is 1 March in other years
                day = date(year, 3, 1)
            if len(self._adult_from) < _MEMO_LIMIT:
                self._adult_from[birth] = day
        return day

    def resident(self, settlement: str | None) -> bool:
        known = self._settlements.get(settlement)
        if known is None:
            known = normalise_settlement(settlement) in self.allowed
            if len(self._settlements) < _MEMO_LIMIT:
                self._settlements[settlement] = known
        return known

    def __call__(
        self,
        has_name: bool,
        birth: date | None,
        voter: str | None,
        cast: date | None,
        settlement: str | None,
    ) -> str | None:
        rules = self.rules
        if rules.require_identity and not (has_name and birth and voter):
            return MISSING_DATA
        if cast is not None and not (rules.voting_starts_on <= cast <= rules.voting_ends_on):
            return OUTSIDE_VOTING_PERIOD
        if (
            birth is not None
            and rules.min_age
            and (cast or rules.voting_ends_on) < self.adult_from(birth)
        ):
            return UNDERAGE
        if self.allowed and not self.resident(settlement):
            return NOT_RESIDENT
        return None


class _FastRules:
    """The checks of a first ballot, in the order of :data:`REASONS`: the frozen ones
    (:class:`FrozenChecks`), then the project codes.

    The per-edition work is done once and the choices are memoised by the typed list and by
    the resolved list, which gives the same decisions as the straightforward checks, several
    times faster.
    """

    __slots__ = ("rules", "codes", "frozen", "_choices", "_codes", "_resolved")

    def __init__(self, rules: VotingRules, codes: Mapping[str, str]):
        self.rules = rules
        self.codes = codes
        self.frozen = FrozenChecks(rules)
        self._choices: dict[tuple[str, ...], tuple[str | None, tuple[str, ...]]] = {}
        self._codes: dict[str, str | None] = {}
        self._resolved: dict[tuple[str | None, ...], tuple[str | None, tuple[str, ...]]] = {}

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
        reason = self.frozen(
            ballot.has_name, ballot.birth_date, ballot.voter, ballot.cast_on, ballot.settlement
        )
        if reason is not None:
            return Verdict(ballot.ballot_id, reason)
        reason, choices = self.choices(ballot.codes)
        return Verdict(ballot.ballot_id, reason, choices)


def count_reasons(verdicts: Sequence[Verdict]) -> dict[str, int]:
    """Invalid ballots by reason, every reason present (zeros included), in checking order."""
    counts = dict.fromkeys(REASONS, 0)
    for verdict in verdicts:
        if verdict.reason is not None:
            counts[verdict.reason] += 1
    return counts


# What «check my ballot» tells the voter of a ballot it found (the shell adds the neutral answer
# for a wrong pair and the refusal over a limit).
ACCEPTED = "accepted"
COUNTED = "counted"
NOT_COUNTED = "not_counted"


def receipt(*, closed: bool, reason: str | None) -> tuple[str, str]:
    """(status, Ukrainian message) for a found ballot: accepted while the count is open, then
    counted or not counted with its reason in words — never its choices."""
    if not closed:
        return ACCEPTED, "Бюлетень прийнятий, буде врахований під час підрахунку."
    if reason is None:
        return COUNTED, "Бюлетень врахований."
    title = REASON_TITLES.get(reason, "порушено вимоги положення")
    return NOT_COUNTED, f"Бюлетень не врахований: {title}."
