"""Imports through the services: encodings, XLSX, bad input changes nothing, same file refused."""

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from civic.extensions import db
from civic.pb import imports, pabulib_import, services
from civic.pb.models import Ballot, Project
from civic.pb.services import PbError

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PROJECTS_CSV = (
    "Код;Назва;Категорія;Вартість;Дата подання;Статус\n"
    "М-01;Сенсорна кімната;small;398 000,00;03.08.2020;допущено\n"
    "М-04;WORKOUT – смуга перешкод;small;399 500,00;2020-08-12;допущено\n"
    "В-01;Дитячий майданчик;Великі проєкти;1401280.00;04.08.2020;\n"
    "М-11;Фонтан;small;950 000,00;;не допущено\n"
)
HEADER = (
    "Номер бюлетеня;Канал;Дата голосування;ПІБ;Дата народження;Документ;Населений пункт;Проєкти\n"
)


@pytest.fixture
def edition(app):
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, PROJECTS_CSV.encode("utf-8"), "projects.csv")
    db.session.commit()
    return edition


def count(model=Ballot):
    return db.session.scalar(select(func.count()).select_from(model))


def test_projects_import_reads_ukrainian_headers_and_costs(edition):
    projects = {p.code: p for p in services.list_projects(edition)}
    assert projects["М-04"].cost == 399500
    assert projects["В-01"].category_code == "large"
    assert projects["М-11"].is_admitted is False
    assert projects["М-01"].submitted_on == dt.date(2020, 8, 3)


def test_projects_file_with_errors_changes_nothing(edition):
    bad = "Код;Назва;Категорія;Вартість\nМ-20;Нове;small;дорого\nМ-21;;medium;100\n"
    with pytest.raises(PbError) as error:
        imports.import_projects(edition, bad.encode(), "bad.csv")
    db.session.rollback()
    text = str(error.value)
    assert "рядок 2, «Вартість»" in text
    assert "рядок 3, «Категорія»" in text and "рядок 3, «Назва»" in text
    assert count(Project) == 4


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_ballots_csv_in_any_encoding_and_delimiter(edition, encoding, delimiter):
    rows = [
        HEADER.replace(";", delimiter),
        delimiter.join(
            [
                "1",
                "паперовий",
                "10.11.2020",
                "Іваненко Іван",
                "01.02.1990",
                "НК123456",
                "м. Ніжин",
                '"М-01, В-01"',
            ]
        )
        + "\n",
        delimiter.join(
            [
                "2",
                "онлайн",
                "2020-11-11",
                "Петренко Ольга",
                "1985-03-04",
                "ТТ 000111",
                "Ніжин",
                "М-04",
            ]
        )
        + "\n",
    ]
    report = imports.import_ballots(edition, "".join(rows).encode(encoding), "b.csv")
    db.session.commit()
    assert report.rows == 2
    ballot = db.session.scalar(select(Ballot).where(Ballot.ballot_id == "1"))
    assert ballot.full_name == "Іваненко Іван" and ballot.channel == "paper"
    assert ballot.projects == "М-01,В-01"
    assert ballot.voter_hash == services.personal_hash("HK 123456")  # Latin look-alikes
    assert "123456" not in (ballot.voter_hash or "")
    result = services.tally(edition)
    assert result.valid == 2


