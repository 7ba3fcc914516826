"""Validation of pabulib files, following the pabulib format checker (pabulib.org/format).

Pure: takes text, returns problems.  Each :class:`Problem` names its line (when it has one), a
level (``error`` or ``warning``) and a Ukrainian message.  Errors make a file invalid; warnings
point at things worth a look that the format allows.

Checks: the structure (sections, headers, field counts, numbers); META `num_projects` and
`num_votes` against the rows; the `votes` and `score` columns against a recount from VOTES;
vote lengths against `min_length`/`max_length`; points against `min_points`/`max_points` and
their sums against `min_sum_points`/`max_sum_points`; a project named twice in a vote; voter
ids given twice; unknown project ids; the `selected` projects within the budget and, for the
greedy rules, equal to what the rule gives.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from civic.pb import pabulib, rules
from civic.pb.pabulib import Election, PabulibError, format_amount

ERROR = "error"
WARNING = "warning"
VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
VOTE_COLUMNS_ORDER = ("voter_id", "vote", "points", "age", "sex", "voting_method")
# Closed value sets of the format (pabulib.org/format); empty and "None" mean "not given".
ALLOWED = {
    "sex": ("M", "F", "O"),
    "voting_method": ("internet", "paper"),
}
_CURRENCY = re.compile(r"[A-Z]{3}")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_DATE = re.compile(r"(\d{2}\.\d{2}\.)?\d{4}")


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None
    level: str
    message: str

    def __str__(self) -> str:
        level = "помилка" if self.level == ERROR else "попередження"
        where = f"рядок {self.line}: " if self.line else ""
        return f"{where}{level}: {self.message}"


def check_text(text: str) -> list[Problem]:
    """All problems of a pabulib file, in line order (structure errors stop the check)."""
    try:
        election = pabulib.read(text, strict=False)
    except PabulibError as error:
        return [Problem(error.line, ERROR, error.message)]
    return check_election(election)


def check_election(e: Election) -> list[Problem]:
    """The problems of a parsed election (read with ``strict=False``)."""
    problems: list[Problem] = []

    def add(line: int | None, level: str, message: str) -> None:
        problems.append(Problem(line, level, message))

    meta_line = e.meta_lines.get
    for key in ("num_projects", "num_votes", "budget", "vote_type"):
        if key not in e.meta:
            add(None, ERROR, f"у секції META немає обов'язкового ключа {key}")
    budget = _meta_number(e, "budget", add)
    if e.vote_type not in VOTE_TYPES:
        add(meta_line("vote_type"), ERROR, f"невідомий тип голосування «{e.vote_type}»")
    for key, found, what in (
        ("num_projects", len(e.projects), "проєктів у секції PROJECTS"),
        ("num_votes", len(e.ballots), "голосів у секції VOTES"),
    ):
        declared = _meta_number(e, key, add)
        if declared is not None and declared != found:
            add(meta_line(key), ERROR, f"{key} = {declared}, а {what} {found}")

    _check_meta_values(e, add)
    if "votes" not in e.project_columns and "score" not in e.project_columns:
        add(None, ERROR, "у секції PROJECTS немає ні стовпця votes, ні score")
    seen: dict[str, int] = {}
    for p in e.projects:
        if p.id in seen:
            add(p.line, ERROR, f"проєкт «{p.id}» уже був у рядку {seen[p.id]}")
        seen.setdefault(p.id, p.line)
        if budget is not None and p.cost > budget:
            if p.cost == rules.WITHDRAWN_COST:
                add(p.line, WARNING, f"проєкт «{p.id}» відкликано (вартість 999999999)")
            else:
                add(p.line, ERROR, f"проєкт «{p.id}» дорожчий за весь бюджет")
        selected = p.fields.get("selected", "").strip()
        if selected not in ("", "0", "1", "2", "3"):
            add(p.line, ERROR, f"selected проєкту «{p.id}» = «{selected}», можливі 0, 1, 2, 3")

    _check_votes(e, seen, add)
    _check_counts(e, add)
    if budget is not None:
        _check_selected(e, budget, add)
    problems.sort(key=lambda p: p.line or 0)
    return problems


def _check_meta_values(e: Election, add) -> None:
    line = e.meta_lines.get
    checks = (
        ("currency", _CURRENCY, "код валюти ISO 4217 (три великі літери)"),
        ("language", _LANGUAGE, "код мови ISO 639 (дві малі літери)"),
        ("date_begin", _DATE, "дата ДД.ММ.РРРР або рік"),
        ("date_end", _DATE, "дата ДД.ММ.РРРР або рік"),
    )
    for key, pattern, expected in checks:
        value = e.meta.get(key)
        if value is not None and not pattern.fullmatch(value):
            add(line(key), ERROR, f"{key} = «{value}», очікувався {expected}")
    if e.meta.get("fully_funded", "1") != "1":
        add(line("fully_funded"), ERROR, "fully_funded може бути лише 1")
    if "," in e.meta.get("budget", ""):
        add(line("budget"), ERROR, "бюджет записано з комою замість крапки")
    known = [c for c in e.vote_columns if c in VOTE_COLUMNS_ORDER]
    if known != sorted(known, key=VOTE_COLUMNS_ORDER.index):
        add(None, WARNING, f"стовпці VOTES у незвичному порядку: {';'.join(e.vote_columns)}")


def _meta_number(e: Election, key: str, add) -> pabulib.Amount | None:
    try:
        return e.meta_number(key)
    except ValueError:
        add(e.meta_lines.get(key), ERROR, f"значення {key} «{e.meta[key]}» не є числом")
        return None


def _check_votes(e: Election, known: dict[str, int], add) -> None:
    limits = {}
    for key in ("min_length", "max_length", "min_points", "max_points"):
        limits[key] = _meta_number(e, key, add)
    limits["min_sum_points"] = _meta_number(e, "min_sum_points", add)
    limits["max_sum_points"] = _meta_number(e, "max_sum_points", add)
    min_len, max_len = limits["min_length"], limits["max_length"]
    closed = [(c, ALLOWED[c], e.vote_fields[c]) for c in ALLOWED if c in e.vote_fields]
    first_line: dict[str, int] = {}
    for k, voter in enumerate(e.voter_ids):
        line = e.vote_lines[k] if e.vote_lines else None
        for column, allowed, values in closed:
            value = values[k]
            if value not in allowed and value not in ("", "None"):
                add(line, ERROR, f"{column} = «{value}», можливі {', '.join(allowed)}")
        if voter in first_line:
            add(line, ERROR, f"виборець «{voter}» уже голосував у рядку {first_line[voter]}")
        else:
            first_line[voter] = line
        ballot = e.ballots[k]
        for pid in ballot:
            if pid not in known:
                add(line, ERROR, f"голос за невідомий проєкт «{pid}»")
        twice = [pid for pid, c in Counter(ballot).items() if c > 1]
        if twice:
            add(line, ERROR, f"проєкт «{twice[0]}» двічі в одному голосі")
        if min_len is not None and len(ballot) < min_len:
            add(line, ERROR, f"у голосі {len(ballot)} проєктів, а min_length = {min_len}")
        if max_len is not None and len(ballot) > max_len:
            add(line, ERROR, f"у голосі {len(ballot)} проєктів, а max_length = {max_len}")
        if e.points is not None:
            _check_points(e.points[k], len(ballot), limits, line, add)


def _check_points(points, length: int, limits, line, add) -> None:
    if len(points) != length:
        add(line, ERROR, f"балів {len(points)}, а проєктів у голосі {length}")
        return
    low, high = limits["min_points"], limits["max_points"]
    for value in points:
        if (low is not None and value < low) or (high is not None and value > high):
            add(line, ERROR, f"бал {format_amount(value)} поза межами [{low}, {high}]")
            break
    total = sum(points)
    low, high = limits["min_sum_points"], limits["max_sum_points"]
    if (low is not None and total < low) or (high is not None and total > high):
        add(line, ERROR, f"сума балів {format_amount(total)} поза межами [{low}, {high}]")


def _check_counts(e: Election, add) -> None:
    approvals = rules.count_scores(e.ballots)
    sums = None
    if e.points is not None and all(
        len(p) == len(b) for p, b in zip(e.points, e.ballots, strict=True)
    ):
        sums = rules.count_scores(e.ballots, e.points)
    elif e.points is None and e.vote_type == "ordinal":
        try:
            sums = rules.rank_points(e.ballots, rules.declared_points(e))  # points per rank
        except ValueError:
            sums = None  # a bad scoring_fn: the count reports it
    for p in e.projects:
        for column, recount in (("votes", approvals), ("score", sums or approvals)):
            if column == "score" and e.points is not None and sums is None:
                continue
            try:
                written = p.number(column)
            except ValueError:
                add(p.line, ERROR, f"{column} проєкту «{p.id}» не є числом")
                continue
            if written is not None and written != recount.get(p.id, 0):
                add(
                    p.line,
                    ERROR,
                    f"{column} проєкту «{p.id}» = {format_amount(written)}, "
                    f"а перерахунок із VOTES дає {format_amount(recount.get(p.id, 0))}",
                )
        if not approvals.get(p.id):
            add(p.line, WARNING, f"за проєкт «{p.id}» не голосував ніхто")


def _check_selected(e: Election, budget, add) -> None:
    if "selected" not in e.project_columns:
        return
    chosen = [p for p in e.projects if p.is_selected]
    spent = sum((p.cost for p in chosen), 0)
    if spent > budget:
        add(
            e.meta_lines.get("budget"),
            ERROR,
            f"обрані проєкти коштують {format_amount(spent)}, більше за бюджет "
            f"{format_amount(budget)}",
        )
    if e.rule not in rules.GREEDY_RULES:
        return
    try:
        result = rules.outcome(e)
    except (ValueError, TypeError):
        return  # the problems that stop the count are reported above
    expected = set(result.selected)
    for p in e.projects:
        if p.is_selected and p.id not in expected:
            add(
                p.line,
                ERROR,
                f"проєкт «{p.id}» позначено обраним, а правило {e.rule} його не обирає",
            )
        elif not p.is_selected and p.id in expected and p.fields.get("selected", "").strip() == "0":
            add(p.line, ERROR, f"правило {e.rule} обирає проєкт «{p.id}», а його позначено 0")
