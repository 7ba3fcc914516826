"""Fixtures of the PB tests: the real elections in ../shared/data/pabulib/ beside the repository."""

from pathlib import Path

import pytest

PABULIB = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pabulib"
HAVE_SHARED = PABULIB.is_dir()
# Tests of the real elections fail (through the ``shared_dir`` fixture) when they are absent.
needs_shared = pytest.mark.usefixtures("shared_dir")


def shared_files(*, exclude=(), only=None):
    """pytest params, one per shared .pb file (one failing param when the folder is absent)."""
    if not HAVE_SHARED:
        return [pytest.param(None, marks=needs_shared, id="no-shared-data")]
    params = []
    for path in sorted(PABULIB.glob("*.pb")):
        if path.name in exclude or (only is not None and not only(path)):
            continue
        params.append(pytest.param(path, id=path.stem))
    return params


def first_lines(path, stop="PROJECTS"):
    """The META section of a file as a dict, read cheaply (for choosing parameters)."""
    meta = {}
    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip() == stop:
                break
            key, _, value = line.strip().partition(";")
            meta[key] = value
    return meta


def vote_type(path):
    return first_lines(path).get("vote_type")


EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture
def edition(app):
    """The example edition with its projects and ballots (``docs/examples``), still open."""
    from civic.extensions import db
    from civic.pb import imports, services

    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    imports.import_ballots(edition, (EXAMPLES / "pb-ballots.csv").read_bytes(), "b.csv")
    db.session.commit()
    return edition


@pytest.fixture
def closed(edition):
    """The example edition counted and closed on 23.11.2020."""
    import datetime as dt

    from civic.extensions import db
    from civic.pb import services

    services.close_edition(edition, on=dt.date(2020, 11, 23))
    db.session.commit()
    return edition


# (channel, projects, how many, adult?) — М-01: 2 963 paper + 1 854 online = 4 817 votes.
MANY_BALLOTS = [
    ("паперовий", "М-01, В-01", 2963, True),
    ("онлайн", "М-01", 1854, True),
    ("паперовий", "М-04, В-01", 1372, True),
    ("онлайн", "М-04", 2257, True),
    ("паперовий", "М-04", 1093, False),  # under age: invalid
]


def many_ballots_csv() -> bytes:
    """The ballots of :data:`MANY_BALLOTS` as an import file, one voter (document) each."""
    lines = [
        "Номер бюлетеня;Канал;Дата голосування;ПІБ;Дата народження;Документ;Населений пункт;Проєкти"
    ]
    number = 0
    for channel, projects, count, adult in MANY_BALLOTS:
        born = "01.02.1980" if adult else "01.02.2010"
        for _ in range(count):
            number += 1
            lines.append(
                f"{number};{channel};10.11.2020;Виборець {number};{born};"
                f"НК {number:06d};Ніжин;{projects}"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def voted(app):
    """The example edition with 9 539 ballots of :data:`MANY_BALLOTS` imported, its count
    still open (distinctive counts to look for: tests/pb/test_no_live_counts.py)."""
    from civic.extensions import db
    from civic.pb import imports, services

    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    imports.import_ballots(edition, many_ballots_csv(), "many.csv")
    db.session.commit()
    return edition