def test_ballots_xlsx(edition):
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "ballot_id",
            "channel",
            "cast_on",
            "full_name",
            "birth_date",
            "document",
            "settlement",
            "projects",
        ]
    )
    sheet.append(
        [
            7,
            "online",
            dt.datetime(2020, 11, 12),
            "Сидоренко Петро",
            dt.datetime(2001, 1, 1),
            "АА 777",
            "Ніжин",
            "М-01,В-01",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    report = imports.import_ballots(edition, buffer.getvalue(), "b.xlsx")
    assert report.rows == 1
    ballot = db.session.scalar(select(Ballot))
    assert (ballot.ballot_id, ballot.cast_on, ballot.birth_date) == (
        "7",
        dt.date(2020, 11, 12),
        dt.date(2001, 1, 1),
    )


def test_impossible_date_rejects_the_whole_file_with_line_and_column(edition):
    lines = [HEADER] + [
        f"{k};паперовий;10.11.2020;Особа {k};01.02.1990;НК{k:06d};Ніжин;М-01\n"
        for k in range(1, 16)
    ]
    lines.append("16;паперовий;10.11.2020;Особа;31.02.2004;НК999999;Ніжин;М-01\n")
    lines.append("17;поштою;10.11.2020;Особа;01.01.2000;НК999998;Ніжин;М-01\n")
    with pytest.raises(PbError) as error:
        imports.import_ballots(edition, "".join(lines).encode(), "votes.csv")
    db.session.rollback()
    problems = error.value.problems
    assert (
        problems[0]
        == "Файл «votes.csv», рядок 17, «Дата народження»: 31.02.2004 — такої дати не існує"
    )
    assert "рядок 18, «Канал»" in problems[1]
    assert count() == 0


def test_empty_fields_are_not_input_errors_but_missing_data(edition):
    data = (HEADER + "1;паперовий;10.11.2020;;;;Ніжин;М-01\n").encode()
    imports.import_ballots(edition, data, "v.csv")
    result = services.tally(edition)
    assert result.invalid_by_reason["missing_data"] == 1


def test_structural_error_changes_nothing(edition):
    with pytest.raises(PbError, match="не знайдено обов'язкових стовпців"):
        imports.import_ballots(edition, b"a;b\n1;2\n", "x.csv")
    with pytest.raises(PbError, match="порожній"):
        imports.import_ballots(edition, b"", "empty.csv")
    db.session.rollback()
    assert count() == 0


def test_same_file_is_refused_and_repeated_ballot_numbers_are_errors(edition):
    data = (HEADER + "1;онлайн;10.11.2020;А Б;01.01.1990;НК1;Ніжин;М-01\n").encode()
    imports.import_ballots(edition, data, "a.csv")
    db.session.commit()
    with pytest.raises(PbError, match="уже імпортовано"):
        imports.import_ballots(edition, data, "a-copy.csv")
    other = (HEADER + "1;онлайн;11.11.2020;А Б;01.01.1990;НК1;Ніжин;М-04\n").encode()
    with pytest.raises(PbError) as error:
        imports.import_ballots(edition, other, "b.csv")
    db.session.rollback()
    assert "бюлетень № 1 уже є" in str(error.value)
    assert count() == 1


def test_example_ballots_file_loads(edition):
    data = (EXAMPLES / "pb-ballots.csv").read_bytes()
    report = imports.import_ballots(edition, data, "pb-ballots.csv")
    assert report.rows >= 5
    result = services.tally(edition)
    assert result.received == report.rows


def test_example_projects_file_loads(app):
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    n = imports.import_projects(
        edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "pb-projects.csv"
    )
    assert n >= 3


@pytest.mark.parametrize("key", ["max_length", "min_project_score_threshold"])
def test_pabulib_meta_number_that_is_not_a_number_is_refused(app, key):
    # Found by fuzzing: «max_length;-» raised a bare ValueError from the service.
    text = (
        "META\nkey;value\nnum_projects;1\nnum_votes;1\nbudget;1000\nvote_type;approval\n"
        f"{key};-\nPROJECTS\nproject_id;cost\n1;400\nVOTES\nvoter_id;vote\na;1\n"
    )
    with pytest.raises(PbError) as err:
        pabulib_import.import_pabulib(text, "meta-test", "vote.pb")
    assert str(err.value) == f"Файл «vote.pb», рядок 7: «{key}» — «-» не є числом"
    db.session.rollback()
    assert services.get_edition("meta-test") is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        # Found by fuzzing: an overlong code or title and an enormous cost reached the database
        # (a DataError on PostgreSQL) or broke Decimal arithmetic.
        ("К" * 41 + ";Назва;small;100", "«Код»: код проєкту задовгий (до 40 знаків)"),
        ("М-99;" + "Н" * 401 + ";small;100", "«Назва»: назва задовга (401 знаків; до 400)"),
        ("М-99;Назва;small;1 000 000 000 000", "«Вартість»: «1 000 000 000 000» — завелика"),
        ("М-99;Назва;small;99999999999999999999", "«Вартість»: «99999999999999999999» — завелике"),
    ],
)
def test_projects_the_database_cannot_hold_are_refused(edition, row, message):
    data = f"Код;Назва;Категорія;Вартість\n{row}\n".encode()
    with pytest.raises(PbError) as err:
        imports.import_projects(edition, data, "p.csv")
    assert err.value.problems and err.value.problems[0].startswith("Файл «p.csv», рядок 2")
    assert message in err.value.problems[0]
    db.session.rollback()
    assert count(Project) == 4


PABULIB_HEAD = (
    "META\nkey;value\nnum_projects;1\nnum_votes;2\nbudget;{budget}\nvote_type;approval\n"
    "PROJECTS\nproject_id;cost\n{project};{cost}\nVOTES\nvoter_id;vote\n{first};{project}\n"
    "b;{project}\n"
)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        # Found by fuzzing: a repeated voter id broke the unique index (IntegrityError); an
        # overlong project id or an enormous cost or budget overflowed PostgreSQL's columns.
        ({"first": "b"}, "рядок 13: виборець «b» повторюється (уперше — у голосі № 1)"),
        ({"project": "P" * 41}, "рядок 9: ідентифікатор проєкту задовгий (41 знаків; до 40)"),
        ({"cost": "10" + "0" * 12}, "рядок 9: вартість проєкту «1» поза допустимими межами"),
        ({"budget": "10" + "0" * 12}, "рядок 5: бюджет поза допустимими межами"),
    ],
)
def test_pabulib_files_the_database_cannot_hold_are_refused(app, values, message):
    text = PABULIB_HEAD.format(
        **{"budget": 1000, "project": "1", "cost": 400, "first": "a", **values}
    )
    with pytest.raises(PbError) as err:
        pabulib_import.import_pabulib(text, "too-much", "vote.pb")
    assert str(err.value) == f"Файл «vote.pb», {message}"
    db.session.rollback()
    assert services.get_edition("too-much") is None


def test_pabulib_max_length_beyond_any_ballot_is_refused(app):
    # Found by fuzzing: «max_length;99999999999» reached an INTEGER column (OverflowError).
    text = PABULIB_HEAD.format(budget=1000, project="1", cost=400, first="a").replace(
        "vote_type;approval\n", "vote_type;approval\nmax_length;99999999999\n"
    )
    with pytest.raises(PbError) as err:
        pabulib_import.import_pabulib(text, "too-long", "vote.pb")
    assert str(err.value) == (
        "Файл «vote.pb», рядок 7: «max_length» — «99999999999» поза допустимими межами"
    )
    db.session.rollback()
    assert services.get_edition("too-long") is None
