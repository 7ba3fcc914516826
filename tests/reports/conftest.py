import pytest

from civic.extensions import db
from civic.reports import services


@pytest.fixture
def november(app):
    """The demo journal of November 2020 loaded through the demo loader."""
    from civic.reports.demo import load_demo

    load_demo(lambda *_: None)
    db.session.commit()
    return services


@pytest.fixture
def head(create_user, login):
    """The head of the department: editor + admin, logged in."""
    user = create_user("head", "editor", "admin", full_name="Гук Олена Олександрівна")
    login("head")
    return user
