from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from civic.database import Identified, UTCDateTime, utcnow
from civic.extensions import db

DAY_OFF = "day_off"
WORKING_DAY = "working_day"
DAY_KINDS = {DAY_OFF: "Неробочий день", WORKING_DAY: "Робочий день (напр., робоча субота)"}


class DeclaredDay(Identified, db.Model):
    """A day the council or the Cabinet declared non-working or working; overrides the seed."""

    __tablename__ = "declared_days"

    day_on: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class MartialLawPeriod(Identified, db.Model):
    """A period of martial law; from ``holidays_working_from`` holidays are working days."""

    __tablename__ = "martial_law_periods"

    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    holidays_working_from: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
