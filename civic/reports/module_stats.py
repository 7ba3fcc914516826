"""What the other modules tell the monthly report: their ``monthly_statistics`` for the month
and the Ukrainian titles of their reason codes.

Each module is imported directly; ``STATISTICS`` lists the ones the report asks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from civic import kyiv
from civic.enterprises import stats as enterprise_stats
from civic.pb import stats as pb_stats
from civic.pb.ballots import REASON_TITLES
from civic.petitions import stats as petition_stats
from civic.petitions.lifecycle import REFUSAL_BY_CODE
from civic.reports import monthly

# ModuleStats field → the module whose monthly_statistics(first_day, last_day) gives its dict.
STATISTICS = {"petitions": petition_stats, "pb": pb_stats, "enterprises": enterprise_stats}


def gather_module_stats(month: dt.date) -> monthly.ModuleStats:
    """Every module's figures for the month containing ``month``."""
    first, last = kyiv.month_days(month)
    return monthly.ModuleStats.from_dicts(
        **{name: module.monthly_statistics(first, last) for name, module in STATISTICS.items()}
    )


def _in_sentence(labels: Mapping[str, object]) -> dict[str, str]:
    """Titles as quoted inside a sentence: values may be text or objects with a ``title``; a
    title is lower-cased at the start («Не викладено суть» → «не викладено суть»)."""
    out = {}
    for code, value in labels.items():
        title = (value if isinstance(value, str) else str(getattr(value, "title", value))).strip()
        if len(title) > 1 and title[1].islower():
            title = title[0].lower() + title[1:]
        out[str(code)] = title
    return out


def refusal_labels() -> dict[str, str]:
    """Petition refusal reason code → its title (Положення про місцеві електронні петиції)."""
    return _in_sentence(REFUSAL_BY_CODE)


def pb_reason_labels() -> dict[str, str]:
    """Ballot invalidity reason code → its title."""
    return _in_sentence(REASON_TITLES)
