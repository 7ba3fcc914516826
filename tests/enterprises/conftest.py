from pathlib import Path

import pytest

from civic.enterprises import services
from civic.enterprises.catalogue import parse_catalogue
from civic.enterprises.statements import EnterpriseEntry
from civic.extensions import db

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "docs" / "examples"
DATA = REPO / "civic" / "enterprises" / "data"
EDRPOU = "99001016"


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def seed_lines(form: str):
    return parse_catalogue(
        (
            DATA / {"1": "form1.csv", "2": "form2.csv", "plan": "plan_205-1070.csv"}[form]
        ).read_bytes(),
        form,
    )


def form1_csv(
    rows: dict[str, str], *, header: str = "Код рядка;На кінець звітного періоду"
) -> bytes:
    lines = [header] + [f"{code};{value}" for code, value in rows.items()]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


BALANCED = {
    "1095": "800",
    "1195": "200",
    "1300": "1000",
    "1495": "600",
    "1695": "400",
    "1900": "1000",
}


@pytest.fixture
def enterprise(app):
    enterprise, _ = services.save_enterprise(
        EnterpriseEntry(EDRPOU, "Комунальне підприємство «Тестовий водоканал»", "З", "КП «Тест»")
    )
    db.session.commit()
    return enterprise
