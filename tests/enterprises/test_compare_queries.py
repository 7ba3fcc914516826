"""The comparison page and the API list read every enterprise in a fixed number of queries."""

import pytest
from sqlalchemy import event

from civic.enterprises import services
from civic.enterprises.demo import load_demo
from civic.enterprises.statements import EnterpriseEntry
from civic.extensions import db
from tests.enterprises.conftest import BALANCED, form1_csv


@pytest.fixture
def count_statements(app):
    """Call with a function: the number of SQL statements it sent to the database."""

    def count(action):
        seen = []

        def listener(*_):
            seen.append(1)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            action()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    return count


def _add_enterprises(n: int, first_code: int) -> None:
    for i in range(n):
        code = f"{first_code + i:08d}"
        services.save_enterprise(EnterpriseEntry(code, f"КП «Порівняння {i}»", "З"))
        services.import_statement(
            form1_csv(BALANCED), f"{code}.csv", edrpou=code, year=2020, form="1"
        )
    db.session.commit()


@pytest.mark.parametrize(
    "path",
    ["/enterprises/compare?type=З", "/enterprises/compare.csv?type=З", "/api/v1/enterprises"],
)
def test_the_same_number_of_queries_for_three_or_ten_enterprises(
    client, app, count_statements, path
):
    load_demo(lambda _: None)
    db.session.commit()
    few = count_statements(lambda: client.get(path))
    _add_enterprises(7, 90000001)
    page = client.get(path)
    many = count_statements(lambda: client.get(path))
    shown = page.get_data(as_text=True) if page.is_json is False else str(page.get_json())
    assert page.status_code == 200 and "Порівняння 6" in shown
    assert many == few
