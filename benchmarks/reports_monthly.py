"""Benchmark: the monthly report — pure model, PDF rendering, and the whole path on SQLite.

Run: ``python -m benchmarks.reports_monthly [--entries 20000] [--repeat 5]``.
Prints wall time per step and peak Python memory (tracemalloc).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from civic.reports import demo_data
from civic.reports.defaults import default_settings
from civic.reports.monthly import (
    JournalItem,
    ModuleStats,
    ReportParagraph,
    build_monthly_report,
)
from civic.reports.rendering import render_report_pdf

NOV = dt.date(2020, 11, 1)
TYPES = ("news", "act", "video", "media", "greeting", "meeting", "online_seminar", "oblast_info")


def _entries(n: int) -> list[JournalItem]:
    rnd = random.Random(7)
    rows = [JournalItem(*row) for row in demo_data.NOVEMBER_2020]
    for i in range(n):
        rows.append(
            JournalItem(
                dt.date(2020, 11, rnd.randint(1, 30)),
                rnd.choice(TYPES),
                f"Новина №{i} про роботу виконавчого комітету",
                rnd.randint(1, 3),
            )
        )
    return rows


def _timed(label: str, fn, repeat: int):
    """Median wall time over ``repeat`` runs, then one more run under tracemalloc for the peak."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    if repeat > 1:
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory = f"peak {peak / 2**20:6.1f} MiB"
    else:
        memory = ""
    print(f"{label:<58} median {statistics.median(times) * 1000:8.1f} ms   {memory}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = default_settings(signer_position="Т.в.о. начальника відділу", signer_name="О.О.Гук")
    demo = [JournalItem(*row) for row in demo_data.NOVEMBER_2020]
    many = _entries(args.entries)

    report = _timed(
        "model: demo journal (25 lines)",
        lambda: build_monthly_report(NOV, demo, ModuleStats(), settings),
        args.repeat,
    )
    _timed(
        f"model: {len(many):,} journal lines",
        lambda: build_monthly_report(NOV, many, ModuleStats(), settings),
        args.repeat,
    )
    _timed(
        "PDF: demo report (2 pages)",
        lambda: render_report_pdf(report, author="Відділ"),
        args.repeat,
    )
    long = type(report)(
        **{
            **report.__dict__,
            "paragraphs": report.paragraphs
            + tuple(
                ReportParagraph(f"x{i}", "Довгий абзац звіту про роботу відділу. " * 12)
                for i in range(200)
            ),
        }
    )
    data = _timed(
        "PDF: long report (200 extra paragraphs)",
        lambda: render_report_pdf(long, author="Відділ"),
        args.repeat,
    )
    print(f"{'':<58} ({len(data) / 1024:.0f} KiB)")

    # The whole path: import the website's news export, build from the database, render.
    from civic import create_app
    from civic.extensions import db
    from civic.reports import journal, versions

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench"}, instance_path=Path(folder))
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            lines = ["Дата;Заголовок;Посилання"] + [
                f"{(i % 30) + 1:02d}.11.2020;Новина {i};https://nizhynrada.gov.ua/n/{i}"
                for i in range(args.entries)
            ]
            payload = "\n".join(lines).encode("utf-8")

            def do_import():
                journal.import_journal(payload, "news.csv")
                db.session.commit()

            _timed(f"service: import CSV of {args.entries:,} news lines (SQLite)", do_import, 1)
            _timed(
                "service: build report from the database + PDF (SQLite)",
                lambda: versions.render_pdf(versions.build_report(NOV)),
                args.repeat,
            )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
