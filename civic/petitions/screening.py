"""Similar-title matching for petitions (pure, Ukrainian-aware).

Used to suggest petitions still collecting or under consideration while a citizen types a title,
and to help moderators spot a duplicate (a refusal reason of the Положення). Titles are compared
as sets of word stems after folding case, apostrophes (ʼ ' ’ `), Latin look-alike letters
("Hiжин" typed with a Latin H and i) and Ukrainian word endings (a light suffix stemmer).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

APOSTROPHES = "ʼ'’`‘ʹ′"
# Latin letters that look like Cyrillic ones, as typed by mixed keyboards.
LOOKALIKES = str.maketrans(
    {
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "i": "і",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "x": "х",
        "y": "у",
        "ё": "е",
        "ы": "и",
        "э": "е",
    }
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+")
STOPWORDS = frozenset(
    [
        "і",
        "й",
        "та",
        "а",
        "але",
        "або",
        "чи",
        "що",
        "щоб",
        "як",
        "до",
        "на",
        "в",
        "у",
        "з",
        "із",
        "зі",
        "за",
        "під",
        "над",
        "по",
        "про",
        "при",
        "від",
        "для",
        "без",
        "між",
        "через",
        "не",
        "ні",
        "це",
        "цей",
        "ця",
        "ці",
        "той",
        "та",
        "те",
        "ті",
        "його",
        "її",
        "їх",
        "наш",
        "наша",
        "наше",
        "наші",
        "місто",
        "міста",
        "місті",
        "ніжин",
        "ніжина",
        "ніжині",
        "ніжинської",
        "ніжинська",
        "ніжинській",
        "петиція",
        "петицію",
        "петиції",
        "прошу",
        "просимо",
        "вимагаємо",
        "щодо",
    ]
)
# Ukrainian inflectional and a few derivational endings, longest first.
SUFFIXES = tuple(
    sorted(
        [
            "ами",
            "ями",
            "ові",
            "еві",
            "ого",
            "ому",
            "ими",
            "іми",
            "ій",
            "ою",
            "ею",
            "ях",
            "ах",
            "ам",
            "ям",
            "ів",
            "їв",
            "ий",
            "ій",
            "ая",
            "яя",
            "ої",
            "ії",
            "ує",
            "ють",
            "ать",
            "ять",
            "ити",
            "іти",
            "ати",
            "яти",
            "ення",
            "ання",
            "іння",
            "ість",
            "ості",
            "ості",
            "ість",
            "ськ",
            "ськи",
            "ська",
            "ське",
            "ські",
            "ського",
            "ській",
            "ських",
            "ськими",
            "ну",
            "ні",
            "на",
            "не",
            "ня",
            "ню",
            "ом",
            "ем",
            "єм",
            "ий",
            "их",
            "им",
            "а",
            "я",
            "о",
            "е",
            "є",
            "и",
            "і",
            "ї",
            "у",
            "ю",
            "ь",
        ],
        key=len,
        reverse=True,
    )
)
MIN_STEM = 3


def normalise(text: str) -> str:
    """Lower case, one apostrophe, Cyrillic letters for their Latin look-alikes."""
    text = unicodedata.normalize("NFC", text).casefold()
    for mark in APOSTROPHES:
        text = text.replace(mark, "'")
    words = []
    for word in text.split():
        # Fold Latin look-alikes only in words that already have a Cyrillic letter, or that
        # are entirely made of look-alikes ("Hiжин", "парк" with a Latin "р").
        if any("а" <= ch <= "я" or ch in "іїєґ" for ch in word) or not re.search(
            r"[dfgjlnqrsuvwz]", word
        ):
            word = word.translate(LOOKALIKES)
        words.append(word)
    return " ".join(words)


def stem(word: str) -> str:
    """A light Ukrainian stemmer: drop the longest known ending that leaves ≥ 3 letters."""
    word = word.replace("'", "")
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)
def title_stems(title: str) -> frozenset[str]:
    """The set of stems of a title's meaningful words."""
    words = _WORD.findall(normalise(title))
    return frozenset(stem(w) for w in words if w.replace("'", "") not in STOPWORDS and len(w) > 1)


def _dice(sa: frozenset[str], sb: frozenset[str]) -> float:
    if not sa or not sb:
        return 0.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two titles' stem sets (0 — nothing shared, 1 — same words)."""
    return _dice(title_stems(a), title_stems(b))


@dataclass(frozen=True)
class Match:
    id: int
    title: str
    score: float


def similar_titles(
    title: str, candidates: Iterable[tuple[int, str]], *, minimum: float = 0.5, limit: int = 5
) -> list[Match]:
    """Candidates whose titles are similar to ``title``, best first (ties by id)."""
    wanted = title_stems(title)
    if not wanted:
        return []
    found = [Match(i, t, round(_dice(wanted, title_stems(t)), 3)) for i, t in candidates]
    found = [m for m in found if m.score >= minimum]
    found.sort(key=lambda m: (-m.score, m.id))
    return found[:limit]
