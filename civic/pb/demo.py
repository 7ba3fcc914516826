"""Demo: Nizhyn's participatory budget for 2021, counted and closed on 23 Nov 2020.

Synthetic but shaped like the real edition (DOMAIN.md): paper forms and 36 online ballots cast
in civic (:mod:`civic.pb.online_demo`, two of those voters also on paper), one small and one
large project per ballot, voters 16+, budget 3 866 211 UAH; the categories leave 417 031 UAH,
which the pool gives to «WORKOUT – смуга перешкод» (399 500 UAH), as the working group did.
Every ballot is entered twice by the demo operators ``commission`` and ``commission2``; two
typing differences are resolved by ``commission3``, who typed neither copy.  Deterministic (seeded) and idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from civic.identity.citizen import birth_date_of_rnokpp
from civic.pb import double_entry, imports, online_demo, services

SLUG = "gb-2021"
EDITION_TOML = Path(__file__).resolve().parents[2] / "docs" / "examples" / "pb-edition.toml"
COUNTED_ON = dt.date(2020, 11, 23)

# code, title, category, cost, submitted_on, weight (share of the votes in its category)
PROJECTS = (
    (
        "М-01",
        "Сенсорна кімната для дітей з особливими освітніми потребами",
        "small",
        "398000.00",
        "2020-08-03",
        30,
    ),
    ("М-02", "Оновлення спортивної зали ЗОШ № 7", "small", "350000.00", "2020-08-05", 26),
    (
        "М-03",
        "Книжковий простір «Читай-місто» у бібліотеці ім. Гоголя",
        "small",
        "299900.00",
        "2020-08-10",
        21,
    ),
    ("М-04", "WORKOUT – смуга перешкод", "small", "399500.00", "2020-08-12", 19),
    ("М-05", "Велопарковки біля навчальних закладів", "small", "152000.00", "2020-08-14", 8),
    (
        "М-06",
        "Доступний вхід до ЦНАП: пандус і тактильна плитка",
        "small",
        "187400.00",
        "2020-08-17",
        7,
    ),
    ("М-07", "Літній кінотеатр у парку ім. Шевченка", "small", "236000.00", "2020-08-20", 6),
    ("М-08", "Шахові столи на Графському парку", "small", "158300.00", "2020-08-21", 5),
    ("М-09", "Обладнання для гуртка робототехніки", "small", "214700.00", "2020-08-24", 4),
    ("М-10", "Мистецька стіна на вулиці Гоголя", "small", "171250.00", "2020-08-26", 3),
    (
        "В-01",
        "Реконструкція дитячого майданчика на вул. Овдіївській",
        "large",
        "1401280.00",
        "2020-08-04",
        34,
    ),
    (
        "В-02",
        "Освітлення пішохідної алеї вздовж річки Остер",
        "large",
        "1000000.00",
        "2020-08-06",
        28,
    ),
    ("В-03", "Скейт-парк у мікрорайоні Магерки", "large", "1650000.00", "2020-08-11", 16),
    (
        "В-04",
        "Спортивний майданчик зі штучним покриттям для ліцею № 15",
        "large",
        "1480000.00",
        "2020-08-13",
        9,
    ),
    ("В-05", "Облаштування сквера на площі Заньковецької", "large", "1200000.00", "2020-08-18", 6),
    ("В-06", "Інклюзивний ігровий простір у Дитячому парку", "large", "980000.00", "2020-08-19", 4),
    ("В-07", "Зона відпочинку біля озера Магерки", "large", "760000.00", "2020-08-25", 2),
    ("В-08", "Бігова доріжка навколо стадіону «Спартак»", "large", "1120000.00", "2020-08-27", 1),
    ("В-09", "Енергоощадне освітлення вулиці Прилуцької", "large", "1330000.00", "2020-08-28", 1),
    ("В-10", "Мультимедійний зал у центрі культури", "large", "845000.00", "2020-08-31", 1),
)
SURNAMES = (
    "Коваленко",
    "Шевченко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Мельник",
    "Лисенко",
    "Руденко",
    "Савченко",
    "Гончаренко",
    "Марченко",
    "Петренко",
    "Кравець",
    "Литвиненко",
    "Мороз",
    "Поліщук",
    "Гуменюк",
    "Клименко",
    "Білоус",
)
NAMES = (
    ("Олександр", "Іванович"),
    ("Ірина", "Петрівна"),
    ("Андрій", "Миколайович"),
    ("Олена", "Василівна"),
    ("Сергій", "Олексійович"),
    ("Наталія", "Вікторівна"),
    ("Дмитро", "Сергійович"),
    ("Тетяна", "Іванівна"),
    ("Юрій", "Григорович"),
    ("Світлана", "Михайлівна"),
    ("Віктор", "Петрович"),
    ("Оксана", "Андріївна"),
)
STREETS = (
    "вул. Гоголя",
    "вул. Шевченка",
    "вул. Овдіївська",
    "вул. Прилуцька",
    "вул. Московська",
    "вул. Незалежності",
    "вул. Богуна",
    "пл. Івана Франка",
)
DOC_LETTERS = "АВЕКМНОРСТХ"


# Where the demo projects would be built (approximate places in Nizhyn): the map of winners.
PLACES = {
    "М-01": ("51.050210", "31.884710"),
    "М-02": ("51.043870", "31.876330"),
    "М-03": ("51.047260", "31.889950"),
    "М-04": ("51.055480", "31.871920"),
    "М-05": ("51.041350", "31.893240"),
    "В-01": ("51.036920", "31.881560"),
    "В-02": ("51.052830", "31.898120"),
    "В-03": ("51.060140", "31.903870"),
}


def _projects_csv() -> bytes:
    lines = ["Код;Назва;Категорія;Вартість;Дата подання;Статус;Широта;Довгота"]
    for code, title, category, cost, submitted, _w in PROJECTS:
        whole, _, kop = cost.partition(".")
        shown = f"{int(whole):,}".replace(",", " ") + f",{kop}"
        lat, lon = (v.replace(".", ",") for v in PLACES.get(code, ("", "")))
        lines.append(f"{code};{title};{category};{shown};{submitted};допущено;{lat};{lon}")
    lines.append("М-11;Фонтан на площі Ринковій;small;950 000,00;2020-08-28;не допущено;;")
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _picker(rng: random.Random):
    """Choices of one small and one large project by the projects' weights (as voters do)."""
    small = [(p[0], p[5]) for p in PROJECTS if p[2] == "small"]
    large = [(p[0], p[5]) for p in PROJECTS if p[2] == "large"]

    def pick() -> list[str]:
        return [
            rng.choices([c for c, _ in group], weights=[w for _, w in group])[0]
            for group in (small, large)
        ]

    return pick


