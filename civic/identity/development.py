"""The development identity provider's citizens (pure): answers shaped like ID.GOV.UA's.

``make run`` and the browser tests sign petitions (later: vote) as one of these people without
a state account. Each goes through the same :func:`citizen_from_idgovua` as a real answer, so
the development provider tests the core too. The РНОКПП are made here with a valid check digit
and the birth date they encode; none belongs to a real person (the serial part is 9999 and
above the range the tax service issues first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stdnum.ua import rntrc

_EPOCH = dt.date(1899, 12, 31)


def made_up_rnokpp(birth_on: dt.date, serial: int) -> str:
    """A well-formed РНОКПП for ``birth_on`` (five digits of days, four of serial, a check)."""
    body = f"{(birth_on - _EPOCH).days:05d}{serial:04d}"
    return body + rntrc.calc_check_digit(body)


@dataclass(frozen=True)
class Person:
    lastname: str
    givenname: str
    middlename: str
    born: dt.date
    address: str
    email: str = ""
    passport: str = ""  # refused a tax number: the passport number stands in its place

    @property
    def full_name(self) -> str:
        return f"{self.lastname} {self.givenname} {self.middlename}"

    def answer(self, serial: int) -> dict:
        """What ``get-user-info`` would send for this person."""
        return {
            "auth_type": "dev",
            "lastname": self.lastname,
            "givenname": self.givenname,
            "middlename": self.middlename,
            "drfocode": self.passport or made_up_rnokpp(self.born, serial),
            "email": self.email,
            "address": self.address,
        }


PEOPLE = (
    Person(
        "Шевченко",
        "Оксана",
        "Петрівна",
        dt.date(1985, 3, 14),
        "м. Ніжин, вул. Гоголя, 4",
        email="oksana.shevchenko@example.com",
    ),
    Person(
        "Коваленко", "Андрій", "Миколайович", dt.date(1992, 11, 2), "м. Ніжин, вул. Шевченка, 101"
    ),
    Person("Бондар", "Ірина", "Василівна", dt.date(2009, 6, 20), "м. Ніжин, вул. Озерна, 12"),
    Person("Мельник", "Тарас", "Іванович", dt.date(1960, 1, 30), "м. Чернігів, просп. Миру, 7"),
    Person(
        "Гончаренко",
        "Марія",
        "Степанівна",
        dt.date(1971, 9, 8),
        "м. Ніжин, вул. Московська, 3",
        passport="МК123456",
    ),
    # A provider answer without an address: the PB online vote asks where the person lives.
    Person("Ткаченко", "Олег", "Васильович", dt.date(1999, 4, 27), ""),
)


def answer_of(index: int) -> dict:
    """The answer for ``PEOPLE[index]``; IndexError for any other index."""
    if not 0 <= index < len(PEOPLE):
        raise IndexError(index)
    return PEOPLE[index].answer(9990 + index)
