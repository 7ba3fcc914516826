"""`civic pb outcome` and `civic pb check`: what they read and print, without click.

These two commands read pabulib files only, and on a small file a whole `civic pb outcome`
process is mostly start-up (issue 15), so their work is here, importing neither click nor the
app: :mod:`civic.pb.cli` wraps :func:`outcome` and :func:`check` as click commands (``--help``,
errors, ``app.test_cli_runner()``), and :mod:`civic.console` runs them directly for a command
line :func:`parse` understands fully. Both print through ``echo(text, err=False)`` with the same
bytes.
"""

from __future__ import annotations

from civic.pb import pabulib, rules
from civic.pb.pabulib import PabulibError, format_amount

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

#: The choices of ``outcome --rule``.
RULE_CHOICES = ("auto", *rules.RULES)

# What ``json.dumps(..., ensure_ascii=False)`` escapes in a string: the quote, the backslash and
# the control characters.  `outcome --json` writes its lines itself: importing :mod:`json`
# compiles its regular expressions in every `civic pb outcome --json` process (issue 15).
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in range(32)}
_JSON_ESCAPES.update({ord(c): "\\" + e for c, e in zip('"\\\b\f\n\r\t', '"\\bfnrt', strict=True)})


def json_line(record: dict[str, str | list[str]]) -> str:
    """``json.dumps(record, ensure_ascii=False)`` of a record of strings and lists of strings."""
    items = (
        f"{_json_string(key)}: "
        + (
            f"[{', '.join(map(_json_string, value))}]"
            if isinstance(value, list)
            else _json_string(value)
        )
        for key, value in record.items()
    )
    return "{" + ", ".join(items) + "}"


def _json_string(text: str) -> str:
    return '"' + text.translate(_JSON_ESCAPES) + '"'


class FileProblem(Exception):
    """A file that cannot be read; the message is Ukrainian."""


def read_text(path: str) -> str:
    """The text of a UTF-8 file, or a Ukrainian :class:`FileProblem`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise FileProblem("файл не знайдено") from None
    except OSError as error:
        raise FileProblem(f"файл не вдалося прочитати ({error.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileProblem(f"Рядок {line}: файл не в кодуванні UTF-8") from None


def read_path(path: str) -> pabulib.Election:
    """Read a pabulib file from disk (the pure reader never touches the file system)."""
    try:
        return pabulib.read(read_text(path))
    except PabulibError as error:
        raise FileProblem(str(error)) from None


def parse(command: str, args: list[str]) -> dict | None:
    """The parameters of ``civic pb <command> ARGS`` when ``args`` are plain files and the
    command's own options with valid values; None for anything else (``--help``, ``--``, an
    unknown option or rule, no file), which click then parses and answers."""
    if command not in ("outcome", "check"):
        return None
    files, rule, as_json = [], "auto", False
    tokens = iter(args)
    for token in tokens:
        if not token.startswith("-"):
            files.append(token)
        elif command != "outcome":
            return None
        elif token == "--json":
            as_json = True
        elif token == "--rule" or token.startswith("--rule="):
            rule = token[len("--rule=") :] if "=" in token else next(tokens, None)
            if rule not in RULE_CHOICES:
                return None
        else:
            return None
    if not files:
        return None
    if command == "check":
        return {"files": files}
    return {"files": files, "rule": rule, "as_json": as_json}


def check(files: list[str] | tuple[str, ...], echo) -> int:
    """Check each file as the pabulib checker does; the exit status (1 if any has an error)."""
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
            echo(f"{path}: гаразд")
            continue
        echo(f"{path}: помилок {errors}, попереджень {len(problems) - errors}")
        for problem in problems:
            echo(f"  {problem}")
    return 1 if failed else 0


def outcome(files: list[str] | tuple[str, ...], rule: str, as_json: bool, echo) -> int:
    """Count each file by ``rule`` and print the winners (a table, or one JSON object a line);
    the exit status (1 if any file could not be read or counted)."""
    failed = False
    for path in files:
        try:
            election = read_path(path)
            result = rules.outcome(election, rule)
        except (FileProblem, ValueError, KeyError) as error:
            failed = True
            message = _message(error)
            if as_json:
                echo(json_line({"file": path, "error": message}))
            else:
                echo(f"{path}: помилка: {message}", err=True)
            continue
        if as_json:
            record = {
                "file": path,
                "rule": result.rule,
                "selected": list(result.selected),
                "cost": format_amount(result.cost),
                "budget": format_amount(result.budget),
            }
            echo(json_line(record))
        else:
            echo(_table(path, election, result))
    return 1 if failed else 0


def _message(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"у META немає ключа {error.args[0]}"
    if isinstance(error, ValueError) and not isinstance(error, PabulibError):
        text = str(error)
        if text.startswith("невідоме правило") or isinstance(error, rules.RuleNotCounted):
            return text
        return f"файл не вдалося порахувати: {text}"
    return str(error)


def _table(path: str, election: pabulib.Election, result: rules.Outcome) -> str:
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
