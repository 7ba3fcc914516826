"""Issue 16 point 4: no public page, API answer or export shows a running count (Decidim #12348).

An edition gets thousands of ballots with distinctive counts (4 817 votes for М-01, …). While
its count is open — ballots entered, then a working tally stored — every public URL of the PB
blueprint (taken from the app's url_map, so a new route is walked too) and every public page
without arguments is fetched, and none may show any count of the working tally in any digit
grouping; once the commission closes the count, the same walk shows them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from civic.extensions import db
from civic.pb import services
from civic.pb.publication import NOTICE, results_public
from civic.pb.stats import monthly_statistics

SLUG = "gb-2021"
# What a path argument of a public PB route may be; a new argument fails the walk until added.
ARGUMENTS = {
    "slug": lambda codes: [SLUG],
    "fmt": lambda codes: ["csv", "xlsx", "json", "pb", "pdf"],
    "ext": lambda codes: ["jpg", "png", "webp"],
    "milestone_id": lambda codes: [1],
    "code": lambda codes: codes,
}
SEPARATOR = r"(?:[\s\u00a0\u2009\u202f,.'’_]|&nbsp;|&#160;|&#8239;|&thinsp;)?"


def _pattern(number: int) -> re.Pattern:
    """``number`` in any digit grouping (4817, 4 817, 4 817, 4,817 …), not inside a longer
    number or a hexadecimal string such as a digest."""
    digits = str(number)
    head, groups = (
        digits[: len(digits) % 3 or 3],
        re.findall(r"\d{3}", digits[len(digits) % 3 or 3 :]),
    )
    body = SEPARATOR.join([re.escape(head), *groups])
    return re.compile(rf"(?<![0-9A-Fa-f]){body}(?![0-9A-Fa-f])")


def _counts(result: dict) -> set[int]:
    """Every count of a tally that is distinctive enough to look for (≥ 1 000)."""
    ballots = result["ballots"]
    numbers = {ballots["received"], ballots["valid"], ballots["invalid"]}
    numbers |= set(ballots["invalid_by_reason"].values())
    for channel in ballots["by_channel"].values():
        numbers |= {v for v in channel.values() if isinstance(v, int)}
    for project in result["projects"]:
        numbers |= {project["votes"], project["votes_paper"], project["votes_online"]}
    return {n for n in numbers if n >= 1000}


def _text(response) -> str:
    """What a reader of the answer sees: the text of a PDF, the cells of an XLSX, the body."""
    if response.mimetype == "application/pdf":
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        cells = (c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
        return "\n".join(str(c) for c in cells if c is not None)
    if response.mimetype.startswith("image/"):
        return ""
    return response.get_data(as_text=True)


def _public_urls(app, codes: list[str]) -> list[tuple[str, str]]:
    """(method, URL) of every public PB route for the edition, and every public page without
    arguments; a route with an argument the walk does not know fails here."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff/") or rule.endpoint == "static":
            continue
        if not rule.endpoint.startswith("pb.") and rule.arguments:
            continue
        unknown = rule.arguments - ARGUMENTS.keys()
        assert not unknown, f"{rule.rule}: say in ARGUMENTS what {unknown} may be"
        filled = [{}]
        for name in sorted(rule.arguments):
            filled = [{**f, name: v} for f in filled for v in ARGUMENTS[name](codes)]
        with app.test_request_context():
            for values in filled:
                url = app.url_for(rule.endpoint, **values)
                urls += [(m, url) for m in sorted(rule.methods & {"GET", "POST"})]
    return urls


def _walk(app, client, edition) -> dict[tuple[str, str], str]:
    codes = [p.code for p in services.list_projects(edition)]
    answers = {}
    for method, url in _public_urls(app, codes):
        data = {"form_number": "1", "last_four": "0001"} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code < 500, (method, url, response.status_code)
        answers[method, url] = _text(response)
    return answers


def _shown(answers: dict, numbers: set[int]) -> dict[int, list]:
    found = {}
    for number in numbers:
        where = [key for key, text in answers.items() if _pattern(number).search(text)]
        if where:
            found[number] = where
    return found


@pytest.mark.parametrize(
    ("status", "result", "public"),
    [
        ("draft", None, False),  # ballots being entered
        ("counted", {"digest": "x"}, False),  # a working tally stored
        ("closed", None, False),  # closed with no stored result (cannot happen; still hidden)
        ("closed", {"digest": "x"}, True),
    ],
)
def test_results_are_public_only_once_the_count_is_closed(status, result, public):
    edition = SimpleNamespace(is_closed=status == "closed", result=result)
    assert results_public(edition) is public


