"""Every kind of mail the petitions send, through a real SMTP server: the subject a mail client
decodes is the one composed, spaces and all, and signers who opted in hear of the answer."""

import datetime as dt

from civic.extensions import db
from civic.mail.models import OutboxMessage
from civic.mail.sender import wait_for_delivery
from civic.mail.services import encode_subject
from civic.petitions import services
from civic.petitions.models import Signature
from civic.petitions.signatures import confirm_signature, sign_petition
from tests.petitions.conftest import TEXT, at

# The longest title the form accepts, in words long enough to make every subject fold.
LONG_TITLE = ("Відновлення освітлення і тротуарів на вулиці Гоголя біля ліцею " * 4)[:200].strip()
KINDS = {
    "petition.confirm",
    "petition.published",
    "petition.refused",
    "petition.signature",
    "petition.answered",
    "petition.answered_signer",
}


def _drive_every_mail(moderator, today: dt.date) -> None:
    """Submit, publish, refuse, sign and answer: each step mails someone (and commits, as the
    request that takes it does)."""
    on = dt.date(2020, 11, 5)
    petition, _ = services.submit_petition(
        LONG_TITLE, TEXT, "Коваленко Ірина Петрівна", "author@example.com", ip=None, now=at(on, 9)
    )
    services.confirm_petition(petition, now=at(on))
    services.publish_petition(petition, actor=moderator, version=None, today=on)
    db.session.commit()
    refused, _ = services.submit_petition(
        LONG_TITLE[:190] + " 2",
        TEXT,
        "Бондар Олег Іванович",
        "other@example.com",
        ip=None,
        now=at(on),
    )
    services.confirm_petition(refused, now=at(on))
    services.refuse_petition(
        refused, actor=moderator, version=None, reason_code="no_essence", today=on
    )
    db.session.commit()
    signatures = []
    for i, notify in enumerate((True, False, True)):
        signature = sign_petition(
            petition,
            f"Підписант Номер {i}",
            f"s{i}@example.com",
            ip="10.0.0.1",
            now=at(on, 12),
            notify_on_answer=notify,
        )
        confirm_signature(signature, now=at(on, 13))
        db.session.commit()
        signatures.append(signature)
    unconfirmed = sign_petition(
        petition,
        "Непідтверджений Підписант",
        "u@example.com",
        ip=None,
        now=at(on, 12),
        notify_on_answer=True,
    )
    assert unconfirmed.confirmed_at is None
    signatures[2].invalidated_at = at(on, 14)  # an invalidated signer hears nothing
    petition.threshold = 1
    db.session.flush()
    services.tick(today=petition.collection_ends_on + dt.timedelta(days=1))
    services.start_consideration(
        petition, actor=moderator, version=None, notice_on=petition.closed_on, today=today
    )
    services.record_answer(
        petition,
        actor=moderator,
        version=None,
        outcome="partly",
        text="Освітлення відновлять у 2021 році.",
        answered_on=petition.closed_on,
        today=today,
    )
    db.session.commit()


def test_every_subject_arrives_whole(app_factory, smtp_server, create_user):
    controller, inbox = smtp_server
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        moderator = create_user("mod1", "moderator", full_name="Шевченко Марія")
        _drive_every_mail(moderator, dt.date(2021, 1, 20))
        assert wait_for_delivery(app)
        db.session.expire_all()
        rows = list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))
    assert {row.category for row in rows} == KINDS
    assert [row.status for row in rows] == ["sent"] * len(rows)
    received = sorted(
        ((m["To"], str(m["Subject"])) for m in inbox.messages), key=lambda pair: pair[0]
    )
    composed = sorted(((row.recipient, row.subject) for row in rows), key=lambda pair: pair[0])
    assert received == composed
    # Folded on the wire (Cyrillic doubles in UTF-8, then grows by a third in base64): the
    # case that used to lose the space at the fold.
    assert all("\n" in encode_subject(subject) for _, subject in composed)


def test_answer_mail_goes_only_to_confirmed_valid_signers_who_asked(
    app_factory, smtp_server, create_user
):
    controller, inbox = smtp_server
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        moderator = create_user("mod1", "moderator")
        _drive_every_mail(moderator, dt.date(2021, 1, 20))
        assert wait_for_delivery(app)
        asked = set(
            db.session.scalars(
                db.select(Signature.email).where(Signature.notify_on_answer.is_(True))
            )
        )
    told = {m["To"] for m in inbox.messages if "яку ви підписали" in str(m["Subject"])}
    assert asked == {"s0@example.com", "s2@example.com", "u@example.com"}
    assert told == {"s0@example.com"}
    answer = next(
        m for m in inbox.messages if m["To"] == "s0@example.com" and "Відповідь" in m["Subject"]
    )
    assert "Освітлення відновлять" in answer.get_content()


def test_the_sign_form_offers_the_answer_mail_unticked(client, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    page = client.get(f"/petitions/{petition.id}").get_data(as_text=True)
    assert "Повідомити мене, коли петиція отримає відповідь" in page
    assert 'name="notify_on_answer"' in page and "checked" not in page
    for email, ticked in (("a@example.com", "y"), ("b@example.com", None)):
        data = {"full_name": "Коваль Ірина Петрівна", "email": email}
        if ticked:
            data["notify_on_answer"] = ticked
        assert client.post(f"/petitions/{petition.id}/sign", data=data).status_code == 201
    db.session.expire_all()
    chosen = dict(db.session.execute(db.select(Signature.email, Signature.notify_on_answer)).all())
    assert chosen == {"a@example.com": True, "b@example.com": False}
