"""The map of winners: projects keep their coordinates (projects file, pabulib), the results
page draws a plain SVG of the winners' places (nothing fetched) or no map at all."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from civic.extensions import db
from civic.pb import imports, pabulib_import, services
from civic.pb.services import PbError

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
HEAD = "Код;Назва;Категорія;Вартість;Дата подання;Статус;Широта;Довгота\n"


def edition_with(projects_csv: str):
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, projects_csv.encode("utf-8"), "p.csv")
    imports.import_ballots(edition, (EXAMPLES / "pb-ballots.csv").read_bytes(), "b.csv")
    services.close_edition(edition, on=dt.date(2020, 11, 23))
    db.session.commit()
    return edition


def example_rows(places: dict[str, str]) -> str:
    rows = (EXAMPLES / "pb-projects.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    return HEAD + "".join(f"{r};{places.get(r.split(';')[0], ';')}\n" for r in rows)


def test_winners_with_coordinates_get_a_map_and_a_table(client, app):
    edition = edition_with(example_rows({"М-01": "51,05021;31,88471", "В-01": "51.03692;31.88156"}))
    place = {p.code: (p.latitude, p.longitude) for p in services.list_projects(edition)}
    assert place["М-01"] == (Decimal("51.050210"), Decimal("31.884710"))
    html = client.get(f"/pb/{edition.slug}").get_data(as_text=True)
    svg = html.split('aria-labelledby="pb-winners-map-t')[1].split("</svg>")[0]
    winners = {c for c in ("М-01", "В-01") if c in edition.result["selected"]}
    assert winners and svg.count('class="place"') == len(winners)
    assert "<image" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "пн. ш." in svg  # the text alternative names every place
    assert "Місця проєктів, що фінансуються" in html


def test_no_coordinates_no_map(client, app):
    edition = edition_with((EXAMPLES / "pb-projects.csv").read_text(encoding="utf-8-sig"))
    html = client.get(f"/pb/{edition.slug}").get_data(as_text=True)
    assert "pb-winners-map" not in html and 'id="map"' not in html


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("91;31,8", "«Широта»: «91» — градуси від −90 до 90"),
        ("51,0;200", "«Довгота»: «200» — градуси від −180 до 180"),
        ("51,0;", "вкажіть і широту, і довготу"),
        ("північ;31,8", "«Широта»"),
    ],
)
def test_bad_coordinates_are_refused_with_the_cell(app, cells, message):
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    text = HEAD + f"М-01;Сенсорна кімната;small;398 000,00;03.08.2020;допущено;{cells}\n"
    with pytest.raises(PbError) as error:
        imports.import_projects(edition, text.encode("utf-8"), "p.csv")
    assert "рядок 2" in str(error.value) and message in str(error.value)
    assert services.list_projects(edition) == []


def test_a_pabulib_file_keeps_latitude_and_longitude(app):
    text = (
        "META\nkey;value\nnum_projects;2\nnum_votes;2\nbudget;1000\nvote_type;approval\n"
        "rule;greedy\nPROJECTS\nproject_id;cost;name;latitude;longitude\n"
        "1;400;Сквер;50.0614;19.9366\n2;500;Лавки;;\n"
        "VOTES\nvoter_id;vote\na;1\nb;1,2\n"
    )
    edition = pabulib_import.import_pabulib(text, "with-places", "places.pb")
    place = {p.code: (p.latitude, p.longitude) for p in services.list_projects(edition)}
    assert place == {"1": (Decimal("50.061400"), Decimal("19.936600")), "2": (None, None)}
