"""The petition page's signatures-over-time chart: running totals per Kyiv day and its table."""

import datetime as dt

import pytest

from civic.extensions import db
from civic.petitions import services
from civic.petitions.progress import chart_span, running_totals
from civic.petitions.queries import signatures_by_day
from civic.petitions.signatures import confirm_signature, sign_petition
from tests.petitions.conftest import at

D = dt.date


@pytest.mark.parametrize(
    ("per_day", "first", "last", "expected"),
    [
        ([], D(2026, 1, 1), D(2026, 1, 2), [(D(2026, 1, 1), 0, 0), (D(2026, 1, 2), 0, 0)]),
        (
            [(D(2026, 1, 1), 2), (D(2026, 1, 3), 5)],
            D(2026, 1, 1),
            D(2026, 1, 4),
            [
                (D(2026, 1, 1), 2, 2),
                (D(2026, 1, 2), 0, 2),
                (D(2026, 1, 3), 5, 7),
                (D(2026, 1, 4), 0, 7),
            ],
        ),
        # Signatures before the first day shown still count in its total.
        (
            [(D(2025, 12, 31), 4), (D(2026, 1, 1), 1)],
            D(2026, 1, 1),
            D(2026, 1, 1),
            [(D(2026, 1, 1), 1, 5)],
        ),
    ],
)
def test_running_totals_keep_every_day_and_every_signature(per_day, first, last, expected):
    assert running_totals(per_day, first, last) == expected


def test_the_span_runs_from_publication_to_today_or_the_end_of_collection():
    per_day = [(D(2026, 1, 5), 1), (D(2026, 1, 9), 1)]
    assert chart_span([], D(2026, 1, 1), None, D(2026, 2, 1)) is None
    assert chart_span(per_day, D(2026, 1, 1), D(2026, 3, 1), D(2026, 1, 20)) == (
        D(2026, 1, 1),
        D(2026, 1, 20),
    )
    assert chart_span(per_day, D(2026, 1, 1), D(2026, 1, 15), D(2026, 2, 1))[1] == D(2026, 1, 15)
    assert chart_span(per_day, None, None, D(2026, 1, 7)) == (D(2026, 1, 5), D(2026, 1, 9))


def test_the_petition_page_shows_the_chart_and_the_table(client, make_petition):
    on = services.today_kyiv() - dt.timedelta(days=3)
    petition = make_petition("collecting", on=on, signatures=2)
    later = on + dt.timedelta(days=2)
    for i in range(3):
        signature = sign_petition(
            petition,
            f"Пізній Підписант {'абв'[i]}",
            f"late{i}@example.com",
            ip="10.0.0.2",
            now=at(later, 11),
        )
        confirm_signature(signature, now=at(later, 23))  # 23:00 in Kyiv: still that day
    db.session.commit()
    html = client.get(f"/petitions/{petition.id}").get_data(as_text=True)
    assert 'role="img"' in html and "Підписи під петицією за днями" in html
    # One column per day from publication to today, and a table of the days with signatures.
    assert html.count('<rect class="bar"') == 4
    threshold = services.petition_threshold(petition)
    assert f"Потрібно: {threshold:,}".replace(",", "\u00a0") in html
    rows = html.split("Підписи за днями (лише дні з новими підписами)")[1].split("</table>")[0]
    assert rows.count("<tr>") == 3  # the header and two days
    assert "<td>2</td><td>2</td>" in rows and "<td>3</td><td>5</td>" in rows


def test_no_chart_before_anyone_signs(client, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    html = client.get(f"/petitions/{petition.id}").get_data(as_text=True)
    assert "petition-progress" not in html


@pytest.mark.parametrize(
    "winter_or_summer", [dt.date(2026, 1, 14), dt.date(2026, 7, 14)], ids=["UTC+2", "UTC+3"]
)
def test_days_are_kyiv_days_on_either_side_of_midnight(make_petition, winter_or_summer):
    """Confirmations at 23:30 and 00:30 Kyiv time count on two days, in winter and in summer."""
    petition = make_petition("collecting", on=winter_or_summer - dt.timedelta(days=5))
    day = winter_or_summer
    moments = [at(day, 10), at(day, 23) + dt.timedelta(minutes=30)]
    moments += [at(day + dt.timedelta(days=1), 0) + dt.timedelta(minutes=30)] * 2
    for i, moment in enumerate(moments):
        signature = sign_petition(
            petition,
            f"Опівнічний Підписант {'абвг'[i]}",
            f"night{i}@example.com",
            ip="10.0.0.3",
            now=moment - dt.timedelta(minutes=5),
        )
        confirm_signature(signature, now=moment)
    db.session.commit()
    assert signatures_by_day(petition) == [(day, 2), (day + dt.timedelta(days=1), 2)]
