"""Reading office tables: encodings, delimiters, headers, Ukrainian numbers and dates."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from civic.table_exports import neutralise, write_csv, write_xlsx
from civic.tabular import (
    Column,
    TabularError,
    open_table,
    parse_date,
    parse_number,
)

COLUMNS = [
    Column("code", ("Код",)),
    Column("title", ("Назва",)),
    Column("cost", ("Вартість",), required=False),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1\u00a0234,56", Decimal("1234.56")),
        ("1\u202f234", Decimal("1234")),
        ("1234.5", Decimal("1234.5")),
        ("399 500,00", Decimal("399500.00")),
        ("( 4 567 )", Decimal("-4567")),
        ("(4567,5)", Decimal("-4567.5")),
        ("-4567", Decimal("-4567")),
        ("\u22124567", Decimal("-4567")),
        ("1,234.56", Decimal("1234.56")),
        ("-", None),
        ("", None),
        ("  ", None),
        (None, None),
        (12, Decimal(12)),
        (0.1, Decimal("0.1")),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3", "12-3", "1.2.3", "=1+2"])
def test_parse_number_refuses_with_ukrainian_message(text):
    with pytest.raises(ValueError, match="не число"):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23.11.2020", dt.date(2020, 11, 23)),
        ("5.2.2021", dt.date(2021, 2, 5)),
        ("2020-11-23", dt.date(2020, 11, 23)),
        ("2020-11-23T10:00:00", dt.date(2020, 11, 23)),
        (dt.datetime(2020, 11, 23, 9, 0), dt.date(2020, 11, 23)),
        (dt.date(2020, 11, 23), dt.date(2020, 11, 23)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_impossible_date_is_named():
    with pytest.raises(ValueError, match=r"31\.02\.2004 — такої дати не існує"):
        parse_date("31.02.2004")
    with pytest.raises(ValueError, match="не дата"):
        parse_date("вчора")


def _csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


@pytest.mark.parametrize(
    "data",
    [
        _csv("Код;Назва;Вартість\r\nP1;Сквер;399 500,00\r\n"),
        _csv("\ufeffКод;Назва;Вартість\nP1;Сквер;399 500,00\n", "utf-8"),
        _csv("Код;Назва;Вартість\nP1;Сквер;399 500,00\n", "cp1251"),
        _csv('Код,Назва,Вартість\nP1,Сквер,"399 500,00"\n'),
        _csv("код ; НАЗВА ;вартість\n\nP1;Сквер;399 500,00\n"),
    ],
    ids=["utf8-semicolon-crlf", "utf8-bom", "cp1251", "comma-quoted", "case-spaces-blank-line"],
)
def test_csv_variants_read_alike(data):
    table = open_table(data, "projects.csv", COLUMNS)
    rows = list(table)
    assert len(rows) == 1
    assert rows[0].cells == {"code": "P1", "title": "Сквер", "cost": "399 500,00"}
    assert parse_number(rows[0].get("cost")) == Decimal("399500.00")


def test_quoted_multiline_cells_and_old_mac_line_ends():
    quoted = open_table(_csv('Код;Назва\nP1;"Сквер\nбіля школи"\nP2;Б\n'), "f.csv", COLUMNS)
    rows = list(quoted)
    assert [r.get("title") for r in rows] == ["Сквер\nбіля школи", "Б"]
    assert [r.line for r in rows] == [3, 4]
    mac = open_table(_csv("Код;Назва\rP1;А\rP2;Б\r"), "f.csv", COLUMNS)
    assert [r.get("code") for r in mac] == ["P1", "P2"]


def test_encoding_and_delimiter_are_reported():
    table = open_table(_csv("Код;Назва\nP1;Сквер\n", "cp1251"), "f.csv", COLUMNS)
    assert (table.encoding, table.delimiter) == ("cp1251", ";")


def test_line_numbers_follow_the_file():
    table = open_table(_csv("Код;Назва\nP1;А\n\nP2;Б\n"), "f.csv", COLUMNS)
    assert [r.line for r in table] == [2, 4]


def test_header_found_below_title_rows():
    data = _csv("Звіт за 2020 рік;;\n;;\nКод;Назва;Вартість\nP1;Сквер;1\n")
    table = open_table(data, "f.csv", COLUMNS, header_search_rows=10)
    assert table.header_line == 3
    assert [r.line for r in table] == [4]


def test_missing_column_named_in_ukrainian():
    with pytest.raises(TabularError) as err:
        open_table(_csv("Код;Щось\nP1;x\n"), "f.csv", COLUMNS)
    message = str(err.value)
    assert "Файл «f.csv», рядок 1" in message
    assert "«Назва»" in message and "«Щось»" in message


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"", "e.csv", "порожній"),
        (b"   \n", "e.csv", "порожній"),
        (b"\x00\x01\x02binary", "b.csv", "нульові байти"),
        (b"not a zip", "x.xlsx", "не є книгою Excel"),
        (b"PK\x03\x04garbage", "x.xlsx", "пошкоджено"),
        (b"whatever", "old.xls", ".xls"),
    ],
)
def test_bad_files_get_clear_errors(data, name, fragment):
    with pytest.raises(TabularError, match=fragment):
        open_table(data, name, COLUMNS)


def test_size_limit():
    with pytest.raises(TabularError, match="завеликий"):
        open_table(b"x" * 2000, "big.csv", COLUMNS, max_bytes=1000)


def test_control_characters_are_dropped():
    rows = list(open_table(_csv("Код;Назва\nP1;Ск\x07вер\x1b\n"), "f.csv", COLUMNS))
    assert rows[0].get("title") == "Сквер"


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_numbers_and_text():
    data = _xlsx(
        [
            ["Звіт"],
            [],
            ["Код", "Назва", "Вартість"],
            ["P1", "Сквер", 399500],
            ["P2", "Парк", "1 234,5"],
            [None, None, None],
        ]
    )
    table = open_table(data, "p.xlsx", COLUMNS, header_search_rows=5)
    rows = list(table)
    assert table.kind == "xlsx" and table.header_line == 3
    assert [parse_number(r.get("cost")) for r in rows] == [Decimal(399500), Decimal("1234.5")]
    assert [r.line for r in rows] == [4, 5]


def test_neutralise_formulas():
    assert [neutralise(v) for v in ["=1+2", "+38", "-x", "@SUM", "ok", 5]] == [
        "'=1+2",
        "'+38",
        "'-x",
        "'@SUM",
        "ok",
        5,
    ]


def test_write_csv_is_utf8_bom_and_safe():
    data = write_csv(
        ["Назва", "Сума", "Дата"], [["=HYPERLINK(1)", Decimal("1.50"), dt.date(2020, 11, 23)]]
    )
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text == "Назва,Сума,Дата\r\n'=HYPERLINK(1),1.50,2020-11-23\r\n"


def test_write_xlsx_round_trip():
    data = write_xlsx(["Назва", "Сума"], [["+1", Decimal("2.5")], ["Парк", 3]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["Назва", "Сума"],
        ["'+1", 2.5],
        ["Парк", 3],
    ]


@given(st.binary(max_size=400))
def test_reader_never_crashes_on_random_bytes(data):
    try:
        table = open_table(data, "fuzz.csv", COLUMNS)
        for row in table:
            assert row.line >= 1
    except TabularError as exc:
        assert str(exc).startswith("Файл «fuzz.csv»")


@given(st.text(alphabet="0123456789 ,.()-\u00a0", max_size=12))
def test_parse_number_only_raises_value_error(text):
    try:
        parse_number(text)
    except ValueError as exc:
        assert "не число" in str(exc)


@pytest.mark.parametrize(
    ("data", "line", "fragment"),
    [
        # Found by fuzzing the imports: a lone CR mid-line and an unclosed quote gave the csv
        # module's English text and no file name.
        (b"\x41\r\xd0\x9a\xd0\xbe\xd0\xb4;x\n", 1, "повернення каретки"),
        ("Код;Назва\nP1;А\nP2;Б\rВ\n".encode(), 3, "повернення каретки"),
    ],
)
def test_broken_csv_structure_is_explained_in_ukrainian(data, line, fragment):
    with pytest.raises(TabularError) as err:
        for _ in open_table(data, "f.csv", COLUMNS, header_search_rows=3):
            pass
    message = str(err.value)
    assert message.startswith(f"Файл «f.csv», рядок {line}: порушено структуру CSV")
    assert fragment in message and "new-line" not in message


def test_bom_with_bytes_that_are_not_utf8_is_a_clear_error():
    # Found by fuzzing: a UTF-8 BOM followed by invalid UTF-8 raised UnicodeDecodeError.
    data = "\ufeffКод;Назва\nP1;А\n".encode() + b"P2;\xc0\x9a\n"
    with pytest.raises(TabularError) as err:
        open_table(data, "f.csv", COLUMNS)
    message = str(err.value)
    assert message.startswith("Файл «f.csv», рядок 3: файл позначено як UTF-8")


def _rezip(data: bytes, part: str, change) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            dst.writestr(item, change(body) if item.filename == part else body)
    return out.getvalue()


def _book() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Код", "Назва"])
    for i in range(50):
        ws.append([f"P{i}", "Назва"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("part", "change", "line"),
    [
        # Found by fuzzing: damaged parts raised zlib.error, ParseError and others from openpyxl.
        ("xl/workbook.xml", lambda body: body[: len(body) // 2], None),
        ("docProps/core.xml", lambda body: b"<not xml", None),
        ("xl/worksheets/sheet1.xml", lambda body: body[: len(body) * 2 // 3], 2),
    ],
)
def test_damaged_xlsx_is_a_clear_error(part, change, line):
    data = _rezip(_book(), part, change)
    with pytest.raises(TabularError) as err:
        for _ in open_table(data, "book.xlsx", COLUMNS[:2]):
            pass
    assert err.value.file == "book.xlsx" and "файл пошкоджено" in str(err.value)
    if line is not None:  # the sheet is read lazily: the error names where reading stopped
        assert err.value.line is not None and err.value.line >= line


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        # Found by fuzzing: 10**20 or 1e300 from a spreadsheet broke Decimal.quantize
        # (InvalidOperation) and overflowed the database's NUMERIC and INTEGER columns.
        (10**20, "завелике число"),
        (1e300, "завелике число"),
        ("1 000 000 000 000 000", "завелике число"),
        (float("nan"), "не число"),
        (float("inf"), "не число"),
    ],
)
def test_numbers_beyond_any_amount_are_refused(value, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_number(value)


def test_the_largest_accepted_number():
    assert parse_number("-999 999 999 999 999,99") == Decimal("-999999999999999.99")


_CELL = st.text(alphabet=st.sampled_from(' \t\x01\x1f\x7f;"Аaї1-,'), max_size=5)


@given(st.lists(st.lists(_CELL, max_size=5), max_size=6), st.booleans())
def test_values_give_the_rows_iteration_gives(rows, as_xlsx):
    """``Table.values`` (the million-line reader) yields exactly what iterating the table does:
    cleaned cells, blank lines skipped, short rows padded with None, control characters
    dropped — on CSV and on XLSX (numbers and empty cells)."""
    names = ["code", "title", "cost", "absent"]
    if as_xlsx:
        book = Workbook()
        sheet = book.active
        sheet.append(["Код", "Назва", "Вартість"])
        for k, row in enumerate(rows):
            cleaned = [c.translate({1: None, 0x1F: None, 0x7F: None}) or None for c in row]
            sheet.append([*cleaned, k] if k % 2 else cleaned)
        out = io.BytesIO()
        book.save(out)
        data, name = out.getvalue(), "t.xlsx"
    else:
        text = "Код;Назва;Вартість\n" + "".join(
            ";".join('"' + c.replace('"', '""') + '"' for c in row) + "\n" for row in rows
        )
        data, name = text.encode("utf-8"), "t.csv"
    expected = [
        (row.line, tuple(row.get(n) for n in names)) for row in open_table(data, name, COLUMNS)
    ]
    assert list(open_table(data, name, COLUMNS).values(names)) == expected


_PLAIN = st.lists(st.text(" aЇ\t", max_size=3), min_size=2, max_size=4).map(";".join)
_ODD = st.lists(
    st.sampled_from([" ", "a", ";", '"', "\r", "\n", "\r\n", "\x01", "\t"]), max_size=12
).map("".join)


def _read(table_of, read):
    """What ``read`` gives of a fresh table, or the TabularError it raises (text, line)."""
    try:
        return list(read(table_of()))
    except TabularError as error:
        return ("error", str(error), error.line)


@given(
    st.lists(st.one_of(_PLAIN, _PLAIN, _PLAIN, _ODD), max_size=8),
    st.sampled_from(["\n", "\r\n", ""]),
    st.integers(min_value=1, max_value=4),
    st.booleans(),
)
def test_value_columns_give_the_values(lines, end, size, absent):
    """``Table.value_columns`` (plain chunks cut from the text, the others through the csv
    reader) gives the rows of ``Table.values`` and the same refusals: quotes, lone CRs, blank
    and short lines, control characters and tabs at any place of any chunk."""
    text = "Код;Назва;Вартість\r\n" + "\n".join(lines) + end
    names = ["code", "cost", "absent", "title"] if absent else ["title", "code", "cost"]

    def table():
        return open_table(text.encode("utf-8"), "t.csv", COLUMNS)

    def by_columns(table):
        for numbers, columns in table.value_columns(names, size):
            assert all(len(column) == len(numbers) for column in columns)
            yield from zip(numbers, zip(*columns, strict=True), strict=True)

    assert _read(table, by_columns) == _read(table, lambda t: t.values(names))


@given(st.integers(min_value=1, max_value=18278))
def test_column_letter_agrees_with_openpyxl(number):
    from openpyxl.utils import get_column_letter

    from civic.tabular import column_letter

    assert column_letter(number) == get_column_letter(number)
