"""Petitions benchmark: working-day clocks, similar-title screening, signing and export.

Run: ``python -m benchmarks.petitions [--signatures N] [--petitions N]`` (SQLite in a temp dir,
or ``CIVIC_DATABASE_URL`` for PostgreSQL). Prints throughput and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
import tracemalloc


def timed(label: str, n: int, fn):
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{label:<48} {n:>8} in {elapsed:7.3f} s = {n / elapsed:>10.0f}/s, peak {peak / 2**20:6.1f} MiB"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=2000)
    parser.add_argument("--petitions", type=int, default=2000)
    args = parser.parse_args()

    from civic import workdays
    from civic.petitions import screening

    calendar = workdays.default_calendar()
    rng = random.Random(1)
    starts = [dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 4000)) for _ in range(20000)]
    timed(
        "add_working_days(d, 10)",
        len(starts),
        lambda: [workdays.add_working_days(calendar, d, 10) for d in starts],
    )

    words = [
        "облаштувати",
        "відремонтувати",
        "встановити",
        "світлофор",
        "дорогу",
        "тротуар",
        "вулиці",
        "парку",
        "школи",
        "велодоріжку",
        "сквер",
        "освітлення",
        "зупинку",
        "лавки",
        "майданчик",
    ]
    titles = [(i, " ".join(rng.sample(words, 5))) for i in range(args.petitions)]
    searches = [" ".join(rng.sample(words, 4)) for _ in range(50)]
    timed(
        f"similar_titles over {args.petitions} titles",
        len(searches),
        lambda: [screening.similar_titles(q, titles) for q in searches],
    )

    from civic import create_app
    from civic.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "MAIL_SERVER": None,
                "RATELIMIT_ENABLED": False,
                # One simulated block and domain sign thousands of times.
                "PETITION_SIGN_LIMIT_PER_DOMAIN": "",
                "PETITION_SIGN_LIMIT_PER_BLOCK": "",
            },
            instance_path=tmp,
        )
        with app.app_context():
            from flask_migrate import upgrade

            from civic.auth.services import create_user
            from civic.database import utcnow
            from civic.petitions import opendata, queries, services, signatures

            upgrade()
            moderator = create_user("bench", "measure-secret-2026", ("moderator",))
            petition, _ = services.submit_petition(
                "Бенчмарк петиція про парк",
                "Текст " * 20,
                "Автор Бенчмарку",
                "a@example.com",
                ip=None,
                now=utcnow(),
            )
            services.confirm_petition(petition, now=utcnow())
            services.publish_petition(
                petition, actor=moderator, version=None, today=services.today_kyiv()
            )
            db.session.commit()

            def sign_all():
                for i in range(args.signatures):
                    signature = signatures.sign_petition(
                        petition, f"Підписант {i}", f"s{i}@example.com", ip="10.0.0.1", now=utcnow()
                    )
                    signatures.confirm_signature(signature, now=utcnow())
                    db.session.commit()

            timed("sign + confirm (+ outbox .eml), commit each", args.signatures, sign_all)
            timed(
                "export_rows (open data)",
                1,
                lambda: opendata.export_rows(today=services.today_kyiv()),
            )
            timed("list_signers", 1, lambda: queries.list_signers(petition))
            db.engine.dispose()


if __name__ == "__main__":
    main()
