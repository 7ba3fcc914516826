"""Petition fixtures: moderators and a factory that drives petitions through the services."""

import datetime as dt

import pytest

from civic import kyiv
from civic.extensions import db
from civic.petitions import services
from civic.petitions.signatures import confirm_signature, sign_petition
from tests.mail.smtp import smtp_server  # noqa: F401 (fixture)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return kyiv.to_utc(dt.datetime.combine(day, dt.time(hour)))


TEXT = (
    "Просимо міську раду облаштувати безпечний перехід біля школи, бо діти щодня "
    "переходять жваву дорогу без світлофора."
)


def published_now(moderator, title: str, text: str, author_name: str, author_email: str):
    """A petition submitted, confirmed and published by ``moderator`` just now (the real
    clock, as a served app sees it); flushed, not committed."""
    petition, _ = services.submit_petition(
        title, text, author_name, author_email, ip=None, now=services.utcnow()
    )
    services.confirm_petition(petition, now=services.utcnow())
    services.publish_petition(petition, actor=moderator, version=None, today=services.today_kyiv())
    return petition


def under_consideration(make_petition, moderator):
    """A petition that reached its threshold in 2020 and whose consideration started 2.11.2020."""
    petition = make_petition("collecting", on=dt.date(2020, 9, 1), signatures=1)
    petition.threshold = 1
    db.session.commit()
    services.start_consideration(
        petition,
        actor=moderator,
        version=None,
        notice_on=dt.date(2020, 11, 2),
        today=dt.date(2020, 11, 2),
    )
    db.session.commit()
    return petition


@pytest.fixture
def moderators(create_user):
    return (
        create_user("mod1", "moderator", full_name="Шевченко Марія"),
        create_user("mod2", "moderator", full_name="Ткаченко Олег"),
    )


@pytest.fixture
def make_petition(app, moderators):
    """``make_petition("collecting", on=date, signatures=n)`` → a committed Petition."""
    counter = iter(range(1, 10_000))

    def make(
        state: str = "moderation",
        *,
        on: dt.date = dt.date(2020, 11, 5),
        title: str | None = None,
        signatures: int = 0,
    ):
        n = next(counter)
        petition, token = services.submit_petition(
            title or f"Облаштувати пішохідний перехід біля школи № {n}",
            TEXT,
            "Автор Петиції Іванович",
            f"author{n}@example.com",
            ip="127.0.0.1",
            now=at(on, 9),
        )
        petition.raw_token = token
        if state != "unconfirmed":
            services.confirm_petition(petition, now=at(on))
        if state in ("collecting", "consideration", "not_supported", "answered"):
            services.publish_petition(petition, actor=moderators[0], version=None, today=on)
            for i in range(signatures):
                signature = sign_petition(
                    petition,
                    f"Підписант Номер {i}",
                    f"s{i}@example.com",
                    ip="10.0.0.1",
                    now=at(on, 12),
                )
                confirm_signature(signature, now=at(on, 13))
        db.session.commit()
        return petition

    return make


@pytest.fixture
def answered(make_petition, moderators):
    """A petition answered ("partly") on 10.11.2020 after its consideration started 2.11.2020."""
    petition = under_consideration(make_petition, moderators[0])
    services.record_answer(
        petition,
        actor=moderators[1],
        version=None,
        outcome="partly",
        text="Перехід облаштують навесні.",
        answered_on=dt.date(2020, 11, 10),
        today=dt.date(2020, 11, 10),
    )
    db.session.commit()
    return petition
