"""Readers never crash on arbitrary input: they return Ukrainian messages or raise TabularError."""

from hypothesis import given, settings
from hypothesis import strategies as st

from civic.enterprises.catalogue import parse_catalogue
from civic.enterprises.plans import parse_plan
from civic.enterprises.statements import parse_enterprise_list, parse_statement
from civic.tabular import TabularError
from tests.enterprises.conftest import seed_lines

F1 = seed_lines("1")
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["1300", "1900", "( 1 234,5 )", "-", "1 234,5", "abc", "2350", "План", "I квартал"]
    ),
)
csv_text = st.lists(st.lists(cells, min_size=1, max_size=5), max_size=8).map(
    lambda rows: "\r\n".join(
        ";".join(row) for row in [["Код рядка", "На кінець звітного періоду", "План"], *rows]
    )
)
payloads = st.one_of(st.binary(max_size=300), csv_text.map(lambda t: t.encode("utf-8", "replace")))


@settings(max_examples=150, deadline=None)
@given(payloads)
def test_statement_reader_never_crashes(data):
    result = parse_statement(data, "f.csv", "1", F1)
    assert all(m.text for m in result.messages)
    assert result.ok or not result.facts or result.errors


@settings(max_examples=150, deadline=None)
@given(payloads)
def test_plan_reader_never_crashes(data):
    result = parse_plan(data, "p.csv")
    assert all(m.text for m in result.messages)


@settings(max_examples=100, deadline=None)
@given(payloads)
def test_list_and_catalogue_readers_never_crash(data):
    entries, messages = parse_enterprise_list(data, "l.csv")
    assert entries or messages
    try:
        parse_catalogue(data, "c.csv")
    except TabularError as exc:
        assert str(exc)