def test_the_pattern_finds_every_grouping_and_nothing_else():
    pattern = _pattern(4817)
    for text in ("4817", "4 817", "4\u00a0817", "4\u202f817", "4&nbsp;817", "4,817", "4.817"):
        assert pattern.search(f"<td>{text}</td>"), text
    for text in ("14817", "48170", "a4817", "4817f", "4 8170", "2020-11-10"):
        assert not pattern.search(text), text
    assert _pattern(9539).search("отримано 9 539,") and _pattern(1093).search(";1093;")


def test_no_public_place_shows_a_running_count_until_the_count_is_closed(app, client, voted):
    walked = _walk(app, client, voted)  # ballots entered, not yet counted
    assert any(url.startswith("/api/v1/pb/") for _, url in walked)
    assert any(url.endswith("/results.pdf") for _, url in walked)

    services.tally(voted, counted_on=dt.date(2020, 11, 23))
    db.session.commit()
    numbers = _counts(voted.result)
    assert {4817, 2963, 1854, 9539, 1093} <= numbers  # the fixture's distinctive counts
    assert _shown(walked, numbers) == {}
    counted = _walk(app, client, voted)  # a working tally is stored, the count still open
    assert _shown(counted, numbers) == {}
    page = counted["GET", f"/pb/{SLUG}"]
    assert NOTICE in page and "WORKOUT – смуга перешкод" in page
    assert "фінансується" not in page.lower() and "<svg" not in page
    assert NOTICE in counted["GET", f"/pb/{SLUG}/results.csv"]
    assert NOTICE in counted["GET", "/pb/"]

    services.close_edition(voted, on=dt.date(2020, 11, 23))
    db.session.commit()
    assert results_public(voted)
    published = _walk(app, client, voted)
    api = published["GET", f"/api/v1/pb/{SLUG}/results"]
    assert all(_pattern(n).search(api) for n in numbers)
    for url in (
        f"/pb/{SLUG}",
        *(f"/pb/{SLUG}/results.{f}" for f in ("csv", "xlsx", "json", "pdf")),
    ):
        assert _pattern(4817).search(published["GET", url]), url
    assert _pattern(9539).search(published["GET", f"/pb/{SLUG}"])
    assert NOTICE not in published["GET", f"/pb/{SLUG}"]


def test_the_api_says_why_there_are_no_totals(client, voted):
    services.tally(voted, counted_on=dt.date(2020, 11, 23))
    db.session.commit()
    open_answer = client.get(f"/api/v1/pb/{SLUG}/results")
    assert open_answer.status_code == 200
    assert open_answer.get_json() == {"edition": SLUG, "published": False, "notice": NOTICE}
    services.close_edition(voted, on=dt.date(2020, 11, 23))
    db.session.commit()
    closed = client.get(f"/api/v1/pb/{SLUG}/results").get_json()
    assert closed["published"] is True and closed["digest"] == voted.digest
    assert closed["ballots"]["received"] == 9539


def test_a_reopened_count_is_hidden_again(client, voted):
    services.close_edition(voted, on=dt.date(2020, 11, 23))
    db.session.commit()
    assert client.get(f"/pb/{SLUG}/results.csv").status_code == 200
    services.reopen_edition(voted, reason="Знайдено нерозкриту пачку бланків")
    db.session.commit()
    refused = client.get(f"/pb/{SLUG}/results.csv")
    assert refused.status_code == 404 and NOTICE in refused.get_data(as_text=True)
    assert client.get(f"/api/v1/pb/{SLUG}/results").get_json()["published"] is False
    assert not _pattern(4817).search(client.get(f"/pb/{SLUG}").get_data(as_text=True))


def test_the_commission_keeps_seeing_the_working_tally(client, voted, create_user, login):
    services.tally(voted, counted_on=dt.date(2020, 11, 23))
    db.session.commit()
    staff = f"/staff/pb/{SLUG}"
    anonymous = client.get(staff)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    create_user("member", "commission")
    login("member")
    page = client.get(staff).get_data(as_text=True)
    assert _pattern(9539).search(page) and "публічні сторінки" in page.lower()


def test_the_monthly_report_names_only_closed_counts(voted):
    november = (dt.date(2020, 11, 1), dt.date(2020, 11, 30))
    services.tally(voted, counted_on=dt.date(2020, 11, 23))
    db.session.commit()
    assert monthly_statistics(*november)["editions"] == []
    services.close_edition(voted, on=dt.date(2020, 11, 23))
    db.session.commit()
    (row,) = monthly_statistics(*november)["editions"]
    assert row["slug"] == SLUG and row["received"] == 9539
