"""Services on both databases: defaults, the module adapter, drafts, finalising, races."""

import datetime as dt
import hashlib
import threading

import pytest

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.reports import journal, module_stats, services, versions
from civic.reports.models import EntryType, Occasion, ReportVersion

NOV = dt.date(2020, 11, 1)


def test_defaults_are_created_once(app):
    services.ensure_defaults()
    services.ensure_defaults()
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(EntryType.id))) == 10
    occasions = db.session.scalar(db.select(db.func.count(Occasion.id)))
    assert occasions >= 50


def test_an_emptied_occasions_calendar_is_seeded_with_every_field(app):
    from civic.reports.defaults import load_defaults

    db.session.execute(db.delete(Occasion))
    services.ensure_defaults()
    db.session.commit()
    fields = ("name", "rule", "category", "from_year", "to_year")
    stored = {tuple(getattr(o, f) for f in fields) for o in db.session.scalars(db.select(Occasion))}
    assert stored == {tuple(getattr(o, f) for f in fields) for o in load_defaults().occasions}
    assert all(db.session.scalars(db.select(Occasion.is_active)))


def test_demo_is_idempotent_and_reproduces_the_seeds_counts(app, november):
    from civic.reports.demo import load_demo

    load_demo(lambda *_: None)
    db.session.commit()
    report = versions.build_report(NOV)
    assert dict(report.counts)["news"] == 316
    text = report.text()
    for phrase in (
        "316 новин",
        "125 нормативних актів",
        "60 матеріалів з фотографіями",
        "День Свободи",
    ):
        assert phrase in text
    assert report.signer_name == "О.О.Гук"


def test_module_statistics_are_gathered_from_the_modules(app, november, monkeypatch):
    from civic.pb import stats as pb_stats

    def counted_in_november(first, last):
        edition = {
            "slug": "gb-2021",
            "title": "ГБ",
            "budget_year": 2021,
            "counted_on": dt.date(2020, 11, 23),
            "received": 10,
            "valid": 9,
            "invalid": 1,
            "invalid_by_reason": {},
            "selected": ["П1"],
            "votes": 20,
        }
        return {"editions": [edition] if first <= edition["counted_on"] <= last else []}

    monkeypatch.setattr(pb_stats, "monthly_statistics", counted_in_november)
    text = versions.build_report(NOV).text()
    assert (
        "провели підрахунок голосів за проєкти громадського бюджету на 2021 рік: опрацьовано 10 бланків"
        in text
    )
    assert "громадського бюджету" not in versions.build_report(dt.date(2020, 12, 1)).text()


def test_petitions_refusals_are_titled_from_the_petitions_module(app, november, monkeypatch):
    from civic.petitions import stats as petition_stats
    from civic.petitions.lifecycle import REFUSAL_BY_CODE

    monkeypatch.setattr(
        petition_stats,
        "monthly_statistics",
        lambda first, last: {"received": 2, "refused": 2, "refused_by_reason": {"no_essence": 2}},
    )
    title = REFUSAL_BY_CODE["no_essence"].title
    text = versions.build_report(NOV).text()
    assert (
        f"отримано 2 електронні петиції, відмовлено в оприлюдненні — 2 "
        f"({title[0].lower()}{title[1:]} — 2)." in text
    )


def test_every_module_answers_and_a_quiet_month_has_no_module_sentences(app, november):
    stats = module_stats.gather_module_stats(NOV)
    assert stats.petitions is not None and stats.petitions.is_empty
    assert stats.pb_editions == ()
    assert stats.enterprises is not None and stats.enterprises.is_empty
    text = versions.build_report(NOV).text()
    for sentence in ("У системі місцевих електронних петицій", "провели підрахунок голосів"):
        assert sentence not in text


def test_finalised_version_keeps_pdf_hash_and_audit(app, november):
    version = versions.generate_draft(NOV)
    versions.finalise(version, actor_name="Тест")
    db.session.commit()
    assert version.pdf_sha256 == hashlib.sha256(version.pdf).hexdigest()
    assert version.pdf == versions.render_pdf(versions.version_report(version))  # reproducible
    with pytest.raises(services.ReportError):
        versions.update_draft(version, texts=[], title="x", signer_position="", signer_name="")
    with pytest.raises(services.ReportError):
        versions.finalise(version)
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"report.draft_generated", "report.finalised"} <= actions


