"""Petition services on both databases: the lifecycle with real rows, mail and audit."""

import datetime as dt

import pytest
from sqlalchemy.orm.exc import StaleDataError

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.mail.models import OutboxMessage
from civic.petitions import invalidation, locks, opendata, queries, retention, services, signatures
from civic.petitions.lifecycle import REFUSAL_BY_CODE, REFUSAL_REASONS
from civic.petitions.models import Petition, Signature
from tests.petitions.conftest import at
from tests.petitions.test_formats import NATIONAL_HEADER

D = dt.date


def events(action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


def test_submission_mails_a_link_and_confirmation_starts_the_clock(make_petition):
    petition = make_petition("unconfirmed", on=D(2020, 11, 5))
    assert petition.state == "unconfirmed"
    mail = db.session.scalar(db.select(OutboxMessage))
    assert petition.raw_token in mail.body and mail.recipient == petition.author_email
    assert petition.author_token_hash != petition.raw_token  # stored hashed
    found = services.petition_by_author_token(petition.raw_token)
    services.confirm_petition(found, now=at(D(2020, 11, 5)))
    db.session.commit()
    assert petition.state == "moderation"
    assert petition.moderation_due_on == D(2020, 11, 9)
    assert petition.calendar_version == services.get_calendar().version
    with pytest.raises(services.PetitionError, match="Дія неможлива"):
        services.confirm_petition(found, now=at(D(2020, 11, 6)))


def test_author_withdraws_only_before_publication(make_petition, moderators):
    petition = make_petition("moderation")
    services.withdraw_petition(petition, today=D(2020, 11, 6))
    assert petition.state == "withdrawn"
    published = make_petition("collecting", on=D(2020, 11, 5))
    with pytest.raises(services.PetitionError):
        services.withdraw_petition(published, today=D(2020, 11, 6))


def test_publish_sets_collection_and_notifies_author(make_petition, moderators):
    petition = make_petition("moderation", on=D(2020, 11, 5))
    services.publish_petition(
        petition, actor=moderators[0], version=petition.version_id, today=D(2020, 11, 6)
    )
    db.session.commit()
    assert petition.state == "collecting"
    assert petition.collection_ends_on == D(2021, 1, 4)
    assert petition.threshold == 250 and petition.author_token_hash is None
    assert events("petition.published")[0].details["in_time"] is True
    assert any("оприлюднено" in m.subject for m in db.session.scalars(db.select(OutboxMessage)))


@pytest.mark.parametrize("reason", [r.code for r in REFUSAL_REASONS])
def test_refusal_per_reason(make_petition, moderators, reason):
    spec = REFUSAL_BY_CODE[reason]
    original = make_petition("collecting")
    petition = make_petition("moderation")
    first, second = moderators
    services.refuse_petition(
        petition,
        actor=first,
        version=petition.version_id,
        reason_code=reason,
        explanation="Пояснення модератора",
        duplicate_of_id=original.id if reason == "duplicate" else None,
        today=D(2020, 11, 6),
    )
    if spec.needs_second_moderator:
        assert petition.state == "refusal_pending"
        with pytest.raises(services.PetitionError, match="інший модератор"):
            services.confirm_refusal(petition, actor=first, version=None, today=D(2020, 11, 6))
        services.confirm_refusal(petition, actor=second, version=None, today=D(2020, 11, 9))
    assert petition.state == "refused"
    assert petition.is_text_hidden is spec.is_hidden
    assert petition.refusal_reason_code == reason
    event = events("petition.refused")[0]
    assert event.details["legal_basis"] == spec.legal_basis
    assert event.details["in_time"] is True  # decided by 09.11.2020


def test_refusal_needs_its_specifics(make_petition, moderators):
    petition = make_petition("moderation")
    with pytest.raises(services.PetitionError) as other:
        services.refuse_petition(
            petition, actor=moderators[0], version=None, reason_code="other", today=D(2020, 11, 6)
        )
    assert other.value.field == "explanation"
    with pytest.raises(services.PetitionError) as dup:
        services.refuse_petition(
            petition,
            actor=moderators[0],
            version=None,
            reason_code="duplicate",
            duplicate_of_id=99999,
            today=D(2020, 11, 6),
        )
    assert dup.value.field == "duplicate_of"
    with pytest.raises(services.PetitionError):
        services.refuse_petition(
            petition,
            actor=moderators[0],
            version=None,
            reason_code="nonexistent",
            today=D(2020, 11, 6),
        )
    assert petition.state == "moderation"


def test_second_moderator_may_reject_the_proposal(make_petition, moderators):
    petition = make_petition("moderation")
    services.refuse_petition(
        petition, actor=moderators[0], version=None, reason_code="terrorism", today=D(2020, 11, 6)
    )
    services.reject_refusal(petition, actor=moderators[1], version=None)
    assert petition.state == "moderation" and petition.refusal_reason_code is None


def test_restore_gives_a_fresh_clock(make_petition, moderators, create_user):
    admin = create_user("boss", "admin")
    petition = make_petition("moderation")
    services.refuse_petition(
        petition,
        actor=moderators[0],
        version=None,
        reason_code="spam_nonsense",
        today=D(2020, 11, 6),
    )
    services.restore_petition(petition, actor=admin, version=None, today=D(2020, 11, 13))
    assert petition.state == "moderation" and not petition.is_text_hidden
    assert petition.moderation_due_on == D(2020, 11, 17)
    assert events("petition.restored")[0].details["previous_reason"] == "spam_nonsense"


def test_correction_keeps_the_diff(make_petition, moderators):
    petition = make_petition("moderation", title="Облаштувати пішохідний перхід")
    services.correct_petition(
        petition,
        actor=moderators[0],
        version=petition.version_id,
        title="Облаштувати пішохідний перехід",
        text=petition.text,
    )
    db.session.commit()
    diff = events("petition.corrected")[0].details["diff"]
    assert "-Облаштувати пішохідний перхід" in diff and "+Облаштувати пішохідний перехід" in diff


def test_stale_version_is_refused(make_petition, moderators):
    petition = make_petition("moderation")
    old = petition.version_id
    services.correct_petition(
        petition,
        actor=moderators[0],
        version=old,
        title="Інша назва петиції про перехід",
        text=petition.text,
    )
    db.session.commit()
    with pytest.raises(services.StaleEdit, match="інший модератор"):
        services.publish_petition(petition, actor=moderators[1], version=old, today=D(2020, 11, 6))


def test_concurrent_sessions_never_overwrite(app, make_petition, moderators):
    """A second session saving an older row version fails (version_id_col)."""
    petition = make_petition("moderation")
    session2 = db.session.session_factory()
    try:
        copy = session2.get(Petition, petition.id)
        services.correct_petition(
            petition,
            actor=moderators[0],
            version=None,
            title="Перша правка назви петиції",
            text=petition.text,
        )
        db.session.commit()
        copy.title = "Друга правка назви петиції"
        with pytest.raises(StaleDataError):
            session2.commit()
    finally:
        session2.rollback()
        session2.close()
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).title == "Перша правка назви петиції"


