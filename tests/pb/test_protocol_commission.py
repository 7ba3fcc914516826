"""Issue 14, point 6: the protocol of an edition with its commission reads as an official
Ukrainian document (through the services, as the staff page downloads it)."""

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from civic.extensions import db
from civic.formatting import agree
from civic.pb import exports, imports, services

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
COMMISSION = """
protocol_number = "7"
protocol_on = 2020-11-24

[[commission]]
role = "chair"
full_name = "Шевченко Марія Василівна"
position = "заступник міського голови"

[[commission]]
role = "secretary"
full_name = "Коваленко Петро Іванович"
position = "головний спеціаліст"

[[commission]]
role = "member"
full_name = "Бондар Олена Сергіївна"
"""


@pytest.fixture
def protocol(app, create_user):
    create_user("member", "commission", full_name="Системний Користувач")
    toml = (EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8")
    head, _, categories = toml.partition("[[categories]]")
    edition = services.save_edition(f"{head}{COMMISSION}\n[[categories]]{categories}")
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    imports.import_ballots(edition, (EXAMPLES / "pb-ballots.csv").read_bytes(), "b.csv")
    services.close_edition(edition, on=dt.date(2020, 11, 23))
    db.session.commit()
    return exports.export_edition(edition, "pdf"), edition


def text_of(pdf: bytes) -> str:
    """The text as it is laid out in lines (a no-break space reads as a space)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\u00a0", " ")


def grouped(amount) -> str:
    whole, _, cents = f"{Decimal(amount):.2f}".partition(".")
    return f"{int(whole):,}".replace(",", " ") + f",{cents} грн"


def test_the_protocol_has_its_number_date_and_the_commission_of_the_edition(protocol):
    text = text_of(protocol[0])
    assert "ПРОТОКОЛ № 7" in text
    assert "24.11.2020" in text
    for name, role in (
        ("Шевченко Марія Василівна", "Голова комісії, заступник міського голови"),
        ("Коваленко Петро Іванович", "Секретар комісії, головний спеціаліст"),
        ("Бондар Олена Сергіївна", "Член комісії"),
    ):
        assert any(name in line for line in text.splitlines())  # a name is never split
        assert role in " ".join(text.split())
    assert "Системний Користувач" not in text


def test_amounts_never_break_and_no_setting_codes_show(protocol):
    pdf, edition = protocol
    text = text_of(pdf)
    lines = text.splitlines()
    # Every amount of the budget lines stands whole on one line, «грн» included.
    amounts = [
        value
        for line in edition.result["budget"].values()
        for key, value in line.items()
        if key in ("budget", "spent", "left", "available")
    ]
    assert len(amounts) >= 6
    for amount in amounts:
        assert any(grouped(amount) in line for line in lines), grouped(amount)
    assert not any(line.strip().startswith("грн") for line in lines)
    for category in edition.categories:
        assert f"({category.code})" not in text and f"«{category.code}»" not in text
    assert not re.search(r"«(keep|pool|greedy|first_cast|lot|cheaper)»", text)


def test_numbers_agree_with_their_nouns(protocol):
    text = text_of(protocol[0])
    assert f"від {agree(16, ('року', 'років', 'років'))}" in text
    for n, noun in re.findall(r"(\d+) (голос\w*)", text):
        assert agree(int(n), ("голос", "голоси", "голосів")).endswith(noun)


def test_the_full_digest_is_in_the_metadata(protocol):
    pdf, edition = protocol
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert edition.digest in info.subject
    assert f"sha256:{edition.digest}" in info.get("/Keywords", "")