def test_regenerating_numbers_versions(app, november):
    first = versions.generate_draft(NOV)
    second = versions.generate_draft(NOV)
    db.session.commit()
    assert (first.number, second.number) == (1, 2)
    assert [v.number for v in versions.list_versions(NOV)] == [2, 1]


@pytest.mark.postgresql_only
def test_concurrent_edits_of_one_draft_lose_nothing(app_factory):
    app = app_factory()
    with app.app_context():
        from civic.reports.demo import load_demo

        load_demo(lambda *_: None)
        version = versions.generate_draft(NOV)
        db.session.commit()
        version_id, seen = version.id, version.version_id
        count = len(version.content["paragraphs"])
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(name):
        with app.app_context():
            v = db.session.get(ReportVersion, version_id)
            texts = [p["text"] for p in v.content["paragraphs"]]
            texts[0] = f"Редакція {name}"
            barrier.wait(timeout=60)
            try:
                versions.update_draft(
                    v,
                    texts=texts,
                    title="Звіт",
                    signer_position="",
                    signer_name="",
                    expected_version=seen,
                )
                db.session.commit()
                outcomes.append("ok")
            except services.ReportError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=edit, args=(n,)) for n in ("А", "Б")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    with app.app_context():
        v = db.session.get(ReportVersion, version_id)
        assert v.version_id == seen + 1 and len(v.content["paragraphs"]) == count


@pytest.mark.postgresql_only
def test_concurrent_generation_numbers_versions_uniquely(app_factory):
    app = app_factory()
    with app.app_context():
        services.ensure_defaults()
        db.session.commit()
    barrier = threading.Barrier(3)
    outcomes = []

    def generate():
        with app.app_context():
            barrier.wait(timeout=60)
            try:
                versions.generate_draft(NOV)
                db.session.commit()
                outcomes.append("ok")
            except services.ReportError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=generate) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "ok" in outcomes and len(outcomes) == 3
    with app.app_context():
        numbers = [v.number for v in versions.list_versions(NOV)]
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert len(numbers) == outcomes.count("ok")


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        # Found by fuzzing: an enormous count overflowed the INTEGER column (OverflowError on
        # SQLite, DataError on PostgreSQL) and an overlong link the VARCHAR(1000) column.
        ("Назва;;news;10000000000", "Кількість", "від 1 до 100 000"),
        ("Назва;;news;100001", "Кількість", "від 1 до 100 000"),
        ("Назва;https://x/" + "a" * 1000 + ";news;1", "Посилання", "посилання задовге"),
    ],
)
def test_journal_values_the_database_cannot_hold_are_refused(app, cells, column, fragment):
    from civic.reports.models import JournalEntry, JournalImport
    from civic.tabular import TabularError

    services.ensure_defaults()
    db.session.commit()
    data = f"Дата;Заголовок;Посилання;Тип;Кількість\n01.12.2020;{cells}\n".encode()
    with pytest.raises(TabularError) as info:
        journal.import_journal(data, "j.csv")
    db.session.rollback()
    assert str(info.value).startswith(f"Файл «j.csv», рядок 2, стовпець «{column}»")
    assert fragment in str(info.value)
    for model in (JournalEntry, JournalImport):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0


@pytest.mark.parametrize("operation", ["add", "update"])
def test_an_entry_naming_an_occasion_not_in_the_calendar_is_refused(app, november, operation):
    from civic.reports.models import JournalEntry

    entry = db.session.scalar(db.select(JournalEntry).where(JournalEntry.count == 125))
    before = (entry.title, entry.occasion_id)
    entries = db.session.scalar(db.select(db.func.count(JournalEntry.id)))
    missing = (db.session.scalar(db.select(db.func.max(Occasion.id))) or 0) + 1
    fields = dict(occurred_on=NOV, type_code="act", title="", count=1, occasion_id=missing)
    with pytest.raises(services.ReportError, match="Такої нагоди немає в календарі"):
        if operation == "add":
            journal.add_entry(**fields)
        else:
            journal.update_entry(entry, link=None, **fields)
    db.session.rollback()
    assert (entry.title, entry.occasion_id) == before
    assert db.session.scalar(db.select(db.func.count(JournalEntry.id))) == entries
