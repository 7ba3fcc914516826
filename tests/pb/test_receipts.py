"""Check my ballot (/pb/<slug>/check): answers in words, no choices, one neutral answer for a
wrong pair, attempts limited per address and per form number and logged."""

from pathlib import Path

import pytest
from sqlalchemy import select

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.pb import imports, receipts, services
from civic.pb.ballots import REASON_TITLES
from civic.pb.models import Ballot
from tests.pb.test_double_entry import form

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SLUG = "gb-2021"
URL = f"/pb/{SLUG}/check"


def ask(client, form_number, last_four):
    response = client.post(URL, data={"form_number": form_number, "last_four": last_four})
    return response.status_code, response.get_data(as_text=True)


def checks():
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pb.ballot_checked"))
    )


def test_get_shows_the_form_and_writes_nothing(client, closed):
    page = client.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Номер бланка" in html and "Чотири останні знаки документа" in html
    assert checks() == []


def test_counted_and_not_counted_in_words_without_the_choices(client, closed):
    status, html = ask(client, "1", "3456")  # НК 123456, valid
    assert status == 200 and "Бюлетень врахований." in html
    assert "М-01" not in html and "В-01" not in html
    # Ballot 3 is the same person online (Latin look-alikes): a repeated vote.
    status, html = ask(client, "3", "3456")
    assert f"Бюлетень не врахований: {REASON_TITLES['duplicate_voter']}." in html
    assert "М-04" not in html
    status, html = ask(client, "4", "0111")  # ТТ 000111, born 2005: underage
    assert f"Бюлетень не врахований: {REASON_TITLES['underage']}." in html
    events = checks()
    assert [e.details["answer"] for e in events] == ["counted", "not_counted", "not_counted"]
    assert [e.details["form_number"] for e in events] == ["1", "3", "4"]


def test_before_the_count_is_closed_the_ballot_is_accepted(client, edition):
    status, html = ask(client, "1", "3456")
    assert status == 200
    assert "Бюлетень прийнятий, буде врахований під час підрахунку." in html


@pytest.mark.parametrize(
    ("form_number", "last_four"),
    [("1", "3457"), ("999", "3456"), ("2", "3456"), ("1 ", "1234")],
)
def test_a_wrong_pair_gets_one_neutral_answer(client, closed, form_number, last_four):
    status, html = ask(client, form_number, last_four)
    assert status == 200 and receipts.NEUTRAL in html
    assert "врахований" not in html.replace(receipts.NEUTRAL, "")


def test_the_last_four_are_normalised_like_the_document(client, closed):
    # Ballot 2: document 000111222; a typed space or dash changes nothing.
    assert "Бюлетень врахований." in ask(client, "2", "1-222")[1]
    # Ballot 4: ТТ 000111 — the Latin look-alikes fold like the document.
    assert REASON_TITLES["underage"] in ask(client, "4", "0111")[1]


@pytest.mark.parametrize("last_four", ["", "123", "12345", "\u202e123"])
def test_shape_errors_are_ukrainian_and_not_counted(client, closed, last_four):
    status, html = ask(client, "1", last_four)
    assert status == 400
    assert "рівно чотири" in html or "Вкажіть" in html or "символ" in html
    assert checks() == []


def test_ballots_store_only_a_keyed_hash_of_the_last_four(app, closed):
    ballot = db.session.scalars(select(Ballot).where(Ballot.ballot_id == "1")).one()
    assert ballot.check_hash and "3456" not in ballot.check_hash
    assert ballot.check_hash == services.check_hash("3456")
    assert ballot.check_hash != ballot.voter_hash


def test_brute_force_of_the_four_digits_hits_the_form_limit(client, app, closed):
    app.config["PB_CHECK_LIMIT_PER_ADDRESS"] = "1000 per day"
    app.config["PB_CHECK_LIMIT_PER_FORM"] = "5 per 10 minutes; 15 per day"
    answers = [ask(client, "1", f"{n:04d}") for n in range(3450, 3462)]
    statuses = [status for status, _ in answers]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 7
    # 3456 (the right one) came after the limit: refused like every other guess.
    assert all("Для цього номера бланка надто багато спроб" in html for _, html in answers[5:])
    assert not any("Бюлетень врахований." in html for _, html in answers)
    events = checks()
    assert len(events) == 12 and [e.details["answer"] for e in events[5:]] == ["limited"] * 7


def test_guesses_over_many_form_numbers_hit_the_address_limit(client, app, closed):
    app.config["PB_CHECK_LIMIT_PER_ADDRESS"] = "4 per 10 minutes"
    statuses = [ask(client, str(n), "0000")[0] for n in range(1, 8)]
    assert statuses == [200] * 4 + [429] * 3
    assert "З вашої адреси надто багато спроб" in ask(client, "1", "3456")[1]


def test_an_unknown_edition_is_404(client, app):
    assert client.get("/pb/no-such/check").status_code == 404


def _entry(**changes):
    values = {"batch": "7", "number": "41", "document": "НК 987654"}
    return form(**{**values, **changes})


def test_paper_entered_twice_is_checked_by_its_form_number(client, app, create_user):
    from civic.pb import double_entry

    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    op1, op2, op3 = (create_user(f"op{k}", "commission") for k in (1, 2, 3))
    double_entry.record_entry(edition, op1, _entry())
    double_entry.record_entry(edition, op2, _entry())
    # A discrepancy in the document: the commission takes the second copy's, and its last four.
    double_entry.record_entry(edition, op1, _entry(number="42", document="НК 111111"))
    double_entry.record_entry(edition, op2, _entry(number="42", document="НК 112222"))
    (discrepancy,) = services.list_discrepancies(edition)
    double_entry.resolve_discrepancy(
        edition, discrepancy, op3, {"document_hash": 2}, "На бланку — НК 112222."
    )
    db.session.commit()
    assert "прийнятий" in ask(client, "7/41", "7654")[1]
    assert "прийнятий" in ask(client, "7/42", "2222")[1]
    assert receipts.NEUTRAL in ask(client, "7/42", "1111")[1]
