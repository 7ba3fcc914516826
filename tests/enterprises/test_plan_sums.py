"""The plan's subtotals against the catalogue's sums (civic/enterprises/plan_sums.py)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from civic.enterprises.catalogue import Line
from civic.enterprises.plan_sums import check_sums, formula, tolerance
from civic.enterprises.statements import ERROR, WARNING, Fact
from tests.enterprises.conftest import seed_lines

KINDS = ("prev_fact_year", "plan_year", "plan_q1", "plan_q4", "fact_q1", "fact_year")
TENTH = Decimal("0.1")


@st.composite
def catalogues(draw):
    """A catalogue whose later lines may be signed sums of earlier ones (so no cycles)."""
    size = draw(st.integers(2, 9))
    lines = []
    for i in range(size):
        code = str(1000 + 10 * i)
        terms = ()
        if i >= 1 and draw(st.booleans()):
            picked = draw(st.lists(st.integers(0, i - 1), min_size=1, max_size=4, unique=True))
            terms = tuple(draw(st.sampled_from("+-")) + str(1000 + 10 * j) for j in picked)
        sign = draw(st.sampled_from(["any", "expense", "nonnegative"])) if not terms else "any"
        lines.append(Line(code, f"Рядок {code}", section="I", sums=terms))
        if sign != "any":
            lines[-1] = Line(code, f"Рядок {code}", sign=sign, section="I")
    return lines


amounts = st.decimals(min_value=-(10**6), max_value=10**6, places=1, allow_nan=False)


@st.composite
def consistent_plans(draw):
    """A catalogue and a file filled in consistently with it, in several columns."""
    lines = draw(catalogues())
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4, unique=True))
    by_code = {line.code: line for line in lines}
    values: dict[str, dict[str, Decimal]] = {}
    for line in lines:
        values[line.code] = {}
        for kind in kinds:
            if line.sums:
                total = Decimal(0)
                for term in line.sums:
                    value = values[term[1:]][kind]
                    if by_code[term[1:]].sign == "expense":
                        value = abs(value)
                    total += value if term[0] == "+" else -value
                values[line.code][kind] = total
            else:
                value = draw(amounts)
                values[line.code][kind] = abs(value) if line.sign != "any" else value
    facts = [
        Fact(code, kind, value, line_no)
        for line_no, (code, kinds_) in enumerate(values.items(), start=10)
        for kind, value in kinds_.items()
    ]
    return lines, facts


@settings(max_examples=60, deadline=None)
@given(consistent_plans())
def test_any_file_consistent_with_the_sums_passes(plan):
    lines, facts = plan
    assert check_sums(facts, lines) == []


@settings(max_examples=60, deadline=None)
@given(consistent_plans(), st.data())
def test_rounding_each_value_within_half_a_tenth_still_passes(plan, data):
    lines, facts = plan
    noisy = [
        Fact(
            f.code,
            f.kind,
            f.value + data.draw(st.sampled_from([-1, 0, 1])) * Decimal("0.05"),
            f.line,
        )
        for f in facts
    ]
    # Each rounded number is at most 0.05 off, and the tolerance counts every number in a sum.
    assert [m for m in check_sums(noisy, lines) if m.level == ERROR] == []


@settings(max_examples=80, deadline=None)
@given(consistent_plans(), st.data())
def test_perturbing_a_subtotal_beyond_the_tolerance_fails_naming_that_line(plan, data):
    lines, facts = plan
    subtotals = [line for line in lines if line.sums]
    if not subtotals:
        return
    target = data.draw(st.sampled_from(subtotals))
    index = data.draw(st.sampled_from([i for i, f in enumerate(facts) if f.code == target.code]))
    over = tolerance(len(target.sums)) + data.draw(
        st.decimals(min_value="0.01", max_value=10**5, places=2)
    )
    shift = over if data.draw(st.booleans()) else -over
    fact = facts[index]
    facts[index] = Fact(fact.code, fact.kind, fact.value + shift, fact.line)
    errors = [m for m in check_sums(facts, lines) if m.level == ERROR]
    named = [m for m in errors if m.text.startswith(f"рядок {target.code} ")]
    assert len(named) == 1 and named[0].line == fact.line
    assert formula(target.sums) in named[0].text


def gross(values: dict[str, dict[str, str]]) -> list[Fact]:
    return [
        Fact(code, kind, Decimal(value), line)
        for line, (code, kinds) in enumerate(values.items(), start=7)
        for kind, value in kinds.items()
    ]


def test_the_message_names_line_column_found_and_expected():
    facts = gross(
        {
            "1000": {"plan_q1": "3110.4"},
            "1010": {"plan_q1": "2892.7"},
            "1020": {"plan_q1": "1234.0"},
        }
    )
    (message,) = check_sums(facts, seed_lines("plan"))
    assert message.level == ERROR and message.line == 9
    assert message.text == (
        "рядок 1020 «Валовий прибуток (збиток)» (план, I квартал): 1\u00a0234,0, "
        "а сума рядків 1000 − 1010 дає 217,7"
    )


def test_expense_lines_in_parentheses_sum_by_magnitude():
    facts = gross(
        {"1000": {"fact_year": "100"}, "1010": {"fact_year": "-80"}, "1020": {"fact_year": "20"}}
    )
    assert check_sums(facts, seed_lines("plan")) == []


def test_deviation_and_percent_columns_are_not_summed():
    facts = gross(
        {
            "1000": {"deviation_q1": "-57.6", "percent_q1": "98.1"},
            "1010": {"deviation_q1": "-31.7", "percent_q1": "98.9"},
            "1020": {"deviation_q1": "999", "percent_q1": "88.1"},
        }
    )
    assert check_sums(facts, seed_lines("plan")) == []


def test_a_missing_line_is_not_taken_for_zero():
    facts = gross({"1000": {"plan_year": "900"}, "1020": {"plan_year": "900"}})
    (message,) = check_sums(facts, seed_lines("plan"))
    assert message.level == WARNING and "не перевірено" in message.text and "1010" in message.text
    # A subtotal alone, with none of its lines in the file, is simply not checked.
    assert check_sums(gross({"1020": {"plan_year": "5"}}), seed_lines("plan")) == []


def test_tolerance_and_formula():
    assert tolerance(2) == Decimal("0.15") and tolerance(1) == 2 * Decimal("0.05")
    assert tolerance(2, "грн") == Decimal("1.5") and tolerance(2, "млн грн") == Decimal("0.0015")
    assert formula(("+1000", "-1010")) == "1000 − 1010"
    assert formula(("-1000", "+1010", "+1020")) == "−1000 + 1010 + 1020"


hostile_values = st.one_of(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**15), max_value=10**15
    ),
    st.just(Decimal("0")),
    st.just(Decimal("-0.00")),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1000", "1010", "1020", "1170", "9999", "", "01020"]),
            st.sampled_from([*KINDS, "deviation_q2", "percent_year", "plan_h1", "fact_m9"]),
            hostile_values,
        ),
        max_size=40,
    )
)
def test_any_file_gets_messages_never_an_exception(rows):
    # Repeated codes and kinds (the last one wins, as in the reader), unknown codes, huge values.
    facts = [Fact(code, kind, value, line) for line, (code, kind, value) in enumerate(rows, 2)]
    for message in check_sums(facts, seed_lines("plan")):
        assert message.level in (ERROR, WARNING) and message.text.startswith("рядок 1020 ")


def test_a_file_in_hryvnias_may_be_a_hryvnia_off_per_rounded_number():
    facts = gross({"1000": {"plan_year": "1234567"}, "1010": {"plan_year": "1000000"}})
    facts += gross({"1020": {"plan_year": "234568"}})
    assert check_sums(facts, seed_lines("plan"), unit="грн") == []
    assert check_sums(facts, seed_lines("plan")) != []  # the same numbers in тис. грн
    facts[-1] = Fact("1020", "plan_year", Decimal("234569"), 7)
    assert [m.level for m in check_sums(facts, seed_lines("plan"), unit="грн")] == [ERROR]