def test_soft_lock_shows_who_works_and_does_not_bump_version(make_petition, moderators):
    petition = make_petition("moderation")
    version = petition.version_id
    now = at(D(2020, 11, 6))
    assert locks.open_for_moderation(petition, moderators[0], now=now).holder is None
    db.session.commit()
    db.session.expire_all()
    petition = db.session.get(Petition, petition.id)
    assert petition.version_id == version
    assert locks.open_for_moderation(petition, moderators[1], now=now).holder == "Шевченко М."
    later = now + dt.timedelta(minutes=locks.LOCK_MINUTES + 1)
    assert locks.open_for_moderation(petition, moderators[1], now=later).holder is None


def test_signing_confirms_once_and_refuses_duplicates(make_petition):
    petition = make_petition("collecting", on=D(2020, 11, 5))
    signature = signatures.sign_petition(
        petition,
        "Коваль Ірина Петрівна",
        " Iryna@Example.com ",
        ip="10.1.1.1",
        now=at(D(2020, 11, 6)),
    )
    assert signature.email == "iryna@example.com" and signature.token_hash
    assert petition.signature_count == 0
    # A second unconfirmed attempt (after the mail window) re-sends a link instead of adding a row.
    again = signatures.sign_petition(
        petition, "Коваль Ірина", "IRYNA@example.com", ip=None, now=at(D(2020, 11, 6), 11)
    )
    assert again.id == signature.id
    mails = [m for m in db.session.scalars(db.select(OutboxMessage)) if "підпис" in m.subject]
    assert len(mails) == 2
    token = mails[-1].body.split("/petitions/signatures/")[1].split()[0]
    found = signatures.signature_by_token(token)
    signatures.confirm_signature(found, now=at(D(2020, 11, 6)))
    db.session.commit()
    assert petition.signature_count == 1
    assert signatures.signature_by_token(token) is None  # one-time
    with pytest.raises(services.PetitionError, match="вже підписано"):
        signatures.sign_petition(
            petition, "Коваль Ірина", "iryna@example.com", ip=None, now=at(D(2020, 11, 7))
        )


