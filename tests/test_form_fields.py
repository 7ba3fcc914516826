"""Staff forms drawn by the one ``fields`` macro (templates/_form_macros.html): every field of
the form class, in the order the class declares it, each with its label and, where the page
gives one, a hint the input points to; the hidden fields stay hidden."""

import datetime as dt
from html.parser import HTMLParser

import pytest

from civic.enterprises.forms import EnterpriseForm
from civic.extensions import db
from civic.reports import journal
from civic.reports.forms import EntryForm, EntryTypeForm, OccasionForm
from civic.reports.models import Occasion
from civic.workcalendar.forms import DeclaredDayForm, MartialLawForm


class _Forms(HTMLParser):
    """Each ``<form>``'s action and its controls in document order; labels and ids by element."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.labels: dict[str, str] = {}  # for= → label text
        self.ids: dict[str, dict] = {}
        self._label = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = {"tag": tag, **attrs}
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "controls": []})
        elif tag in ("input", "select", "textarea") and self.forms and attrs.get("name"):
            self.forms[-1]["controls"].append({"tag": tag, **attrs})
            if self._label == "" and "id" in attrs:  # a box inside its own label
                self._label = attrs["id"]
                self.labels[self._label] = self.labels.pop("")
        elif tag == "label":
            self._label = attrs.get("for", "")
            self.labels[self._label] = ""

    def handle_data(self, data):
        if self._label is not None:
            self.labels[self._label] += data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None


def _page(client, url: str) -> _Forms:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Forms()
    parser.feed(response.get_data(as_text=True))
    return parser


def _first_occasion(_app) -> str:
    return f"/staff/reports/occasions/{db.session.scalars(db.select(Occasion.id)).first()}"


def _an_entry(_app) -> str:
    entry = journal.add_entry(occurred_on=dt.date(2020, 11, 3), type_code="act", title="Рішення")
    db.session.commit()
    return f"/staff/journal/{entry.id}"


PAGES = [
    # (page, its form class, the form's action or "" for the page itself, hinted fields)
    ("/staff/enterprises/new", EnterpriseForm, "", {"edrpou"}),
    ("/staff/reports/entry-types/new", EntryTypeForm, "", {"code"}),
    (_first_occasion, OccasionForm, "", {"rule"}),
    (_an_entry, EntryForm, "", set()),
    ("/staff/calendar", DeclaredDayForm, "/staff/calendar/days", set()),
    ("/staff/calendar", MartialLawForm, "/staff/calendar/periods", set()),
]


@pytest.mark.parametrize(("url", "form_class", "action", "hinted"), PAGES)
def test_a_staff_form_shows_each_field_of_its_class_in_order(
    app, client, create_user, login, url, form_class, action, hinted
):
    create_user("chief", "admin", "editor")
    login("chief")
    url = url(app) if callable(url) else url
    page = _page(client, url)
    [form] = [f for f in page.forms if f["action"] == action and f["controls"]]
    with app.test_request_context():
        declared = [
            f for f in form_class(formdata=None) if getattr(f.widget, "input_type", "") != "hidden"
        ]
    shown = [c for c in form["controls"] if c.get("type") != "hidden"]
    names = list(dict.fromkeys(c["name"] for c in shown))  # a radio group's buttons: one field
    assert names == [f.name for f in declared]
    assert {c["name"] for c in form["controls"] if c.get("type") == "hidden"} <= {"csrf_token"}
    for f in declared:
        control = next(c for c in shown if c["name"] == f.name)
        assert " ".join(page.labels[control["id"]].split()) == f.label.text
        described = control.get("aria-describedby")
        assert (described is not None) == (f.name in hinted), f.name
        if described:
            assert "hint" in page.ids[described]["class"]
