"""Issue 12, point 12: the invalidation form reads its moments in Kyiv time, as pages show them.

Three signatures a minute apart straddle 10:00 Kyiv; the window's bounds decide which of them the
preview counts, so the count shows the UTC bound the form used (10:00 Kyiv = 07:00 UTC in summer,
08:00 UTC in winter).
"""

import datetime as dt
import re

import pytest

from civic.extensions import db
from civic.petitions import signatures
from civic.petitions.models import Petition, Signature

UTC = dt.UTC


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def signed(make_petition):
    """``signed(day, [moments])`` → a collecting petition with confirmed signatures at those UTC
    moments (e-mails s0@, s1@ ...)."""

    def make(day: dt.date, moments):
        petition = make_petition("collecting", on=day)
        for i, moment in enumerate(moments):
            signature = signatures.sign_petition(
                petition, f"Підписант {i}", f"k{i}@kyiv.example", ip="10.0.0.2", now=moment
            )
            signatures.confirm_signature(signature, now=moment + dt.timedelta(minutes=1))
        db.session.commit()
        return petition

    return make


def preview(client, petition, **fields):
    response = client.post(
        f"/staff/petitions/{petition.id}/invalidate", data={**fields, "step": "preview"}
    )
    text = response.get_data(as_text=True)
    found = re.search(r"Буде анульовано підписів: <strong>(\d+)</strong>", text)
    return response.status_code, (int(found[1]) if found else None), text


SEASONS = [
    # day, the UTC moment of 10:00 Kyiv, what a moderator types
    pytest.param(dt.date(2026, 7, 1), utc(2026, 7, 1, 7, 0), "01.07.2026 10:00", id="summer"),
    pytest.param(dt.date(2026, 12, 3), utc(2026, 12, 3, 8, 0), "03.12.2026 10:00", id="winter"),
]


@pytest.mark.parametrize(("day", "bound", "typed"), SEASONS)
def test_ten_oclock_kyiv_is_the_bound(client, login, signed, day, bound, typed):
    minute = dt.timedelta(minutes=1)
    petition = signed(day - dt.timedelta(days=1), [bound - minute, bound, bound + minute])
    login("mod1")
    iso = typed[6:10] + "-" + typed[3:5] + "-" + typed[0:2] + typed[10:]
    for text in (typed, iso):
        # From 10:00 Kyiv on: the signature of 10:00 and 10:01, not 09:59.
        assert preview(client, petition, signed_from=text)[:2] == (200, 2)
        # Up to 10:00 Kyiv: 09:59 and 10:00.
        assert preview(client, petition, signed_to=text)[:2] == (200, 2)
        # Exactly 10:00 Kyiv: the one signed at the bound in UTC.
        assert preview(client, petition, signed_from=text, signed_to=text)[:2] == (200, 1)


def test_applying_invalidates_what_the_preview_counted_in_kyiv_time(client, login, signed):
    bound = utc(2026, 7, 1, 7, 0)  # 10:00 Kyiv
    minute = dt.timedelta(minutes=1)
    petition = signed(dt.date(2026, 6, 30), [bound - minute, bound, bound + minute])
    # How the window is read, not the two-moderator rule (tests/petitions/test_integrity.py).
    client.application.config["PETITION_INVALIDATION_SOLO_SHARE"] = 1.0
    login("mod1")
    done = client.post(
        f"/staff/petitions/{petition.id}/invalidate",
        data={"signed_from": "01.07.2026 10:00", "reason": "Бот-атака", "step": "apply"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    invalid = db.session.scalars(
        db.select(Signature.created_at)
        .where(Signature.petition_id == petition.id, Signature.invalidated_at.is_not(None))
        .order_by(Signature.created_at)
    ).all()
    assert invalid == [bound, bound + minute]
    assert db.session.get(Petition, petition.id).signature_count == 1


def test_the_autumn_hour_that_happens_twice_is_covered_whole(client, login, signed):
    """25.10.2026 03:00–03:59 happens twice; 03:00–03:59 typed covers both passes."""
    first_pass, second_pass = utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)  # both 03:30
    petition = signed(dt.date(2026, 10, 20), [first_pass, second_pass, utc(2026, 10, 25, 2, 30)])
    login("mod1")
    status, count, _ = preview(
        client, petition, signed_from="25.10.2026 03:00", signed_to="25.10.2026 03:59"
    )
    assert (status, count) == (200, 2)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("signed_from", "29.03.2026 03:30", "Поле «Підписано з»: 29.03.2026 03:30 за київським"),
        ("signed_to", "31.02.2026 10:00", "Поле «Підписано до»: «31.02.2026 10:00»"),
        ("signed_from", "вчора", "ДД.ММ.РРРР ГГ:ХХ"),
    ],
)
def test_times_that_cannot_be_read_are_refused_in_ukrainian(
    client, login, signed, field, typed, message
):
    petition = signed(dt.date(2026, 7, 1), [utc(2026, 7, 1, 7, 0)])
    login("mod1")
    status, count, text = preview(client, petition, **{field: typed})
    assert status == 400 and count is None
    assert message in text, text[text.find("flash") :][:400]
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).signature_count == 1


def test_the_form_says_the_moments_are_kyiv_time(client, login, signed):
    petition = signed(dt.date(2026, 7, 1), [])
    login("mod1")
    page = client.get(f"/staff/petitions/{petition.id}/invalidate").get_data(as_text=True)
    assert "ДД.ММ.РРРР ГГ:ХХ, київський час" in page and "UTC" not in page