def test_signing_only_while_collecting(make_petition):
    petition = make_petition("moderation")
    with pytest.raises(services.PetitionError, match="не триває"):
        signatures.sign_petition(
            petition, "Коваль Ірина", "i@example.com", ip=None, now=at(D(2020, 11, 6))
        )
    collecting = make_petition("collecting", on=D(2020, 11, 5))
    late = collecting.collection_ends_on + dt.timedelta(days=1)
    with pytest.raises(services.PetitionError):
        signatures.sign_petition(collecting, "Коваль Ірина", "i@example.com", ip=None, now=at(late))


def test_tick_records_what_pages_compute(app, make_petition, moderators):
    reached = make_petition("collecting", on=D(2020, 9, 1), signatures=3)
    missed = make_petition("collecting", on=D(2020, 9, 1), signatures=1)
    reached.threshold = missed.threshold = 2
    db.session.commit()
    today = D(2020, 11, 1)
    on_read = {p.id: queries.effective_state(p, today) for p in (reached, missed)}
    assert services.tick(today=D(2020, 10, 30)) == []
    changed = services.tick(today=today)
    db.session.commit()
    assert {p.id: p.state_enum for p in changed} == on_read
    assert reached.state == "consideration" and reached.closed_on == D(2020, 10, 31)
    assert missed.state == "not_supported" and missed.answer_due_on == D(2020, 11, 15)
    assert services.tick(today=today) == []  # idempotent
    services.start_consideration(
        reached, actor=moderators[0], version=None, notice_on=D(2020, 11, 2), today=D(2020, 11, 2)
    )
    assert reached.answer_due_on == D(2020, 11, 16)
    services.record_answer(
        reached,
        actor=moderators[0],
        version=None,
        outcome="supported",
        text="Підтримано.",
        answered_on=D(2020, 11, 10),
        today=D(2020, 11, 10),
    )
    services.archive_petition(reached, actor=moderators[0], version=None, today=D(2020, 12, 1))
    assert reached.state == "archived"


def test_answer_validation(make_petition, moderators):
    petition = make_petition("collecting", on=D(2020, 9, 1), signatures=1)
    petition.threshold = 1
    with pytest.raises(services.PetitionError) as future:
        services.record_answer(
            petition,
            actor=moderators[0],
            version=None,
            outcome="supported",
            text="Так",
            answered_on=D(2020, 12, 2),
            today=D(2020, 12, 1),
        )
    assert future.value.field == "answered_on"
    with pytest.raises(services.PetitionError) as outcome:
        services.record_answer(
            petition,
            actor=moderators[0],
            version=None,
            outcome="maybe",
            text="Так",
            answered_on=D(2020, 12, 1),
            today=D(2020, 12, 1),
        )
    assert outcome.value.field == "outcome"
    with pytest.raises(services.PetitionError) as link:
        services.record_answer(
            petition,
            actor=moderators[0],
            version=None,
            outcome="supported",
            text="Так",
            url="javascript:alert(1)",
            answered_on=D(2020, 12, 1),
            today=D(2020, 12, 1),
        )
    assert link.value.field == "url"


def test_take_down_keeps_reason(make_petition, moderators):
    petition = make_petition("collecting")
    with pytest.raises(services.PetitionError):
        services.take_down_petition(
            petition, actor=moderators[0], version=None, reason=" ", today=D(2020, 11, 10)
        )
    services.take_down_petition(
        petition,
        actor=moderators[0],
        version=None,
        reason="Автор не подавав петицію.",
        today=D(2020, 11, 10),
    )
    assert petition.state == "taken_down"
    assert events("petition.taken_down")[0].details["reason"] == "Автор не подавав петицію."


