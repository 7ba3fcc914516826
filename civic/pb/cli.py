"""`civic pb ...` commands: check pabulib files and compute their outcomes.

``cli`` is a :class:`civic.cli.LazyGroup` (not Flask's ``AppGroup``): ``check`` and ``outcome``
need no app context, and not importing Flask keeps a whole `civic pb outcome` process fast; their
work is in :mod:`civic.pb.file_commands` (which the console script also runs without click).  The
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
from civic.pb import file_commands
from civic.pb.file_commands import FileProblem, read_path

_COUNT = "civic.pb.commands:group"
#: The commission's count (editions, imports, tally, close, exports): commands that need the app
#: and its database, from :mod:`civic.pb.commands`.  The imports and the tally build the app
#: without its web views (``web=False``: a million-ballot count is mostly start-up otherwise).
COUNT_COMMANDS = {
    "edition": Lazy(_COUNT, "Видання громадського бюджету."),
    "projects": Lazy(_COUNT, "Проєкти видання.", web=False),
    "ballots": Lazy(_COUNT, "Бюлетені видання.", web=False),
    "import-pb": Lazy(
        _COUNT, "Створити видання з файлу pabulib (.pb): налаштування, проєкти, голоси."
    ),
    "tally": Lazy(
        _COUNT,
        "Перевірити бюлетені та підрахувати голоси (закритий підрахунок лише перераховується).",
        web=False,
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

VERDICT_UK = {"agree": "збігається", "differ": "відрізняється", "refused": "не пораховано"}


@cli.command("check")
@click.argument("files", nargs=-1, required=True)
def check_command(files: tuple[str, ...]) -> None:
    """Перевірити файли pabulib (.pb) так, як це робить перевіряльник pabulib."""
    if file_commands.check(files, click.echo):
        raise SystemExit(1)


@cli.command("outcome")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--rule",
    type=click.Choice(file_commands.RULE_CHOICES),
    default="auto",
    show_default=True,
    help="Правило; auto — те, що в META файлу.",
)
@click.option("--json", "as_json", is_flag=True, help="Один JSON-об'єкт на файл і рядок.")
def outcome_command(files: tuple[str, ...], rule: str, as_json: bool) -> None:
    """Обчислити переможців громадського бюджету для файлів pabulib (.pb)."""
    if file_commands.outcome(files, rule, as_json, click.echo):
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
