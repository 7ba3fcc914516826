"""Pure SVG charts for public pages: readable without JavaScript, no inline styles (CSP).

Each builder takes plain data and returns an SVG string with ``role="img"``, a ``<title>`` and
a ``<desc>`` so screen readers announce it; every chart should sit next to a table with the
same numbers. Presentation uses attributes and CSS classes (``.chart .bar``), never ``style=``.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape as _xml_escape

from civic.formatting import uk_number

Number = int | Decimal | float

_ids = itertools.count(1)
PALETTE = ("#0b5394", "#e69138", "#38761d", "#990000", "#674ea7", "#45818e", "#bf9000")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number
    highlight: bool = False


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Escape for XML text and drop characters XML 1.0 cannot hold."""
    return _xml_escape(_NOT_XML.sub("", text))


def _fmt(value: Number) -> str:
    if type(value) is int:  # counts and running totals: uk_number's fast path, same text
        return uk_number(value)
    d = Decimal(str(value))
    return uk_number(d, 0 if d == d.to_integral_value() else 2)


def _header(width: float, height: float, title: str, desc: str, chart_id: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    width: int = 720,
    bar_height: int = 22,
    label_width: int = 260,
    value_format: Callable[[Number], str] = _fmt,
    chart_id: str | None = None,
) -> str:
    """Horizontal bars, one per item, longest = full width; highlighted bars get ``selected``."""
    chart_id = chart_id or f"chart{next(_ids)}"
    gap = 6
    height = max(1, len(bars)) * (bar_height + gap) + gap
    top = max((float(b.value) for b in bars), default=0.0) or 1.0
    plot = width - label_width - 90
    desc = "; ".join(f"{b.label}: {value_format(b.value)}" for b in bars)
    out = _header(width, height, title, desc, chart_id)
    for i, bar in enumerate(bars):
        y = gap + i * (bar_height + gap)
        length = max(0.0, float(bar.value)) / top * plot
        label = bar.label if len(bar.label) <= 40 else bar.label[:39] + "…"
        cls = "bar selected" if bar.highlight else "bar"
        out.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:g}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        out.append(
            f'<rect class="{cls}" x="{label_width}" y="{y}" width="{length:.1f}" '
            f'height="{bar_height}"><title>{escape(bar.label)}: {escape(value_format(bar.value))}'
            "</title></rect>"
        )
        out.append(
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height * 0.7:g}">'
            f"{escape(value_format(bar.value))}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def _fluid_svg(height: int, title: str, desc: str, chart_id: str, body: list[str]) -> str:
    """A chart as wide as its box (no ``viewBox``: its text is never scaled)."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart fluid" width="100%" '
        f'height="{max(height, 1)}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return "\n".join(out)


def fluid_bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    value_format: Callable[[Number], str] = _fmt,
    chart_id: str | None = None,
    wrap_at: int = 34,
) -> str:
    """Horizontal bars that fit any screen width: each label on its own lines above its bar.

    No ``viewBox``: the SVG is as wide as its box and its text is never scaled (14 px by the
    stylesheet, even on a 320 px phone); bar lengths are percentages of the width. Labels
    are wrapped at ``wrap_at`` characters, never cut.
    """
    chart_id = chart_id or f"chart{next(_ids)}"
    line, bar_height, gap = 18, 16, 12
    top = max((float(b.value) for b in bars), default=0.0) or 1.0
    desc = "; ".join(f"{b.label}: {value_format(b.value)}" for b in bars)
    body, y = [], gap
    for bar in bars:
        lines = textwrap.wrap(bar.label, wrap_at, break_long_words=True) or [""]
        for text in lines:
            y += line
            body.append(f'<text x="0" y="{y - 4}">{escape(text)}</text>')
        share = max(0.0, float(bar.value)) / top * 75  # room for the value after the bar
        cls = "bar selected" if bar.highlight else "bar"
        body.append(
            f'<rect class="{cls}" x="0" y="{y + 2}" width="{share:.2f}%" height="{bar_height}">'
            f"<title>{escape(bar.label)}: {escape(value_format(bar.value))}</title></rect>"
        )
        body.append(
            f'<text class="value" x="{share + 1:.2f}%" y="{y + bar_height - 1}">'
            f"{escape(value_format(bar.value))}</text>"
        )
        y += bar_height + 2 + gap
    return _fluid_svg(y, title, desc, chart_id, body)


def _scale(values: Sequence[float]) -> tuple[float, float]:
    lo = min(0.0, *values) if values else 0.0
    hi = max(0.0, *values) if values else 1.0
    if hi == lo:
        hi = lo + 1.0
    return lo, hi


@dataclass(frozen=True)
class _Frame:
    """The plot area of a chart over categories: margins, the value scale, ticks and legend."""

    width: int
    height: int
    lo: float
    hi: float
    left: int = 90
    right: int = 20
    top: int = 20
    bottom: int = 60

    @classmethod
    def around(cls, series: Sequence[Series], width: int, height: int) -> _Frame:
        lo, hi = _scale([float(v) for s in series for v in s.values if v is not None])
        return cls(width, height, lo, hi)

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom

    def y(self, v: float) -> float:
        return self.top + self.plot_h * (1 - (v - self.lo) / (self.hi - self.lo))

    def ticks(self, value_format: Callable[[Number], str], *, grid: bool) -> list[str]:
        out = []
        for tick in range(5):
            v = self.lo + (self.hi - self.lo) * tick / 4
            if grid:
                out.append(
                    f'<line x1="{self.left}" x2="{self.width - self.right}" y1="{self.y(v):.1f}" '
                    f'y2="{self.y(v):.1f}" stroke="#d0d7de" stroke-width="1"/>'
                )
            out.append(
                f'<text x="{self.left - 6}" y="{self.y(v) + 4:.1f}" text-anchor="end">'
                f"{escape(value_format(v))}</text>"
            )
        return out

    def category_label(self, x: float, text: str) -> str:
        return (
            f'<text x="{x:.1f}" y="{self.height - self.bottom + 18}" text-anchor="middle">'
            f"{escape(text)}</text>"
        )

    def legend(self, series: Sequence[Series]) -> list[str]:
        out = []
        for k, s in enumerate(series):
            lx = self.left + k * 180
            out.append(
                f'<rect x="{lx}" y="{self.height - 22}" width="12" height="12" '
                f'fill="{PALETTE[k % len(PALETTE)]}"/>'
            )
            out.append(f'<text x="{lx + 16}" y="{self.height - 12}">{escape(s.name)}</text>')
        return out


def _series_chart(draw):
    """The shape every chart of series over categories shares: the SVG header with its text
    description, the marks ``draw`` puts in the frame (it also writes the description), the
    legend."""

    @functools.wraps(draw)
    def chart(
        categories: Sequence[str],
        series: Sequence[Series],
        *,
        title: str,
        width: int = 720,
        height: int = 300,
        value_format: Callable[[Number], str] = _fmt,
        chart_id: str | None = None,
    ) -> str:
        frame = _Frame.around(series, width, height)
        desc, marks = draw(frame, categories, series, value_format)
        out = _header(width, height, title, desc, chart_id or f"chart{next(_ids)}")
        return "\n".join([*out, *marks, *frame.legend(series), "</svg>"])

    return chart


@_series_chart
def line_chart(frame, categories, series, value_format) -> tuple[str, list[str]]:
    """Lines over categories (e.g. years); a missing value breaks the line, never invents 0."""
    n = max(1, len(categories) - 1)

    def x(i: int) -> float:
        return frame.left + (frame.plot_w * i / n if len(categories) > 1 else frame.plot_w / 2)

    desc = "; ".join(
        f"{s.name}: "
        + ", ".join(
            f"{c} — {value_format(v) if v is not None else 'немає даних'}"
            for c, v in zip(categories, s.values, strict=False)
        )
        for s in series
    )
    out = frame.ticks(value_format, grid=True)
    out += [frame.category_label(x(i), c) for i, c in enumerate(categories)]
    for k, s in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for i, v in enumerate(s.values):
            if v is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(i):.1f},{frame.y(float(v)):.1f}")
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{frame.y(float(v)):.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(s.name)}, {escape(categories[i])}: {escape(value_format(v))}</title></circle>"
            )
        out += [
            f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(run)}"/>'
            for run in runs
            if len(run) > 1
        ]
    return desc, out


@_series_chart
def grouped_bar_chart(frame, categories, series, value_format) -> tuple[str, list[str]]:
    """Vertical bars grouped by category (e.g. plan and fact per quarter)."""
    group_w = frame.plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(series))
    desc = "; ".join(
        f"{c}: "
        + ", ".join(
            f"{s.name} — {value_format(s.values[i]) if i < len(s.values) and s.values[i] is not None else 'немає даних'}"
            for s in series
        )
        for i, c in enumerate(categories)
    )
    zero = frame.y(0.0)
    out = [
        f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{zero:.1f}" '
        f'y2="{zero:.1f}" stroke="#57606a"/>'
    ]
    out += frame.ticks(value_format, grid=False)
    for i, c in enumerate(categories):
        gx = frame.left + i * group_w + group_w * 0.1
        out.append(frame.category_label(frame.left + i * group_w + group_w / 2, c))
        for k, s in enumerate(series):
            v = s.values[i] if i < len(s.values) else None
            if v is None:
                continue
            top = min(frame.y(float(v)), zero)
            h = abs(zero - frame.y(float(v)))
            out.append(
                f'<rect x="{gx + k * bar_w:.1f}" y="{top:.1f}" width="{bar_w * 0.95:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(s.name)}, {escape(c)}: '
                f"{escape(value_format(v))}</title></rect>"
            )
    return desc, out


@dataclass(frozen=True)
class Span:
    """One item of a :func:`budget_chart`: its cost placed where its turn came (``start``)."""

    label: str
    start: Number
    cost: Number
    highlight: bool = False
    note: str = ""


def budget_chart(
    spans: Sequence[Span],
    budget: Number,
    *,
    title: str,
    budget_label: str,
    value_format: Callable[[Number], str] = _fmt,
    chart_id: str | None = None,
    wrap_at: int = 34,
) -> str:
    """Costs against a budget line, fluid like :func:`fluid_bar_chart`: each item's bar starts
    at what was spent before its turn, so a bar that crosses the dashed budget line did not fit.
    """
    chart_id = chart_id or f"chart{next(_ids)}"
    line, bar_height, gap = 18, 16, 12
    top = max([float(budget), *(float(s.start) + float(s.cost) for s in spans)]) or 1.0

    def at(value: float) -> float:
        return value / top * 96  # percent of the width, a little room at the right

    desc = f"{budget_label}: {value_format(budget)}. " + "; ".join(
        f"{s.label}: {value_format(s.cost)}" + (f", {s.note}" if s.note else "") for s in spans
    )
    body, y = [], gap + line
    mark = at(float(budget))
    body.append(
        f'<text class="budget-label" x="{mark:.2f}%" y="{y - 4}" text-anchor="end">'
        f"{escape(budget_label)} {escape(value_format(budget))}</text>"
    )
    y += 6
    first = y
    for span in spans:
        for text in textwrap.wrap(span.label, wrap_at, break_long_words=True) or [""]:
            y += line
            body.append(f'<text x="0" y="{y - 4}">{escape(text)}</text>')
        x, width = at(float(span.start)), at(float(span.cost))
        cls = "bar selected" if span.highlight else "bar"
        tip = f"{span.label}: {value_format(span.cost)}" + (f", {span.note}" if span.note else "")
        body.append(
            f'<rect class="{cls}" x="{x:.2f}%" y="{y + 2}" width="{width:.2f}%" '
            f'height="{bar_height}"><title>{escape(tip)}</title></rect>'
        )
        y += bar_height + 2 + gap
    body.append(
        f'<line class="budget-line" x1="{mark:.2f}%" x2="{mark:.2f}%" y1="{first - 2}" '
        f'y2="{y - gap + 2}"/>'
    )
    return _fluid_svg(y, title, desc, chart_id, body)


def progress_chart(
    days: Sequence[tuple[str, int]],
    goal: int,
    *,
    title: str,
    goal_label: str,
    chart_id: str | None = None,
    height: int = 180,
) -> str:
    """A running total over days (``(label, total so far)``, oldest first) against a goal line,
    fluid: one column per day as wide as the box allows, text never scaled."""
    chart_id = chart_id or f"chart{next(_ids)}"
    top_pad, bottom = 24, 22
    plot = height - top_pad - bottom
    top = max([goal, *(total for _, total in days)]) or 1
    width = 100 / max(1, len(days))

    def y(value: float) -> float:
        return top_pad + plot * (1 - value / top)

    desc = f"{goal_label}: {_fmt(goal)}. " + "; ".join(
        f"{label}: {_fmt(total)}" for label, total in days
    )
    body = []
    for k, (label, total) in enumerate(days):
        body.append(
            f'<rect class="bar" x="{k * width:.3f}%" y="{y(total):.1f}" '
            f'width="{max(width * 0.9, 0.2):.3f}%" height="{plot + top_pad - y(total):.1f}">'
            f"<title>{escape(label)}: {escape(_fmt(total))}</title></rect>"
        )
    goal_y = y(goal)
    body.append(f'<line class="budget-line" x1="0" x2="100%" y1="{goal_y:.1f}" y2="{goal_y:.1f}"/>')
    body.append(
        f'<text class="budget-label" x="100%" y="{max(goal_y - 6, 14):.1f}" text-anchor="end">'
        f"{escape(goal_label)}: {escape(_fmt(goal))}</text>"
    )
    if days:
        body.append(f'<text x="0" y="{height - 4}">{escape(days[0][0])}</text>')
        if len(days) > 1:
            body.append(
                f'<text x="100%" y="{height - 4}" text-anchor="end">{escape(days[-1][0])}</text>'
            )
    return _fluid_svg(height, title, desc, chart_id, body)


@dataclass(frozen=True)
class Point:
    """A place on a :func:`points_map`: degrees of latitude and longitude (WGS 84)."""

    label: str
    title: str
    latitude: Decimal
    longitude: Decimal


_SCALE_KM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50)
KM_PER_DEGREE = 111.32


def points_map(
    points: Sequence[Point],
    *,
    title: str,
    width: int = 400,
    height: int = 300,
    chart_id: str | None = None,
) -> str:
    """Points on a plain plane (no tiles, nothing fetched): longitude scaled by the cosine of
    the latitude, north up, with a scale bar; each point labelled and titled."""
    chart_id = chart_id or f"chart{next(_ids)}"
    pad = 34
    lat0 = sum(float(p.latitude) for p in points) / max(1, len(points))
    k = math.cos(math.radians(lat0))
    xs = [float(p.longitude) * k for p in points]
    ys = [float(p.latitude) for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.005)  # at least about 500 m across
    scale = min(width - 2 * pad, height - 2 * pad) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return width / 2 + (x - cx) * scale, height / 2 - (y - cy) * scale

    desc = "; ".join(
        f"{p.label} {p.title}: {_fmt(p.latitude)}° пн. ш., {_fmt(p.longitude)}° сх. д."
        for p in points
    )
    out = _header(width, height, title, desc, chart_id)
    out[0] = out[0].replace('class="chart"', 'class="chart map"', 1)
    out.append(f'<rect class="map-ground" x="1" y="1" width="{width - 2}" height="{height - 2}"/>')
    for p, x, y in zip(points, xs, ys, strict=True):
        px, py = at(x, y)
        anchor = "end" if px > width - 90 else "start"
        dx = -9 if anchor == "end" else 9
        out.append(
            f'<circle class="place" cx="{px:.1f}" cy="{py:.1f}" r="6"><title>'
            f"{escape(p.label)} {escape(p.title)}</title></circle>"
        )
        out.append(
            f'<text x="{px + dx:.1f}" y="{py + 4:.1f}" text-anchor="{anchor}">'
            f"{escape(p.label)}</text>"
        )
    km_per_unit = KM_PER_DEGREE / scale
    bar_km = max([km for km in _SCALE_KM if km / km_per_unit <= width / 4] or [_SCALE_KM[0]])
    bar = bar_km / km_per_unit
    out.append(
        f'<line class="scale" x1="12" x2="{12 + bar:.1f}" y1="{height - 14}" y2="{height - 14}"/>'
    )
    shown = f"{_fmt(Decimal(str(bar_km)) * 1000)} м" if bar_km < 1 else f"{_fmt(bar_km)} км"
    out.append(f'<text x="12" y="{height - 20}">{escape(shown)}</text>')
    out.append(f'<text x="{width - 12}" y="20" text-anchor="end">↑ Пн</text>')
    out.append("</svg>")
    return "\n".join(out)