def test_bulk_invalidation_preview_and_apply(app, make_petition, moderators):
    app.config["PETITION_INVALIDATION_SOLO_SHARE"] = 1.0  # one moderator may (test_integrity)
    petition = make_petition("collecting", on=D(2020, 11, 5))
    for i, (domain, ip) in enumerate(
        [
            ("spam.test", "203.0.113.5"),
            ("spam.test", "203.0.113.9"),
            ("ukr.net", "203.0.113.7"),
            ("ukr.net", "93.72.1.1"),
        ]
    ):
        sig = signatures.sign_petition(
            petition, f"Особа {i}", f"x{i}@{domain}", ip=ip, now=at(D(2020, 11, 6), 10 + i)
        )
        signatures.confirm_signature(sig, now=at(D(2020, 11, 6), 10 + i))
    db.session.commit()
    by_domain = invalidation.InvalidationCriteria(email_domain="spam.test")
    by_net = invalidation.InvalidationCriteria(ip_network="203.0.113.0/24")
    window = invalidation.InvalidationCriteria(
        signed_from=at(D(2020, 11, 6), 12), signed_to=at(D(2020, 11, 6), 14)
    )
    assert invalidation.preview_invalidation(petition, by_domain) == 2
    assert invalidation.preview_invalidation(petition, by_net) == 3
    assert invalidation.preview_invalidation(petition, window) == 2
    with pytest.raises(services.PetitionError, match="хоча б одну умову"):
        invalidation.preview_invalidation(petition, invalidation.InvalidationCriteria())
    with pytest.raises(services.PetitionError, match="не IP-адреса"):
        invalidation.preview_invalidation(
            petition, invalidation.InvalidationCriteria(ip_network="x.y")
        )
    record = invalidation.invalidate_signatures(
        petition,
        by_net,
        actor=moderators[0],
        reason="Масові підписи з однієї мережі",
        now=at(D(2020, 11, 7)),
    )
    db.session.commit()
    assert record.count == 3 and petition.signature_count == 1
    assert len(queries.list_signers(petition)) == 1
    assert events("petition.signatures_invalidated")[0].details["count"] == 3


def test_purge_anonymises_emails_but_keeps_names_and_dedup(app, make_petition, moderators):
    app.config["PETITION_RETENTION_DAYS"] = 30
    petition = make_petition("collecting", on=D(2020, 9, 1), signatures=2)
    db.session.execute(db.update(Signature).values(notify_on_answer=True))
    services.tick(today=D(2020, 11, 1))
    assert retention.purge_personal_data(today=D(2020, 11, 15)) == (0, 0)
    assert retention.purge_personal_data(today=D(2020, 12, 1)) == (1, 2)
    db.session.commit()
    db.session.expire_all()
    rows = list(db.session.scalars(db.select(Signature)))
    assert all(r.email is None and r.full_name for r in rows)
    assert not any(r.notify_on_answer for r in rows)  # the wish to be mailed goes with the address
    assert petition.author_email is None
    assert retention.purge_personal_data(today=D(2021, 1, 1)) == (0, 0)


def test_export_rows_follow_the_national_schema(make_petition, moderators):
    collecting = make_petition("collecting", on=D(2020, 11, 5), signatures=1)
    make_petition("moderation")
    refused = make_petition("moderation")
    services.refuse_petition(
        refused, actor=moderators[0], version=None, reason_code="obscene", today=D(2020, 11, 6)
    )
    rows = opendata.export_rows(today=D(2020, 11, 20))
    assert [r["uid"] for r in rows] == [f"UA74040250000063494-P{collecting.id}"]
    row = rows[0]
    assert list(row) == NATIONAL_HEADER
    assert row["status"] == "триває збір підписів" and row["count"] == 1
    assert row["startDate"] == "2020-11-05" and row["authorityId"] == "34644120"
    later = opendata.export_rows(today=D(2021, 2, 1))
    assert later[0]["status"] == "не підтримано"


def test_similar_suggestions_see_only_live_petitions(make_petition, moderators):
    live = make_petition(
        "collecting", on=D(2020, 11, 5), title="Облаштувати велодоріжку на вулиці Шевченка"
    )
    old = make_petition("collecting", on=D(2020, 1, 5), title="Велодоріжка на вулиці Шевченка")
    services.tick(today=D(2020, 11, 6))
    services.archive_petition(old, actor=moderators[0], version=None, today=D(2020, 11, 6))
    found = queries.suggest_similar("велодоріжки вулицею Шевченка", today=D(2020, 11, 6))
    assert [m.id for m in found] == [live.id]


def test_public_suggestions_never_show_unpublished_titles(make_petition):
    queued = make_petition("moderation", title="Облаштувати сквер біля ліцею")
    public = queries.suggest_similar("сквер біля ліцею", today=D(2020, 11, 6))
    staff = queries.suggest_similar(
        "сквер біля ліцею", today=D(2020, 11, 6), include_moderation=True
    )
    assert public == [] and [m.id for m in staff] == [queued.id]


def test_missing_refusal_reasons_are_seeded_in_catalogue_order(app):
    from civic.petitions import refusal_reasons
    from civic.petitions.models import RefusalReasonRow

    db.session.execute(
        db.delete(RefusalReasonRow).where(
            RefusalReasonRow.code.in_([r.code for r in REFUSAL_REASONS[1:]])
        )
    )
    assert refusal_reasons.ensure_refusal_reasons() == len(REFUSAL_REASONS) - 1
    rows = refusal_reasons.list_refusal_reasons()
    assert [refusal_reasons.reason_of(row) for row in rows] == list(REFUSAL_REASONS)
    assert refusal_reasons.ensure_refusal_reasons() == 0
