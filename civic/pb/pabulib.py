"""Reading and writing pabulib `.pb` files, the research community's participatory-budget format.

The format (pabulib.org; P. Faliszewski et al., "Participatory Budgeting: Data, Tools and
Analysis", IJCAI 2023) is a `;`-separated UTF-8 text with three sections, ``META``, ``PROJECTS``
and ``VOTES``, each followed by a header line.  This module is pure: it imports only the standard
library, never touches the file system (``read`` takes text or an open text file) and keeps every
number exact (``int`` or ``Fraction``).

Public API::

    read(source, *, strict=True) -> Election      # raises PabulibError(line, message)
    write(election) -> str                        # read(write(e)) == e
    format_amount(value) -> str                   # 400000, 776314.03

``strict=True`` (the default) also rejects votes naming unknown projects and malformed points;
the checker (``civic.pb.check``) reads with ``strict=False`` and reports such problems itself.
"""

from __future__ import annotations

from civic.gc_pause import gc_paused
from civic.pb.records import Record

if TYPE_CHECKING := False:  # not typing's: importing typing costs start-up (civic/__init__.py)
    from collections.abc import Mapping
    from fractions import Fraction
    from typing import TextIO

    Amount = int | Fraction

__all__ = [
    "Election",
    "PabulibError",
    "ProjectRow",
    "format_amount",
    "parse_amount",
    "read",
    "write",
]

SECTIONS = ("meta", "projects", "votes")
_SECTION_TITLES = {"meta": "META", "projects": "PROJECTS", "votes": "VOTES"}