def _forms(rng: random.Random) -> list[dict]:
    """About four hundred paper forms, with a realistic share of spoiled ones."""
    small = [(p[0], p[5]) for p in PROJECTS if p[2] == "small"]
    large = [(p[0], p[5]) for p in PROJECTS if p[2] == "large"]

    def pick(options):
        return rng.choices([c for c, _ in options], weights=[w for _, w in options])[0]

    forms = []
    people = []
    for _k in range(412):
        first, middle = rng.choice(NAMES)
        birth = dt.date(rng.randint(1940, 2003), rng.randint(1, 12), rng.randint(1, 28))
        doc = (
            rng.choice(DOC_LETTERS) + rng.choice(DOC_LETTERS) + f"{rng.randint(0, 999999):06d}"
            if rng.random() < 0.6
            else f"{rng.randint(0, 999999999):09d}"
        )
        person = {
            "full_name": f"{rng.choice(SURNAMES)} {first} {middle}",
            "birth_date": birth,
            "document": doc,
            "settlement": rng.choice(("м. Ніжин", "Ніжин", "м.Ніжин", "НІЖИН")),
            "address": f"{rng.choice(STREETS)}, {rng.randint(1, 120)}",
        }
        people.append(person)
        cast = dt.date(2020, 11, 9) + dt.timedelta(days=rng.randint(0, 13))
        codes = [pick(small), pick(large)]
        if rng.random() < 0.05:
            codes = [codes[rng.randint(0, 1)]]  # only one project chosen: still valid
        forms.append({**person, "cast_on": cast, "projects": ", ".join(codes)})
    # Spoiled forms, every reason represented.
    spoiled = [
        {**people[0], "birth_date": None},  # missing_data
        {**people[1], "document": ""},  # missing_data
        {**people[2], "cast_on": dt.date(2020, 11, 23)},  # outside_voting_period
        {**people[3], "birth_date": dt.date(2005, 3, 14)},  # underage
        {**people[4], "birth_date": dt.date(2004, 11, 20)},  # turns 16 on 20.11.2020: valid
        {**people[5], "settlement": "с. Переяслівка"},  # not_resident
        {**people[6], "settlement": "м. Чернігів"},  # not_resident
        {**people[7], "projects": "М-01, В-99"},  # unknown_project
        {**people[8], "projects": "М-11"},  # not admitted: unknown_project
        {**people[9], "projects": ""},  # no_choices
        {**people[10], "projects": "М-01, М-02, В-01"},  # too_many_choices
        {**people[11], "projects": "В-01, В-02"},  # too_many_choices
    ]
    for k, form in enumerate(spoiled):
        spoiled_form = {
            **form,
            "cast_on": form.get("cast_on") or dt.date(2020, 11, 20),
            "projects": form.get("projects", "М-02, В-02"),
            # A different person from the valid form above (own document, same name).
            "document": f"ЧН{700000 + k:06d}" if form["document"] else "",
        }
        forms.append(spoiled_form)
    # The same person twice (Latin look-alikes on the second form): duplicate_voter.
    twin = dict(forms[20])
    twin["document"] = twin["document"].replace("А", "A").replace("К", "K").replace("Н", "H")
    twin["cast_on"] = forms[20]["cast_on"] + dt.timedelta(days=1)
    forms.append(twin)
    forms.append({**forms[30], "cast_on": forms[30]["cast_on"] + dt.timedelta(days=2)})
    rng.shuffle(forms)
    return forms


