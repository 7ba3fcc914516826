"""SVG charts: well-formed, accessible, honest about missing data."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from civic.charts import (
    _NOT_XML,
    Bar,
    Series,
    bar_chart,
    fluid_bar_chart,
    grouped_bar_chart,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_bar_chart_is_accessible_and_scaled():
    svg = bar_chart(
        [Bar("WORKOUT – смуга перешкод", 214, True), Bar("Сквер <біля> школи", 107)],
        title="Голоси за проєкти",
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Голоси за проєкти"
    desc = root.find(f"{SVG}desc").text
    assert "WORKOUT – смуга перешкод: 214" in desc and "Сквер <біля> школи: 107" in desc
    rects = root.findall(f"{SVG}rect")
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == 2 * widths[1]
    assert rects[0].get("class") == "bar selected" and rects[1].get("class") == "bar"
    assert "style=" not in svg


def test_line_chart_breaks_on_missing_values():
    svg = line_chart(
        ["2018", "2019", "2020"],
        [Series("Чистий дохід", [Decimal("100.5"), None, Decimal("120")])],
        title="Дохід",
    )
    root = _parse(svg)
    assert not root.findall(f"{SVG}polyline")  # no line drawn across the gap
    assert len(root.findall(f"{SVG}circle")) == 2
    assert "2019 — немає даних" in root.find(f"{SVG}desc").text


def test_grouped_bars_handle_negatives():
    svg = grouped_bar_chart(
        ["I квартал", "II квартал"],
        [Series("План", [10, 20]), Series("Факт", [-5, 25])],
        title="План і факт",
    )
    root = _parse(svg)
    heights = [
        float(r.get("height"))
        for r in root.findall(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]
    assert len(heights) == 4 and all(h >= 0 for h in heights)


@given(st.lists(st.tuples(st.text(max_size=50), st.integers(0, 10**9), st.booleans()), max_size=30))
def test_bar_chart_always_well_formed(items):
    svg = bar_chart([Bar(label, value, hl) for label, value, hl in items], title="t")
    _parse(svg)


@given(st.lists(st.one_of(st.none(), st.integers(-(10**6), 10**6)), min_size=1, max_size=8))
def test_line_chart_always_well_formed(values):
    cats = [str(2015 + i) for i in range(len(values))]
    _parse(line_chart(cats, [Series("s", values)], title="t"))


@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=120), st.integers(0, 10**6), st.booleans()),
        max_size=30,
    )
)
def test_fluid_bar_chart_keeps_every_label_whole_and_scales_nothing(items):
    svg = fluid_bar_chart([Bar(label, value, hl) for label, value, hl in items], title="t")
    root = _parse(svg)
    assert root.get("viewBox") is None and root.get("width") == "100%"  # text is never scaled
    texts = [t for t in root.findall(f"{SVG}text") if t.get("class") != "value"]
    shown = "".join("".join(t.text or "" for t in texts).split())
    for label, _value, _hl in items:
        # Wrapped over lines, never cut: every character of every label is drawn.
        assert "".join(_NOT_XML.sub("", label).split()) in shown
    widths = [float(r.get("width").rstrip("%")) for r in root.findall(f"{SVG}rect")]
    assert all(0 <= w <= 75 for w in widths)
    assert "style=" not in svg
