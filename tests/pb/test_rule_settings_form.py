"""Issue 19's rule settings through the edition form and the TOML: points per rank, the
completion share, exclusive groups — form post → edition → count → results page; an exclusive
group naming a code that is no project is refused with the group and the code."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from civic.extensions import db
from civic.pb import imports, pabulib, rules, services
from civic.pb.edition import parse_edition
from civic.pb.models import Edition
from tests.pb.test_edition_form import ENGLISH, new_edition_fields

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PROJECTS_CSV = (EXAMPLES / "pb-projects.csv").read_bytes()
BALLOTS_CSV = (EXAMPLES / "pb-ballots.csv").read_bytes()


def commission(create_user, login):
    create_user("member", "commission")
    login("member")


def example_edition(**changes) -> dict:
    """The example edition (gb-2021, whose projects and ballots are in docs/examples) as the
    form posts it."""
    from civic.pb.edition_form import form_data, posted

    config = parse_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    fields = posted(form_data(config))
    fields.update({"save": "Зберегти", **changes})
    return fields


def test_the_form_sets_points_completion_and_groups_and_the_count_follows(
    client, create_user, login
):
    commission(create_user, login)
    fields = example_edition(
        points="3, 2, 1",
        completion="80",
        exclusive="М-01, М-04\nМ-11, В-01",
        rule="greedy-no-skip",
    )
    assert client.post("/staff/pb/", data=fields).status_code == 302
    config = services.config_of(services.get_edition("gb-2021"))
    assert config.points == (3, 2, 1)
    assert config.completion == Decimal("0.8")
    assert config.exclusive == (("М-01", "М-04"), ("М-11", "В-01"))
    # The settings page shows them back in the form's own words.
    page = client.get("/staff/pb/gb-2021/settings").get_data(as_text=True)
    assert 'value="3, 2, 1"' in page and 'value="80"' in page and "М-01, М-04" in page
    assert "Бали за місця в бюлетені" in page and "Доплата з резерву" in page
    # Count it and read the public page: the settings in plain Ukrainian, no rule codes.
    edition = services.get_edition("gb-2021")
    imports.import_projects(edition, PROJECTS_CSV, "p.csv")
    imports.import_ballots(edition, BALLOTS_CSV, "b.csv")
    result = services.tally(edition)
    services.close_edition(edition, on=date(2020, 11, 23))
    db.session.commit()
    funded = {p["code"] for p in edition.result["projects"] if p["selected"]}
    assert not {"М-01", "М-04"} <= funded and not {"М-11", "В-01"} <= funded
    assert result.digest == edition.digest
    html = client.get("/pb/gb-2021").get_data(as_text=True)
    assert "за місця в бюлетені — 3, 2, 1" in html
    assert "щонайменше на 80 % вартості" in html
    assert "М-01 і М-04" in html and "М-11 і В-01" in html
    for code in ("greedy", "exclusive", "completion", "points"):
        assert code not in html.split("Правило підрахунку.")[1].split("</p>")[0]


def test_the_settings_round_trip_through_the_toml_download_and_upload(client, create_user, login):
    commission(create_user, login)
    fields = new_edition_fields(
        points="5, 3, 1", completion="87,5", exclusive="A-1, A-2, A-3\nB-1; B-2"
    )
    assert client.post("/staff/pb/", data=fields).status_code == 302
    original = services.config_of(services.get_edition("gb-2022"))
    assert original.completion == Decimal("0.875")
    toml = client.get("/staff/pb/gb-2022/settings.toml")
    text = toml.get_data(as_text=True)
    assert "points = [" in text and "[[exclusive]]" in text and 'completion = "0.875"' in text
    copy = toml.data.replace(b'"gb-2022"', b'"gb-2022-copy"')
    upload = client.post(
        "/staff/pb/",
        data={"toml_file": (io.BytesIO(copy), "gb.toml")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    again = services.config_of(services.get_edition("gb-2022-copy"))
    assert (again.points, again.completion, again.exclusive) == (
        (5, 3, 1),
        Decimal("0.875"),
        (("A-1", "A-2", "A-3"), ("B-1", "B-2")),
    )
    # Emptying the fields in the form clears the settings.
    cleared = new_edition_fields(slug="gb-2022-copy", points="", completion="", exclusive="")
    assert client.post("/staff/pb/gb-2022-copy/settings", data=cleared).status_code == 302
    plain = services.config_of(services.get_edition("gb-2022-copy"))
    assert (plain.points, plain.completion, plain.exclusive) == ((), None, ())


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"points": "три, два"}, "Бали за місця в бюлетені: цілі бали через кому"),
        ({"points": "1, 2"}, "«Бали за місця в бюлетені»: бали за нижче місце"),
        ({"points": "0"}, "«Бали за місця в бюлетені» має бути списком"),
        ({"points": ", ".join(["1"] * 101)}, "«Бали за місця в бюлетені» має бути списком"),
        ({"points": "9" * 12}, "Бали за місця в бюлетені: цілі бали через кому"),
        ({"completion": "1e2"}, "Доплата з резерву, % вартості: число від 1 до 100"),
        ({"completion": "0,5"}, "Доплата з резерву, % вартості: число від 1 до 100"),
        ({"completion": "120"}, "Доплата з резерву, % вартості: число від 1 до 100"),
        ({"completion": "вісімдесят"}, "Доплата з резерву, % вартості: число від 1 до 100"),
        ({"exclusive": "М-01"}, "Проєкти, які не можна реалізувати разом, рядок 1"),
        (
            {"exclusive": "М-01, М-04\nМ-07, М-07"},
            "Проєкти, які не можна реалізувати разом, рядок 2",
        ),
    ],
)
def test_bad_rule_settings_are_told_naming_the_field(client, create_user, login, changes, message):
    commission(create_user, login)
    page = client.post("/staff/pb/", data=new_edition_fields(**changes)).get_data(as_text=True)
    assert message in page
    assert not ENGLISH.search(page), ENGLISH.search(page)
    assert db.session.scalar(db.select(db.func.count(Edition.id))) == 0


def _with_projects(client, **changes):
    assert client.post("/staff/pb/", data=example_edition(**changes)).status_code == 302
    edition = services.get_edition("gb-2021")
    imports.import_projects(edition, PROJECTS_CSV, "p.csv")
    db.session.commit()
    return edition


def test_a_group_naming_no_project_is_refused_by_the_form_once_projects_exist(
    client, create_user, login
):
    commission(create_user, login)
    _with_projects(client)
    page = client.post(
        "/staff/pb/gb-2021/settings", data=example_edition(exclusive="М-01, М-04\nМ-01, М-99")
    ).get_data(as_text=True)
    assert "група 2 проєктів, які не можна реалізувати разом" in page
    assert "М-01, М-99" in page and "код «М-99», а такого проєкту у виданні немає" in page
    assert services.config_of(services.get_edition("gb-2021")).exclusive == ()


def test_a_group_naming_no_project_is_refused_by_a_toml_upload(client, create_user, login):
    commission(create_user, login)
    edition = _with_projects(client)
    text = services.edition_toml(edition) + '\n[[exclusive]]\nprojects = ["М-04", "Х-13"]\n'
    page = client.post("/staff/pb/gb-2021/settings", data={"config": text}).get_data(as_text=True)
    assert "група 1" in page and "код «Х-13»" in page
    assert services.config_of(services.get_edition("gb-2021")).exclusive == ()


def test_a_group_set_before_the_projects_stops_the_count_naming_group_and_code(
    client, create_user, login
):
    commission(create_user, login)
    assert (
        client.post("/staff/pb/", data=example_edition(exclusive="М-01, М-404")).status_code == 302
    )
    edition = services.get_edition("gb-2021")
    imports.import_projects(edition, PROJECTS_CSV, "p.csv")
    imports.import_ballots(edition, BALLOTS_CSV, "b.csv")
    db.session.commit()
    page = client.post("/staff/pb/gb-2021/tally", data={}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Підрахунок неможливий: група 1" in html and "код «М-404»" in html
    assert services.get_edition("gb-2021").result is None
    with pytest.raises(services.PbError, match="М-404"):
        services.tally(services.get_edition("gb-2021"))


def test_a_pabulib_comment_naming_no_project_in_a_group_is_refused():
    text = "\n".join(
        [
            "META",
            "key;value",
            "description;exclusive test",
            "num_projects;2",
            "num_votes;1",
            "budget;100",
            "vote_type;approval",
            "rule;greedy-exclusive",
            "comment;#1: projects 11, 12 and 77 could not be implemented simultaneously",
            "PROJECTS",
            "project_id;cost;votes;name;selected",
            "11;50;1;A;1",
            "12;50;0;B;0",
            "VOTES",
            "voter_id;vote",
            "1;11",
        ]
    )
    election = pabulib.read(text + "\n", strict=False)
    with pytest.raises(rules.RuleNotCounted) as caught:
        rules.outcome(election)
    assert "(11, 12, 77)" in str(caught.value) and "«77» у файлі немає" in str(caught.value)
