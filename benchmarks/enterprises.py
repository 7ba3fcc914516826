"""Benchmark the enterprises module: parsing, end-to-end imports and the public dashboards.

Run: ``python -m benchmarks.enterprises [--enterprises 100]``. Uses a throwaway SQLite instance.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from civic.enterprises.demo import demo_form1, demo_form2, form1_csv_cp1251, form2_csv_utf8


def timed(label: str, fn, count: int, unit: str):
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label}: {elapsed:.2f} s, {count / elapsed:,.0f} {unit}/s, peak {peak / 2**20:.1f} MiB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    from civic.enterprises.catalogue import parse_catalogue
    from civic.enterprises.statements import parse_statement

    data_dir = Path(__file__).resolve().parent.parent / "civic" / "enterprises" / "data"
    lines = parse_catalogue((data_dir / "form1.csv").read_bytes(), "form1.csv")
    rng = random.Random(1)
    body = "\r\n".join(
        f"{1000 + i};{rng.randint(0, 10**7)},{rng.randint(0, 9)}" for i in range(args.rows)
    )
    big = ("Код рядка;На кінець звітного періоду\r\n" + body).encode("cp1251")
    timed(
        f"parse a {args.rows:,}-row Form 1 CSV (cp1251)",
        lambda: parse_statement(big, "big.csv", "1", lines),
        args.rows,
        "rows",
    )

    from civic.enterprises.plan_title import read_title

    # The widest title block a plan file can carry above its header (tests/enterprises/
    # test_plan_files.py reads the same one): 30 000-letter cells, a 16 384-cell row.
    hostile = [(line, ["одиниц" * 5000, "Рік"] * 8) for line in range(1, 19)]
    hostile += [(19, ["Рік"] * 16384), (20, ["Одиниці виміру: тис. грн", "Рік", "2025"])]
    timed("read a hostile 20-row plan title block", lambda: read_title(hostile), 1, "blocks")

    from civic import create_app
    from civic.enterprises import services
    from civic.enterprises.statements import EnterpriseEntry
    from civic.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                "WTF_CSRF_ENABLED": False,
                "SECRET_KEY": "bench",
                "PERSONAL_DATA_KEY": "bench",
            },
            instance_path=tmp,
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            files = []
            for n in range(args.enterprises):
                edrpou = f"{98000000 + n:08d}"
                services.save_enterprise(EnterpriseEntry(edrpou, f"КП «Тестове {n}»", "ЗМ"[n % 2]))
                for year in (2018, 2019, 2020):
                    files.append(
                        (edrpou, year, "1", form1_csv_cp1251(demo_form1(20000, rng), None))
                    )
                    files.append((edrpou, year, "2", form2_csv_utf8(demo_form2(20000, rng), None)))
            db.session.commit()

            def import_all():
                for edrpou, year, form, data in files:
                    services.import_statement(
                        data, f"{edrpou}-{year}-{form}.csv", edrpou=edrpou, year=year, form=form
                    )
                    db.session.commit()

            timed(
                f"import {len(files)} statements (one transaction each, SQLite)",
                import_all,
                len(files),
                "files",
            )
        client = app.test_client()
        timed(
            f"render /enterprises with {args.enterprises} enterprises",
            lambda: client.get("/enterprises"),
            1,
            "pages",
        )
        timed(
            "render one enterprise dashboard x20",
            lambda: [client.get("/enterprises/98000000") for _ in range(20)],
            20,
            "pages",
        )
        timed(
            "open-data CSV of every fact",
            lambda: client.get("/enterprises/open-data/facts.csv"),
            1,
            "exports",
        )


if __name__ == "__main__":
    main()