# What became of two winners (and a third just contracted): status, money, dated milestones.
IMPLEMENTATION = (
    (
        "В-01",
        {
            "status": "done",
            "percent_done": 100,
            "spent": "1389640.00",
            "done_on": dt.date(2021, 9, 24),
        },
        (
            (dt.date(2021, 4, 12), "Укладено договір підряду за результатами закупівлі", None),
            (dt.date(2021, 6, 7), "Демонтовано старе обладнання, вирівняно ділянку", (126, 94, 62)),
            (dt.date(2021, 9, 24), "Встановлено гойдалки, гірку й гумове покриття", (46, 125, 50)),
        ),
    ),
    (
        "М-01",
        {"status": "works", "percent_done": 60, "spent": "231500.00"},
        (
            (dt.date(2021, 5, 18), "Укладено договір на постачання обладнання", None),
            (dt.date(2021, 9, 3), "Змонтовано сенсорну доріжку й світлові панелі", (63, 81, 181)),
        ),
    ),
    ("М-02", {"status": "contract", "percent_done": 10, "spent": "0.00"}, ()),
)


def _demo_photo(colour: tuple[int, int, int]) -> bytes:
    """A small generated JPEG standing in for a site photo (the demo ships no real photos)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (220, 230, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 480, 320), fill=colour)
    draw.ellipse((360, 30, 430, 100), fill=(250, 200, 60))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _record_implementation(edition, actor) -> None:
    from civic.pb import implementation_services as implementation

    today = dt.date(2021, 10, 1)
    for code, progress, milestones in IMPLEMENTATION:
        implementation.record_progress(edition, code, **progress, today=today, actor=actor)
        for on, text, colour in milestones:
            photo = _demo_photo(colour) if colour else None
            implementation.add_milestone(
                edition, code, happened_on=on, text=text, photo=photo, today=today, actor=actor
            )


def load_demo(echo) -> None:
    from civic.auth import services as auth
    from civic.auth.demo import demo_password
    from civic.pb.double_entry import EntryData

    if services.get_edition(SLUG) is not None:
        echo(f"Громадський бюджет: видання «{SLUG}» уже є.")
        return
    operators = []
    for login, name in (
        ("commission", "Коваленко Ірина Петрівна"),
        ("commission2", "Бондар Андрій Іванович"),
        ("commission3", "Лисенко Тетяна Григорівна"),
    ):
        user = auth.get_user_by_login(login)
        if user is None:
            password = demo_password(login)
            user = auth.create_user(login, password, ("commission",), full_name=name)
        operators.append(user)
    first, second, resolver = operators
    toml = EDITION_TOML.read_text(encoding="utf-8")
    edition = services.save_edition(online_demo.online_settings(toml), actor=first)
    imports.import_projects(edition, _projects_csv(), "проєкти-гб-2021.csv", actor=first)
    rng = random.Random(2021)
    forms = _forms(rng)
    online = online_demo.cast_online(
        edition, _picker(random.Random(2022)), surnames=SURNAMES, names=NAMES, streets=STREETS
    )
    # Two online voters also handed in a paper form, later, with their РНОКПП as the document.
    for answer, day in online[:2]:
        forms.append(
            {
                "full_name": f"{answer['lastname']} {answer['givenname']} {answer['middlename']}",
                "birth_date": birth_date_of_rnokpp(answer["drfocode"]),
                "document": answer["drfocode"],
                "settlement": "Ніжин",
                "address": answer["address"].removeprefix("м. Ніжин, "),
                "cast_on": day + dt.timedelta(days=2),
                "projects": "М-07, В-03",
            }
        )
    typo_at = {57: ("projects", "М-03, В-01"), 131: ("birth_date", None)}
    for k, form in enumerate(forms, 1):
        batch, number = str((k - 1) // 50 + 1), str(k)
        data = EntryData(
            batch=batch,
            number=number,
            cast_on=form["cast_on"],
            full_name=form["full_name"],
            birth_date=form["birth_date"],
            document=form["document"],
            settlement=form["settlement"],
            address=form["address"],
            projects=form["projects"],
        )
        double_entry.record_entry(edition, first, data)
        if k in typo_at:
            field, value = typo_at[k]
            if field == "birth_date":
                value = (form["birth_date"] or dt.date(1980, 1, 1)).replace(day=1)
            typed = EntryData(**{**data.__dict__, field: value})
            double_entry.record_entry(edition, second, typed)
        else:
            double_entry.record_entry(edition, second, data)
    now = dt.datetime(2020, 11, 23, 9, 40, tzinfo=dt.UTC)
    for discrepancy in services.list_discrepancies(edition):
        choices = dict.fromkeys(discrepancy.fields, 1)
        double_entry.resolve_discrepancy(
            edition,
            discrepancy,
            resolver,
            choices,
            "На бланку видно значення першого введення; друге — помилка набору.",
            now=now,
        )
    result = services.close_edition(
        edition, on=COUNTED_ON, actor=first, now=dt.datetime(2020, 11, 23, 15, 0, tzinfo=dt.UTC)
    )
    _record_implementation(edition, first)
    online_demo.open_edition(toml, _projects_csv(), actor=first)
    pool = result.pool
    echo(
        f"Громадський бюджет: «{edition.title}» — бюлетенів {result.received}, дійсних "
        f"{result.valid}, недійсних {result.invalid}; обрано {', '.join(result.selected)}; "
        f"із залишку {pool.available if pool else 0} грн профінансовано "
        f"{', '.join(pool.selected) if pool else '—'}."
    )