class PabulibError(ValueError):
    """A structure error in a pabulib file; ``str(error)`` is a Ukrainian message naming the line."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"Рядок {line}: {message}" if line else message)


class ProjectRow(Record):
    """One row of the PROJECTS section: the id, the exact cost and every column as written
    (``line``, where it was written, is not compared)."""

    __slots__ = _fields = ("id", "cost", "fields", "line")
    _compare = ("id", "cost", "fields")

    def __init__(self, id: str, cost: Amount, fields: Mapping[str, str], line: int = 0) -> None:
        self._init(id, cost, fields, line)

    @property
    def name(self) -> str:
        return self.fields.get("name", "")

    @property
    def is_selected(self) -> bool:
        """True when the `selected` column says the official rule funded it (``1``)."""
        return self.fields.get("selected", "").strip() == "1"

    def number(self, column: str) -> Amount | None:
        """The value of a numeric column (``votes``, ``score``), or None when absent or empty."""
        text = self.fields.get(column, "").strip()
        if not text or text.lower() == "none":
            return None
        return parse_amount(text)


class Election(Record):
    """A parsed pabulib file.

    Votes are kept in columns for speed: ``ballots[i]`` is the tuple of project ids of the i-th
    vote in file order (most preferred first for ordinal ballots), ``points[i]`` the matching
    points when the file has a `points` column (else ``points`` is None), and ``vote_fields``
    holds every other VOTES column (age, sex, voting_method, ...) as text.  Where lines were
    written (``meta_lines``, ``vote_lines``) is not compared.
    """

    __slots__ = _fields = (
        "meta",
        "project_columns",
        "projects",
        "vote_columns",
        "voter_ids",
        "ballots",
        "points",
        "vote_fields",
        "meta_lines",
        "vote_lines",
    )
    _compare = _fields[:-2]

    def __init__(
        self,
        meta: Mapping[str, str],
        project_columns: tuple[str, ...],
        projects: tuple[ProjectRow, ...],
        vote_columns: tuple[str, ...],
        voter_ids: tuple[str, ...],
        ballots: tuple[tuple[str, ...], ...],
        points: tuple[tuple[Amount, ...], ...] | None,
        vote_fields: Mapping[str, tuple[str, ...]],
        meta_lines: Mapping[str, int] | None = None,
        vote_lines: tuple[int, ...] = (),
    ) -> None:
        self._init(
            meta,
            project_columns,
            projects,
            vote_columns,
            voter_ids,
            ballots,
            points,
            vote_fields,
            {} if meta_lines is None else meta_lines,
            vote_lines,
        )

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval").strip()

    @property
    def rule(self) -> str:
        return self.meta.get("rule", "").strip()

    @property
    def budget(self) -> Amount:
        return parse_amount(self.meta["budget"])

    @property
    def project_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.projects)

    def meta_number(self, key: str) -> Amount | None:
        text = self.meta.get(key, "").strip()
        return parse_amount(text) if text and text.lower() != "none" else None


def parse_amount(text: str) -> Amount:
    """Parse ``400000``, ``400000.0``, ``776314.03`` or ``1,5`` exactly (int when integral).

    Raises ValueError on anything else.
    """
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    # [+-]?\d+(\.\d*)? with str methods (``\d`` is what isdecimal() accepts)
    whole, _, decimals = (text[1:] if text[:1] in "+-" else text).partition(".")
    if not whole.isdecimal() or not (decimals.isdecimal() or not decimals):
        raise ValueError(f"not a number: {text!r}")
    from fractions import Fraction  # here: it imports re and decimal (issue 15, start-up)

    value = Fraction(text)
    return value.numerator if value.denominator == 1 else value


def format_amount(value: Amount) -> str:
    """Write an exact amount as a plain decimal: ``400000``, ``776314.03``.

    Integral values have no ``.0``; values with a terminating decimal expansion are written in
    full; any other fraction is written as ``p/q`` (never rounded).
    """
    if isinstance(value, int):
        return str(value)
    from fractions import Fraction

    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    scaled = abs(value.numerator) * 10**digits // value.denominator
    sign = "-" if value < 0 else ""
    whole, frac = divmod(scaled, 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"


def _split(line: str, lineno: int) -> list[str]:
    if '"' in line:
        try:
            return _split_quoted(line)
        except ValueError:
            raise PabulibError(
                lineno, "лапки не закрито або поле в лапках розірвано; перевірте лапки"
            ) from None
    return line.split(";")


_FIELD_LIMIT = 131072  # csv.field_size_limit()'s default


def _split_quoted(line: str) -> list[str]:
    """The fields of a line with quotes, as ``next(csv.reader([line], delimiter=";"))`` gives
    them (a quoted field, ``""`` for a quote in it, text after its closing quote kept), with
    str methods: :mod:`csv` imports ``re``, which costs a process start-up (issue 15).
    ValueError where csv raises its Error (a line end inside an unquoted field, a field
    longer than csv's limit)."""
    fields: list[str] = []
    n, pos = len(line), 0
    if line[:1] in ("\n", "\r"):  # csv's start of a record: a line end ends it, with no field
        return _after_line_end(line, 0, fields)
    while True:  # at the start of a field
        chunks: list[str] = []
        if line.startswith('"', pos):
            pos += 1
            while True:  # inside quotes
                close = line.find('"', pos)
                if close < 0:  # never closed: the rest is the field (csv, not strict)
                    chunks.append(line[pos:])
                    return _save(fields, chunks)
                chunks.append(line[pos:close])
                after = line[close + 1 : close + 2]
                if after == '"':
                    chunks.append('"')
                    pos = close + 2
                    continue
                pos = close + 1
                break
            if after in ("", ";", "\n", "\r"):
                _save(fields, chunks)
                if after == "":
                    return fields
                if after == ";":
                    pos += 1
                    continue
                return _after_line_end(line, pos + 1, fields)
        # An unquoted field, or what follows a closing quote: up to `;` or a line end.
        stop = min((k for k in (line.find(c, pos) for c in ";\n\r") if k >= 0), default=n)
        chunks.append(line[pos:stop])
        _save(fields, chunks)
        if stop == n:
            return fields
        if line[stop] != ";":
            return _after_line_end(line, stop + 1, fields)
        pos = stop + 1


def _save(fields: list[str], chunks: list[str]) -> list[str]:
    field = "".join(chunks)
    if len(field) > _FIELD_LIMIT:
        raise ValueError("field larger than field limit")
    fields.append(field)
    return fields


def _after_line_end(line: str, pos: int, fields: list[str]) -> list[str]:
    if line[pos:].strip("\r\n"):
        raise ValueError("new-line character seen in unquoted field")
    return fields


def _opens_quote(line: str) -> bool:
    """Whether a quote opens a field: at the start or after a ``;``, after any spaces
    (``(?:^|;)\\s*"``)."""
    return any(part.lstrip()[:1] == '"' for part in line.split(";"))


def _is_blank(line: str) -> bool:
    return not line.strip(" \t;")


def _section_of(line: str) -> str | None:
    name = line.strip(" \t;").lower()
    return name if name in SECTIONS else None


def _logical_lines(text: str) -> list[str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        lines = text.split("\r\n")
        if text.count("\r") == text.count("\n") == len(lines) - 1:
            return lines  # every line ends in \r\n (one split instead of two replaces)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def read(source: str | TextIO, *, strict: bool = True) -> Election:
    """Parse a pabulib election from text or an open text file.

    Accepts UTF-8 text with or without a BOM, ``\\r\\n`` line ends, empty lines, quoted fields,
    costs like ``400000.0`` and any extra columns (kept in ``fields``/``vote_fields``).  Raises
    :class:`PabulibError` naming the line when the structure is broken.
    """
    text = source if isinstance(source, str) else source.read()
    # The parser allocates about a million small tuples and no reference cycles; pausing the
    # cyclic garbage collector meanwhile makes it about 40% faster on large files.
    with gc_paused():
        return _read(text, strict)


def _read(text: str, strict: bool) -> Election:
    lines = _logical_lines(text)
    n = len(lines)

    def next_content(start: int) -> int:
        while start < n and _is_blank(lines[start]):
            start += 1
        return start

    def expect_section(start: int, name: str) -> int:
        j = next_content(start)
        if j >= n:
            raise PabulibError(
                j, f"файл закінчився, а очікувався заголовок секції {_SECTION_TITLES[name]}"
            )
        if _section_of(lines[j]) != name:
            raise PabulibError(
                j + 1,
                f"очікувався заголовок секції {_SECTION_TITLES[name]}, знайдено «{lines[j][:40]}»",
            )
        h = next_content(j + 1)
        if h >= n or _section_of(lines[h]):
            raise PabulibError(
                min(h, n - 1) + 1,
                f"очікувався рядок із назвами стовпців секції {_SECTION_TITLES[name]}",
            )
        return h

    def section_end(start: int) -> int:
        j = start
        while j < n:
            line = lines[j]
            if line[:1] in "MPVmpv" and _section_of(line):
                return j
            j += 1
        return n

    def rows(start: int, end: int, width: int) -> tuple[list[int], list[list[str]]]:
        linenos: list[int] = []
        out: list[list[str]] = []
        j = start
        while j < end:
            line = lines[j]
            j += 1
            if '"' in line:
                first = j
                while j < end and line.count('"') % 2 and _opens_quote(line):
                    # A quoted field spanning several physical lines.
                    line += "\n" + lines[j]
                    j += 1
                parts = _split(line, first)
                lineno = first
            else:
                parts = line.split(";")
                lineno = j
            if len(parts) != width:
                if _is_blank(line):
                    continue
                if len(parts) > width and not "".join(parts[width:]).strip():
                    parts = parts[:width]
                else:
                    raise PabulibError(
                        lineno, f"очікувалося полів: {width}, знайдено: {len(parts)}"
                    )
            linenos.append(lineno)
            out.append(parts)
        return linenos, out

    def plain_columns(start: int, end: int, width: int, key: int) -> tuple[list, list] | None:
        # The usual VOTES section: no quotes, every line with its fields, a ``key`` field (the
        # vote) in each, so no blank line before the last. Its columns come from one split of
        # the whole section, not a split of every line; None for any other: ``rows`` reads it.
        while end > start and _is_blank(lines[end - 1]) and lines[end - 1].count(";") != width - 1:
            end -= 1  # the empty line after the last line end: ``rows`` skips it too
        block = lines[start:end]
        joined = ";".join(block)
        if (
            not block
            or '"' in joined
            or set(map(str.count, block, ";" * len(block))) != {width - 1}
        ):
            return None
        fields = joined.split(";")
        if "" in map(str.strip, fields[key::width]):
            return None
        return list(range(start + 1, end + 1)), [tuple(fields[k::width]) for k in range(width)]

    # META
    h = expect_section(0, "meta")
    meta_header = [c.strip() for c in _split(lines[h], h + 1)]
    if len(meta_header) < 2:
        raise PabulibError(h + 1, "очікувався заголовок META «key;value»")
    end = section_end(h + 1)
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    for lineno, parts in zip(*rows(h + 1, end, len(meta_header)), strict=True):
        key = parts[0].strip()
        if key in meta:
            raise PabulibError(lineno, f"ключ META «{key}» повторюється")
        meta[key] = parts[1].strip()
        meta_lines[key] = lineno
    if strict:
        if "budget" not in meta:
            raise PabulibError(h + 1, "у секції META немає ключа budget")
        try:
            parse_amount(meta["budget"])
        except ValueError:
            raise PabulibError(
                meta_lines["budget"], f"бюджет «{meta['budget']}» не є числом"
            ) from None

    # PROJECTS
    h = expect_section(end, "projects")
    project_columns = tuple(c.strip() for c in _split(lines[h], h + 1))
    for required in ("project_id", "cost"):
        if required not in project_columns:
            raise PabulibError(h + 1, f"у заголовку PROJECTS немає стовпця {required}")
    id_col = project_columns.index("project_id")
    cost_col = project_columns.index("cost")
    end = section_end(h + 1)
    projects: list[ProjectRow] = []
    known: dict[str, str] = {}
    for lineno, parts in zip(*rows(h + 1, end, len(project_columns)), strict=True):
        pid = parts[id_col].strip()
        if not pid:
            raise PabulibError(lineno, "порожній project_id")
        if pid in known and strict:
            raise PabulibError(lineno, f"проєкт «{pid}» повторюється")
        try:
            cost = parse_amount(parts[cost_col])
        except ValueError:
            raise PabulibError(
                lineno, f"вартість «{parts[cost_col]}» проєкту «{pid}» не є числом"
            ) from None
        known.setdefault(pid, pid)
        projects.append(
            ProjectRow(pid, cost, dict(zip(project_columns, parts, strict=True)), lineno)
        )

    # VOTES
    h = expect_section(end, "votes")
    vote_columns = tuple(c.strip() for c in _split(lines[h], h + 1))
    for required in ("voter_id", "vote"):
        if required not in vote_columns:
            raise PabulibError(h + 1, f"у заголовку VOTES немає стовпця {required}")
    width = len(vote_columns)
    vid_col = vote_columns.index("voter_id")
    vote_col = vote_columns.index("vote")
    points_col = vote_columns.index("points") if "points" in vote_columns else None
    extra_cols = [
        (k, c) for k, c in enumerate(vote_columns) if c not in ("voter_id", "vote", "points")
    ]
    end = section_end(h + 1)
    if end < n:
        raise PabulibError(end + 1, "секція VOTES має бути останньою")

    plain = plain_columns(h + 1, end, width, vote_col)
    if plain is not None:
        vote_lines, columns = plain
    else:
        vote_lines, vote_rows = rows(h + 1, end, width)
        columns = list(zip(*vote_rows, strict=True)) if vote_rows else [()] * width
        del vote_rows
    try:
        # Each distinct vote is split once (a file has far fewer distinct votes than ballots,
        # and equal votes then share one tuple).
        getitem = known.__getitem__
        parsed = {raw: tuple(map(getitem, raw.split(","))) for raw in set(columns[vote_col])}
        ballots = list(map(parsed.__getitem__, columns[vote_col]))
        del parsed
    except KeyError:
        # Some vote has spaces, an empty list or an unknown id: take the careful path.
        get = known.get
        ballots = [tuple(map(get, raw.split(","))) for raw in columns[vote_col]]
        for k, ballot in enumerate(ballots):
            if None in ballot:
                ballots[k] = _slow_ballot(columns[vote_col][k], known, vote_lines[k], strict)
    points = None
    if points_col is not None:
        points = tuple(
            _points(raw, len(b), lineno, strict)
            for raw, b, lineno in zip(columns[points_col], ballots, vote_lines, strict=True)
        )
    voter_ids = tuple(map(str.strip, columns[vid_col]))
    vote_fields = {c: tuple(map(str.strip, columns[k])) for k, c in extra_cols}

    return Election(
        meta=meta,
        project_columns=project_columns,
        projects=tuple(projects),
        vote_columns=vote_columns,
        voter_ids=voter_ids,
        ballots=tuple(ballots),
        points=points,
        vote_fields=vote_fields,
        meta_lines=meta_lines,
        vote_lines=tuple(vote_lines),
    )


def _slow_ballot(raw: str, known: dict[str, str], lineno: int, strict: bool) -> tuple[str, ...]:
    out = []
    for token in raw.split(","):
        token = token.strip()
        if not token or token.lower() == "none":
            continue
        pid = known.get(token)
        if pid is None:
            if strict:
                raise PabulibError(lineno, f"голос за невідомий проєкт «{token}»")
            pid = token
        out.append(pid)
    return tuple(out)


def _points(raw: str, length: int, lineno: int, strict: bool) -> tuple[Amount, ...]:
    raw = raw.strip()
    tokens = [t for t in raw.split(",") if t.strip()] if raw and raw.lower() != "none" else []
    try:
        values = tuple(int(t) for t in tokens)
    except ValueError:
        try:
            values = tuple(parse_amount(t) for t in tokens)
        except ValueError:
            if strict:
                raise PabulibError(lineno, f"бали «{raw}» не є числами") from None
            return ()
    if strict and len(values) != length:
        raise PabulibError(
            lineno, f"кількість балів ({len(values)}) не дорівнює кількості проєктів ({length})"
        )
    return values


def _quote(value: str) -> str:
    if any(ch in value for ch in ';"\n\r') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def _cost_text(p: ProjectRow) -> str:
    written = p.fields.get("cost", "")
    try:
        if parse_amount(written) == p.cost:
            return written.strip()
    except ValueError:
        pass
    return format_amount(p.cost)


def write(election: Election) -> str:
    """Write an election back as pabulib text (``\\n`` line ends, no BOM).

    Project columns are written as read (the cost as written when it still equals the parsed
    value, e.g. ``400000.0``); votes and points from the parsed ballots.  ``read(write(e)) == e`` for every election ``read`` returns.
    """
    out = ["META", "key;value"]
    out.extend(f"{_quote(k)};{_quote(v)}" for k, v in election.meta.items())
    out.append("PROJECTS")
    cols = election.project_columns
    out.append(";".join(_quote(c) for c in cols))
    for p in election.projects:
        row = [_cost_text(p) if c == "cost" else p.fields.get(c, "") for c in cols]
        out.append(";".join(_quote(v) for v in row))
    out.append("VOTES")
    out.append(";".join(_quote(c) for c in election.vote_columns))
    columns = []
    for c in election.vote_columns:
        if c == "voter_id":
            columns.append(election.voter_ids)
        elif c == "vote":
            columns.append([",".join(b) for b in election.ballots])
        elif c == "points":
            pts = election.points or ()
            columns.append([",".join(format_amount(x) for x in p) for p in pts])
        else:
            columns.append(election.vote_fields[c])
    for row in zip(*columns, strict=True):
        out.append(";".join(_quote(v) for v in row))
    return "\n".join(out) + "\n"
