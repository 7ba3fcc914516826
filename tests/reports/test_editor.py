"""Issue 14, point 9: the report editor names paragraphs in Ukrainian and moves them."""

import re

import pytest

from civic.extensions import db
from civic.reports.defaults import load_defaults
from civic.reports.editor import PARAGRAPH_LABELS, moved_to, paragraph_label, paragraph_order
from civic.reports.models import ReportVersion


def test_every_default_paragraph_has_a_ukrainian_label():
    for template in load_defaults().paragraphs:
        assert template.key in PARAGRAPH_LABELS
        assert not re.search(r"[a-z_]{3,}", paragraph_label(template.key))
    assert paragraph_label("added-2") == "Доданий абзац 2"


@pytest.mark.parametrize(
    ("move", "order"),
    [
        ("up:2", [0, 2, 1, 3]),
        ("down:0", [1, 0, 2, 3]),
        ("up:0", [0, 1, 2, 3]),
        ("down:3", [0, 1, 2, 3]),
        ("", None),
        ("up:9", None),
        ("sideways:1", [0, 1, 2, 3]),
    ],
)
def test_the_moves_of_the_arrow_buttons(move, order):
    assert paragraph_order(4, move) == order
    if order:
        assert order[moved_to(4, move)] == int(move.partition(":")[2])


def _generate(client) -> ReportVersion:
    assert client.post("/staff/reports/generate", data={"month": "2020-11"}).status_code == 302
    return db.session.scalars(db.select(ReportVersion).order_by(ReportVersion.id.desc())).first()


def _texts(page: str) -> list[str]:
    return re.findall(
        r'<textarea id="paragraph-\d+" name="paragraph"[^>]*>([^<]*)</textarea>', page
    )


def test_the_editor_labels_grows_and_reorders_paragraphs(client, head, november):
    version = _generate(client)
    page = client.get(f"/staff/reports/versions/{version.id}").get_data(as_text=True)
    assert "1. Вступ: напрями роботи відділу" in page
    assert "(intro)" not in page and "(petitions_duty)" not in page
    assert page.count("data-autogrow") >= len(version.content["paragraphs"])
    assert "js/staff.js" in page
    keys = [p["key"] for p in version.content["paragraphs"]]
    texts = _texts(page)
    response = client.post(
        f"/staff/reports/versions/{version.id}",
        data={
            "title": version.content["title"],
            "signer_position": "Т.в.о. начальника відділу",
            "signer_name": "О.О.Гук",
            "version": str(version.version_id),
            "paragraph": texts,
            "move": "up:1",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#paragraph-1")
    db.session.expire_all()
    moved = [p["key"] for p in db.session.get(ReportVersion, version.id).content["paragraphs"]]
    assert moved == [keys[1], keys[0], *keys[2:]]
    again = client.get(f"/staff/reports/versions/{version.id}").get_data(as_text=True)
    assert _texts(again)[0] == texts[1]


def test_pages_show_a_short_digest_with_a_copy_button(client, head, november):
    version = _generate(client)
    client.post(
        f"/staff/reports/versions/{version.id}/finalise",
        data={"version": str(version.version_id)},
    )
    db.session.expire_all()
    final = db.session.get(ReportVersion, version.id)
    history = client.get("/staff/reports/2020-11/").get_data(as_text=True)
    shown = re.sub(r"data-copy=\"[0-9a-f]{64}\"|title=\"[^\"]*\"", "", history)
    assert final.pdf_sha256 not in shown and f"{final.pdf_sha256[:12]}…" in history
    assert f'data-copy="{final.pdf_sha256}"' in history
