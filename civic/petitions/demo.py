"""Demo petitions: a historical set at fixed dates around November 2020 (the monthly report
counts them) and a small live set relative to the day the demo is loaded (so that a fresh
``make run`` has petitions to moderate and sign). Every transition goes through the services,
so the lifecycle decides each state with an explicit ``today``."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from civic import kyiv
from civic.auth.services import get_user_by_login
from civic.database import utcnow
from civic.extensions import db
from civic.petitions import followup_services, refusal_reasons, services, signatures
from civic.petitions.models import Petition, Signature

FIRST_TITLE = "Облаштувати велодоріжку вулицею Шевченка"

SURNAMES = [
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Шевчук",
    "Поліщук",
    "Бойко",
    "Мельник",
    "Лисенко",
    "Руденко",
    "Марченко",
    "Савченко",
    "Петренко",
    "Клименко",
    "Павленко",
    "Левченко",
    "Гончаренко",
    "Кузьменко",
]
NAMES = [
    "Олена",
    "Іван",
    "Марія",
    "Андрій",
    "Наталія",
    "Олег",
    "Тетяна",
    "Сергій",
    "Ірина",
    "Микола",
    "Оксана",
    "Василь",
    "Юлія",
    "Петро",
    "Світлана",
    "Богдан",
    "Галина",
    "Дмитро",
    "Людмила",
    "Ярослав",
]
WOMEN = frozenset(
    {
        "Олена",
        "Марія",
        "Наталія",
        "Тетяна",
        "Ірина",
        "Оксана",
        "Юлія",
        "Світлана",
        "Галина",
        "Людмила",
    }
)
# A patronymic agrees with the bearer's gender: (his, hers) from the father's name.
PATRONYMICS = [
    ("Іванович", "Іванівна"),
    ("Петрович", "Петрівна"),
    ("Миколайович", "Миколаївна"),
    ("Олександрович", "Олександрівна"),
    ("Васильович", "Василівна"),
    ("Сергійович", "Сергіївна"),
]
DOMAINS = ("ukr.net", "gmail.com", "i.ua", "meta.ua", "nizhyn.net")

TEXT = (
    "Просимо Ніжинську міську раду розглянути питання, що стосується мешканців громади.\n"
    "{body}\n"
    "Пропонуємо доручити профільному управлінню підготувати проєкт рішення та передбачити "
    "кошти в бюджеті громади на наступний рік."
)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return kyiv.to_utc(dt.datetime.combine(day, dt.time(hour)))


def _add_signatures(
    petition: Petition,
    n: int,
    start: dt.date,
    end: dt.date,
    rng,
    *,
    domain: str | None = None,
    ip_prefix: str = "93.72",
) -> None:
    span = max(0, (end - start).days)
    for i in range(n):
        surname, first, (his, hers) = (
            rng.choice(SURNAMES),
            rng.choice(NAMES),
            rng.choice(PATRONYMICS),
        )
        name = f"{surname} {first} {hers if first in WOMEN else his}"
        email = f"p{petition.id}s{i}@{domain or rng.choice(DOMAINS)}"
        moment = _at(start + dt.timedelta(days=rng.randint(0, span)), rng.randint(8, 21))
        db.session.add(
            Signature(
                petition_id=petition.id,
                full_name=name,
                email=email,
                email_hash=services.email_hash(email),
                email_domain=email.rpartition("@")[2],
                ip=f"{ip_prefix}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                created_at=moment,
                confirmed_at=moment + dt.timedelta(minutes=rng.randint(1, 90)),
            )
        )
    db.session.flush()
    signatures.recount(petition.id)
    db.session.refresh(petition)


def _submit(title: str, body: str, author: str, email: str, confirmed: dt.date | None):
    petition, _ = services.submit_petition(
        title,
        TEXT.format(body=body),
        author,
        email,
        ip="127.0.0.1",
        now=(_at(confirmed) - dt.timedelta(hours=1)) if confirmed else utcnow(),
    )
    if confirmed:
        services.confirm_petition(petition, now=_at(confirmed))
    return petition


def _collect(petition, moderator, published: dt.date, signatures: int, rng, until: dt.date):
    services.publish_petition(petition, actor=moderator, version=None, today=published)
    last = min(until, petition.collection_ends_on)
    _add_signatures(petition, signatures, published, last, rng)


def load_demo(echo) -> None:
    if db.session.scalar(select(Petition.id).where(Petition.title == FIRST_TITLE)):
        echo("Петиції: демо-дані вже завантажено.")
        return
    refusal_reasons.ensure_refusal_reasons()
    rng = random.Random(2020)
    mod = get_user_by_login("moderator")
    mod2 = get_user_by_login("moderator2")
    admin = get_user_by_login("admin")
    d = dt.date

    # 1. Reached the threshold at the end of November, answered in December, archived.
    p1 = _submit(
        FIRST_TITLE,
        "Велосипедистам бракує безпечного маршруту до центру міста.",
        "Гребенюк Андрій Олегович",
        "hrebeniuk@ukr.net",
        d(2020, 9, 30),
    )
    _collect(p1, mod, d(2020, 10, 1), 290, rng, d(2020, 11, 29))
    services.sync_state(p1, today=d(2020, 12, 1))
    services.start_consideration(
        p1, actor=mod, version=None, notice_on=d(2020, 12, 1), today=d(2020, 12, 1)
    )
    services.record_answer(
        p1,
        actor=mod,
        version=None,
        outcome="supported",
        text="Виконавчий комітет підтримує петицію; велодоріжку включено до "
        "плану робіт на 2021 рік.",
        url="https://nizhynrada.gov.ua/",
        answered_on=d(2020, 12, 11),
        today=d(2020, 12, 11),
    )
    services.archive_petition(p1, actor=mod, version=None, today=d(2021, 2, 1))

    # 2. Reached the threshold on 08.11.2020; answered within 10 working days in November.
    p2 = _submit(
        "Встановити світлофор біля школи № 7",
        "Діти щодня переходять жваву дорогу без регульованого переходу.",
        "Савчук Ірина Петрівна",
        "savchuk.iryna@gmail.com",
        d(2020, 9, 8),
    )
    _collect(p2, mod, d(2020, 9, 10), 268, rng, d(2020, 11, 7))
    services.sync_state(p2, today=d(2020, 11, 9))
    services.start_consideration(
        p2, actor=mod, version=None, notice_on=d(2020, 11, 10), today=d(2020, 11, 10)
    )
    services.record_answer(
        p2,
        actor=mod2,
        version=None,
        outcome="partly",
        text="Світлофор буде встановлено у 2021 році; до того — тимчасовий "
        "пішохідний перехід з острівцем безпеки.",
        answered_on=d(2020, 11, 20),
        today=d(2020, 11, 20),
    )
    followup_services.record_followup(
        p2,
        action="Встановити світлофор біля школи № 7 у 2021 році; до того облаштувати тимчасовий "
        "пішохідний перехід з острівцем безпеки.",
        status="in_progress",
        actor=mod2,
    )

    # 3. Missed the threshold in November: an ordinary appeal, answered.
    p3 = _submit(
        "Перейменувати вулицю Космонавтів на вулицю Героїв Крут",
        "Назва має вшановувати пам'ять героїв, пов'язаних з історією краю.",
        "Остапенко Віктор Іванович",
        "ostapenko.v@i.ua",
        d(2020, 9, 18),
    )
    _collect(p3, mod, d(2020, 9, 21), 47, rng, d(2020, 11, 18))
    services.sync_state(p3, today=d(2020, 11, 20))
    services.record_answer(
        p3,
        actor=mod,
        version=None,
        outcome="not_supported",
        text="Петиція не набрала необхідної кількості підписів і розглянута як "
        "звернення громадянина; питання винесено на громадське обговорення.",
        answered_on=d(2020, 12, 3),
        today=d(2020, 12, 3),
    )

    # 4. Published in November, missed the threshold in January, archived.
    p4 = _submit(
        "Відремонтувати тротуари на вулиці Гоголя",
        "Тротуари зруйновані, люди з візочками змушені йти проїжджою частиною.",
        "Лук'яненко Оксана Миколаївна",
        "lukianenko@meta.ua",
        d(2020, 11, 2),
    )
    _collect(p4, mod, d(2020, 11, 3), 132, rng, d(2021, 1, 1))
    services.sync_state(p4, today=d(2021, 1, 2))
    services.archive_petition(p4, actor=mod, version=None, today=d(2021, 2, 10))

    # 5. Refused in November: not within the council's competence.
    p5 = _submit(
        "Знизити тарифи на газ для мешканців міста",
        "Тарифи на газ надто високі для пенсіонерів.",
        "Мороз Петро Васильович",
        "moroz.petro@ukr.net",
        d(2020, 11, 5),
    )
    services.refuse_petition(
        p5,
        actor=mod,
        version=None,
        reason_code="not_competence",
        explanation="Ціни на газ регулює НКРЕКП, а не міська рада.",
        today=d(2020, 11, 6),
    )

    # 6. Hate speech: proposed by one moderator, confirmed by another; text hidden.
    p6 = _submit(
        "Виселити з міста всіх приїжджих",
        "Текст містить образливі узагальнення щодо людей за походженням.",
        "Невідомий Автор Автор",
        "anon.author@gmail.com",
        d(2020, 11, 12),
    )
    services.refuse_petition(
        p6,
        actor=mod,
        version=None,
        reason_code="hate",
        explanation="Заклики до дискримінації за походженням.",
        today=d(2020, 11, 13),
    )
    services.confirm_refusal(p6, actor=mod2, version=None, today=d(2020, 11, 16))

    # 7. A duplicate of a petition still collecting, refused a day late.
    p7 = _submit(
        "Зробити велодоріжку на вул. Шевченка",
        "Потрібна велодоріжка на вулиці Шевченка.",
        "Гребінка Світлана Іванівна",
        "hrebinka.s@i.ua",
        d(2020, 11, 16),
    )
    services.refuse_petition(
        p7,
        actor=mod2,
        version=None,
        reason_code="duplicate",
        duplicate_of_id=p1.id,
        today=d(2020, 11, 19),
    )

    # 8. Wrongly refused as spam, restored by the admin, then published (still reached nothing).
    p8 = _submit(
        "Облаштувати собачий майданчик у парку Шевченка",
        "Власникам собак немає де вигулювати тварин без шкоди для інших.",
        "Дмитренко Юлія Сергіївна",
        "dmytrenko.yu@gmail.com",
        d(2020, 11, 16),
    )
    services.refuse_petition(
        p8, actor=mod, version=None, reason_code="spam_nonsense", today=d(2020, 11, 17)
    )
    services.restore_petition(p8, actor=admin, version=None, today=d(2020, 11, 18))
    _collect(p8, mod2, d(2020, 11, 19), 61, rng, d(2021, 1, 17))
    services.sync_state(p8, today=d(2021, 1, 18))

    # 9. Withdrawn by its author before publication.
    p9 = _submit(
        "Провести конкурс на найкращий новорічний двір",
        "Конкурс згуртує мешканців багатоквартирних будинків.",
        "Кириленко Наталія Петрівна",
        "kyrylenko.n@ukr.net",
        d(2020, 11, 25),
    )
    services.withdraw_petition(p9, today=d(2020, 11, 26))

    # 10. Published, then taken down (the author's data turned out to be someone else's).
    p10 = _submit(
        "Збудувати критий басейн у мікрорайоні Овдіївка",
        "Найближчий басейн далеко, діти не мають де займатися плаванням.",
        "Пономаренко Олег Іванович",
        "ponomarenko@meta.ua",
        d(2020, 11, 9),
    )
    _collect(p10, mod, d(2020, 11, 10), 35, rng, d(2020, 11, 26))
    services.take_down_petition(
        p10,
        actor=mod2,
        version=None,
        today=d(2020, 11, 27),
        reason="Особа, названа автором, повідомила, що петицію не подавала.",
    )

    # The live set: relative to the day the demo is loaded.
    today = services.today_kyiv()
    _submit(
        "Встановити лавки вздовж набережної Остра",
        "Літнім людям немає де відпочити під час прогулянки набережною.",
        "Зінченко Галина Василівна",
        "zinchenko.h@ukr.net",
        None,
    )
    _submit(
        "Організувати вечірні рейси автобуса № 4",
        "Після 20:00 з мікрорайону Магерки неможливо дістатися до центру.",
        "Бойко Сергій Миколайович",
        "boiko.serhii@gmail.com",
        today - dt.timedelta(days=1),
    )
    p13 = _submit(
        "Заборонити будь-які мітинги в місті",
        "Текст містить пропаганду насильства щодо учасників зібрань.",
        "Анонім Анонім Анонімович",
        "anon2@i.ua",
        today - dt.timedelta(days=1),
    )
    services.refuse_petition(
        p13,
        actor=mod,
        version=None,
        reason_code="war_violence",
        explanation="Заклики до насильства.",
        today=today,
    )
    p14 = _submit(
        "Висадити алею каштанів на вулиці Московській",
        "Вулиця потребує озеленення після реконструкції.",
        "Петренко Марія Олегівна",
        "petrenko.maria@ukr.net",
        today - dt.timedelta(days=11),
    )
    _collect(p14, mod, today - dt.timedelta(days=10), 184, rng, today)
    _add_signatures(
        p14,
        14,
        today - dt.timedelta(days=2),
        today,
        rng,
        domain="mailinator.com",
        ip_prefix="203.0",
    )
    p15 = _submit(
        "Відкрити в Ніжині безкоштовний коворкінг для молоді",
        "Молоді потрібен простір для навчання і спільних проєктів.",
        "Руденко Богдан Андрійович",
        "rudenko.b@gmail.com",
        today - dt.timedelta(days=31),
    )
    _collect(p15, mod2, today - dt.timedelta(days=30), 243, rng, today)
    echo("Петиції: завантажено 15 демонстраційних петицій (листопад 2020 і поточні).")
