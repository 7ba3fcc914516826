"""`civic pb ...` commands: check pabulib files and compute their outcomes.

``cli`` is a :class:`civic.cli.LazyGroup` (not Flask's ``AppGroup``): ``check`` and ``outcome``
need no app context, and not importing Flask keeps a whole `civic pb outcome` process fast.  The
commission's commands (editions, imports, tally, ...) live in :mod:`civic.pb.commands`, which
imports Flask; they are listed in ``COUNT_COMMANDS`` and imported only when one of them runs.
The app registers this group with ``app.cli.add_command(cli)``.

`outcome --json` prints one JSON object per file and line::

    {"file": "<path as given>", "rule": "greedy", "selected": ["L010", ...],
     "cost": "6112000", "budget": "6112868"}

``selected`` is in the order the rule chose the projects; ``cost`` and ``budget`` are exact
decimal strings with no trailing ``.0`` (``776314.03``, ``400000``).  A file that cannot be
read or counted gives ``{"file": ..., "error": "<Ukrainian message>"}``; the others still run
and the exit code is 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from civic.cli import Lazy, LazyGroup
from civic.pb import pabulib, rules
from civic.pb.pabulib import Election, PabulibError, format_amount

_COUNT = "civic.pb.commands:group"
#: The commission's count (editions, imports, tally, close, exports): commands that need the app
#: and its database, from :mod:`civic.pb.commands`.
COUNT_COMMANDS = {
    "edition": Lazy(_COUNT, "Видання громадського бюджету."),
    "projects": Lazy(_COUNT, "Проєкти видання."),
    "ballots": Lazy(_COUNT, "Бюлетені видання."),
    "import-pb": Lazy(
        _COUNT, "Створити видання з файлу pabulib (.pb): налаштування, проєкти, голоси."
    ),
    "tally": Lazy(
        _COUNT,
        "Перевірити бюлетені та підрахувати голоси (закритий підрахунок лише перераховується).",
    ),
    "close": Lazy(_COUNT, "Закрити підрахунок: остаточний результат, далі змін немає."),
    "reopen": Lazy(_COUNT, "Відкрити закритий підрахунок знову (з причиною в журналі аудиту)."),
    "export": Lazy(
        _COUNT, "Експортувати результат: csv, xlsx, json, pb (pabulib) або pdf (протокол)."
    ),
    "purge-personal-data": Lazy(
        _COUNT, "Знищити ПІБ, дати народження й адреси після строку зберігання (після закриття)."
    ),
}

cli = LazyGroup("pb", help="Громадський бюджет", lazy=COUNT_COMMANDS)

STATUS_UK = {
    rules.FUNDED: "так",
    rules.DOES_NOT_FIT: "ні: не вміщується",
    rules.BELOW_THRESHOLD: "ні: нижче порогу",
    rules.WITHDRAWN: "ні: відкликано",
    rules.STOPPED: "ні: підрахунок зупинено",
    rules.NOT_SELECTED: "ні",
    rules.EXCLUDED: "ні: виключає інший обраний проєкт",
    rules.FUNDED_FROM_RESERVE: "так: з доплатою з резерву",
}
VERDICT_UK = {"agree": "збігається", "differ": "відрізняється", "refused": "не пораховано"}


class FileProblem(Exception):
    """A file that cannot be read; the message is Ukrainian."""


def read_text(path: str) -> str:
    """The text of a UTF-8 file, or a Ukrainian :class:`FileProblem`."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise FileProblem("файл не знайдено") from None
    except OSError as error:
        raise FileProblem(f"файл не вдалося прочитати ({error.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileProblem(f"Рядок {line}: файл не в кодуванні UTF-8") from None


def read_path(path: str) -> Election:
    """Read a pabulib file from disk (the pure reader never touches the file system)."""
    try:
        return pabulib.read(read_text(path))
    except PabulibError as error:
        raise FileProblem(str(error)) from None


@cli.command("check")
@click.argument("files", nargs=-1, required=True)
def check_command(files: tuple[str, ...]) -> None:
    """Перевірити файли pabulib (.pb) так, як це робить перевіряльник pabulib."""
    from civic.pb.check import ERROR, Problem, check_text

    failed = False
    for path in files:
        try:
            problems = check_text(read_text(path))
        except FileProblem as error:
            problems = [Problem(None, ERROR, str(error))]
        errors = sum(p.level == ERROR for p in problems)
        failed |= errors > 0
        if not problems:
            click.echo(f"{path}: гаразд")
            continue
        click.echo(f"{path}: помилок {errors}, попереджень {len(problems) - errors}")
        for problem in problems:
            click.echo(f"  {problem}")
    if failed:
        raise SystemExit(1)


@cli.command("outcome")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--rule",
    type=click.Choice(["auto", *rules.RULES]),
    default="auto",
    show_default=True,
    help="Правило; auto — те, що в META файлу.",
)
@click.option("--json", "as_json", is_flag=True, help="Один JSON-об'єкт на файл і рядок.")
def outcome_command(files: tuple[str, ...], rule: str, as_json: bool) -> None:
    """Обчислити переможців громадського бюджету для файлів pabulib (.pb)."""
    failed = False
    for path in files:
        try:
            election = read_path(path)
            result = rules.outcome(election, rule)
        except (FileProblem, ValueError, KeyError) as error:
            failed = True
            message = _message(error)
            if as_json:
                click.echo(json.dumps({"file": path, "error": message}, ensure_ascii=False))
            else:
                click.echo(f"{path}: помилка: {message}", err=True)
            continue
        if as_json:
            record = {
                "file": path,
                "rule": result.rule,
                "selected": list(result.selected),
                "cost": format_amount(result.cost),
                "budget": format_amount(result.budget),
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(_table(path, election, result))
    if failed:
        raise SystemExit(1)


@cli.command("corpus")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Один JSON-об'єкт на файл і рядок.")
def corpus_command(paths: tuple[str, ...], as_json: bool) -> None:
    """Порівняти результати civic з офіційними в теках або файлах pabulib (.pb).

    Для кожного файлу з колонкою selected: підрахунок за правилом із META і порівняння з
    офіційним результатом; наприкінці — скільки збігається, відрізняється й не пораховано
    за кожним правилом, і кожна розбіжність із причиною.
    """
    from civic.pb import corpus

    files = []
    for given in paths:
        path = Path(given)
        files.extend(sorted(path.glob("*.pb")) if path.is_dir() else [path])
    verdicts, unreadable = [], []
    for path in files:
        try:
            election = read_path(str(path))
        except FileProblem as error:
            unreadable.append((path, str(error)))
            continue
        if not corpus.records_outcome(election):
            continue
        verdict = corpus.judge(election)
        verdicts.append(verdict)
        if as_json:
            record = {"file": str(path), "rule": verdict.rule, "verdict": verdict.verdict}
            if verdict.verdict == corpus.DIFFER:
                record |= {"extra": list(verdict.extra), "missing": list(verdict.missing)}
            if verdict.reason:
                record["reason"] = verdict.reason
            click.echo(json.dumps(record, ensure_ascii=False))
        elif verdict.verdict != corpus.AGREE:
            click.echo(
                f"{path.name}: {verdict.rule}: {VERDICT_UK[verdict.verdict]}: {_why(verdict)}"
            )
    for path, message in unreadable:
        click.echo(f"{path}: помилка: {message}", err=True)
    if as_json:
        return
    click.echo(f"Файлів з офіційним результатом: {len(verdicts)}")
    header = ("Правило", "збігається", "відрізняється", "не пораховано")
    rows = [
        (rule, *(str(counts[v]) for v in corpus.VERDICTS))
        for rule, counts in corpus.tally(verdicts).items()
    ]
    agree = sum(v.verdict == corpus.AGREE for v in verdicts)
    rows.append(
        (
            "усього",
            str(agree),
            *(str(sum(v.verdict == k for v in verdicts)) for k in corpus.VERDICTS[1:]),
        )
    )
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
    for row in [header, *rows]:
        click.echo(
            "  ".join(
                c.ljust(w) if k == 0 else c.rjust(w)
                for k, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    if verdicts:
        share = f"{100 * agree / len(verdicts):.2f}".replace(".", ",")
        click.echo(f"Збігається: {agree} з {len(verdicts)} ({share} %)")


def _why(verdict) -> str:
    if verdict.reason:
        return verdict.reason
    parts = []
    if verdict.extra:
        parts.append("civic обирає також " + ", ".join(verdict.extra))
    if verdict.missing:
        parts.append("офіційно обрано також " + ", ".join(verdict.missing))
    return "; ".join(parts)


def _message(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"у META немає ключа {error.args[0]}"
    if isinstance(error, ValueError) and not isinstance(error, PabulibError):
        text = str(error)
        if text.startswith("невідоме правило") or isinstance(error, rules.RuleNotCounted):
            return text
        return f"файл не вдалося порахувати: {text}"
    return str(error)


def _table(path: str, election: Election, result: rules.Outcome) -> str:
    names = {p.id: p.name for p in election.projects}
    header = ("Місце", "Проєкт", "Бали", "Вартість", "Обрано")
    rows = [
        (
            str(d.rank),
            f"{d.project_id} {names.get(d.project_id, '')}".strip()[:60],
            format_amount(d.score),
            format_amount(d.cost),
            STATUS_UK[d.status],
        )
        for d in result.decisions
    ]
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
    right = (True, False, True, True, False)

    def line(row: tuple[str, ...]) -> str:
        cells = (
            cell.rjust(w) if r else cell.ljust(w)
            for cell, w, r in zip(row, widths, right, strict=True)
        )
        return "  ".join(cells).rstrip()

    out = [
        f"{path}",
        f"Правило: {result.rule}; бюджет: {format_amount(result.budget)}; "
        f"обрано проєктів: {len(result.selected)} на суму {format_amount(result.cost)}; "
        f"залишок: {format_amount(result.leftover)}"
        + (f"; доплата з резерву: {format_amount(result.reserve)}" if result.reserve else ""),
        rules.describe_declared(election, result.rule),
        line(header),
        *(line(r) for r in rows),
        "",
    ]
    return "\n".join(out)
