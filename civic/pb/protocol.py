"""The counting commission's protocol (PDF, Ukrainian, ДСТУ 4163:2020 look) from plain data.

Takes the dict of :func:`civic.pb.exports.protocol_data` and returns PDF bytes; the same data
gives byte-identical PDFs (``civic.pdf.build_pdf`` is invariant).
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.units import cm
from reportlab.platypus import Spacer

from civic.formatting import agree, uk_date, uk_number
from civic.pb.ballots import REASON_TITLES
from civic.pb.rule_names import RULE_NAMES, rule_name
from civic.pdf import build_pdf, paragraph, signature_block, styles, table

TIE_BREAK_TITLES = {
    "earlier_submission": "вище місце отримує раніше поданий проєкт, далі — за кодом",
    "cheaper": "вище місце отримує дешевший проєкт, далі — за кодом",
    "lot": "порядок визначено жеребкуванням (записаним у налаштуваннях), далі — за кодом",
}


def rule_title(code: str) -> str:
    """The rule as the protocol states it: its Ukrainian name and what it does."""
    name = rule_name(code)
    return f"«{name.title}». {name.explanation}"


RULE_TITLES = {code: rule_title(code) for code in RULE_NAMES}
CHANNEL_TITLES = {"paper": "паперові бланки", "online": "онлайн"}
BALLOTS = ("бюлетень", "бюлетені", "бюлетенів")
# How the protocol says which of one person's ballots counted (the edition's ``duplicates``).
DUPLICATE_RULES = {
    "first_cast": "кожній особі зараховано її перший за часом бюлетень",
    "online_first": "кожній особі зараховано її онлайн-бюлетень, а за його відсутності — "
    "перший за часом паперовий",
}
ROLE_TITLES = {"chair": "Голова комісії", "secretary": "Секретар комісії", "member": "Член комісії"}
NBSP = "\u00a0"  # inside an amount and between a number and its unit: never a line break there
VOTES = ("голос", "голоси", "голосів")
VOTES_GENITIVE = ("голосу", "голосів", "голосів")
YEARS_GENITIVE = ("року", "років", "років")


def _money(value) -> str:
    return uk_number(Decimal(value), 2)


def _uah(value) -> str:
    return f"{_money(value)}{NBSP}грн"


def _n(n: int, forms: tuple[str, str, str]) -> str:
    return agree(n, forms).replace(" ", NBSP, 1)


def _rule_sentence(edition: dict) -> str:
    if edition.get("rule_text"):
        return f"Правило підрахунку. {edition['rule_text']}"
    return f"Правило підрахунку: {rule_title(edition['rule'])}"


def _date(value) -> str:
    return uk_date(value) or "—"


def build_protocol(data: dict) -> bytes:
    """Render the protocol of a counted edition."""
    st = styles(12)
    edition = data["edition"]
    result = data["result"]
    ballots = result["ballots"]
    number = data.get("protocol_number", "")
    story = [
        paragraph(data["council"], st.title),
        paragraph(f"ПРОТОКОЛ №{NBSP}{number}" if number else "ПРОТОКОЛ", st.title),
        paragraph(f"підрахунку голосів: {edition['title']}", st.title),
        paragraph(f"{_date(data.get('protocol_on'))}", st.right),
        paragraph(
            f"Голосування тривало з {_date(edition['voting_starts_on'])} по "
            f"{_date(edition['voting_ends_on'])}. Дата підрахунку: "
            f"{_date(edition['counted_on'])}. Голосувати могли особи віком від "
            f"{_n(edition['min_age'], YEARS_GENITIVE)}, кожна один раз.",
            st.body,
        ),
        paragraph("1. Бюлетені", st.heading),
        paragraph(
            f"Отримано бюлетенів: {ballots['received']}; дійсних: {ballots['valid']}; "
            f"недійсних: {ballots['invalid']}.",
            st.body,
        ),
    ]
    channel_rows = [["Канал", "Отримано", "Дійсних", "Недійсних"]]
    for channel, stats in ballots.get("by_channel", {}).items():
        channel_rows.append(
            [
                CHANNEL_TITLES.get(channel, channel),
                stats["received"],
                stats["valid"],
                stats["invalid"],
            ]
        )
    story.append(table(channel_rows, [6 * cm, 3 * cm, 3 * cm, 3 * cm], numeric_columns=(1, 2, 3)))
    story.append(Spacer(1, 0.3 * cm))
    reason_rows = [["Причина недійсності", "Бюлетенів"]]
    for reason, n in ballots["invalid_by_reason"].items():
        reason_rows.append([REASON_TITLES.get(reason, reason), n])
    story.append(table(reason_rows, [12 * cm, 3 * cm], numeric_columns=(1,)))
    repeated = ballots["invalid_by_reason"].get("duplicate_voter", 0)
    if repeated:
        rule = DUPLICATE_RULES.get(edition.get("duplicates"), DUPLICATE_RULES["first_cast"])
        story.append(
            paragraph(
                f"Повторні бюлетені тих самих осіб ({agree(repeated, BALLOTS)}, паперові й "
                f"онлайн разом) не враховано: {rule}.",
                st.body,
            )
        )

    story.append(paragraph("2. Результати за категоріями", st.heading))
    story.append(paragraph(_rule_sentence(edition), st.body))
    if edition["min_votes"]:
        story.append(
            paragraph(
                f"Проєкти, що набрали менше {_n(edition['min_votes'], VOTES_GENITIVE)}, "
                "не фінансуються.",
                st.body,
            )
        )
    budget = result["budget"]
    category_titles = {c["code"]: c["title"] for c in data["categories"]}
    for category in data["categories"]:
        code = category["code"]
        story.append(paragraph(f"Категорія «{category['title']}»", st.heading))
        rows = [["Місце", "Код", "Назва", "Вартість, грн", "Папір", "Онлайн", "Усього", "Обрано"]]
        for p in result["projects"]:
            if p["category"] != code:
                continue
            funded = {"category": "так", "pool": "так, із залишку"}.get(p["funded_from"], "ні")
            rows.append(
                [
                    p["rank"],
                    p["code"],
                    p["title"],
                    _money(p["cost"]),
                    p["votes_paper"],
                    p["votes_online"],
                    p["votes"],
                    funded,
                ]
            )
        story.append(
            table(
                rows,
                [1.3 * cm, 1.6 * cm, 4.9 * cm, 2.7 * cm, 1.4 * cm, 1.6 * cm, 1.6 * cm, 1.9 * cm],
                numeric_columns=(0, 3, 4, 5, 6),
            )
        )
        b = budget.get(code, {})
        story.append(
            paragraph(
                f"Бюджет категорії: {_uah(b.get('budget', 0))}; використано: "
                f"{_uah(b.get('spent', 0))}; залишок: {_uah(b.get('left', 0))}.",
                st.body,
            )
        )

    story.append(paragraph("3. Залишок коштів", st.heading))
    pool = budget.get("pool")
    if pool is None:
        story.append(
            paragraph("Залишки категорій не об'єднуються: вони лишаються в категоріях.", st.body)
        )
    else:
        titles = {p["code"]: p["title"] for p in result["projects"]}
        chosen = ", ".join(f"{c} «{titles.get(c, '')}»" for c in pool["selected"]) or "жодного"
        story.append(
            paragraph(
                f"Залишки категорій об'єднано: {_uah(pool['available'])}. Проєкти, що не "
                "отримали фінансування, розглянуто за кількістю голосів незалежно від категорії; "
                f"профінансовано із залишку: {chosen}; використано {_uah(pool['spent'])}, "
                f"залишилось {_uah(pool['left'])}.",
                st.body,
            )
        )

    story.append(paragraph("4. Рівна кількість голосів", st.heading))
    story.append(
        paragraph(
            f"Порядок проєктів з однаковою кількістю голосів: "
            f"{TIE_BREAK_TITLES.get(edition['tie_break'], edition['tie_break'])}.",
            st.body,
        )
    )
    ties = result.get("ties", [])
    if not ties:
        story.append(paragraph("Проєктів з однаковою кількістю голосів не було.", st.body))
    for tie in ties:
        if tie["where"] == "pool":
            where = "Спільний залишок"
        else:
            where = f"Категорія «{category_titles.get(tie['where'], tie['where'])}»"
        story.append(
            paragraph(
                f"{where}: {_n(tie['votes'], VOTES)} — порядок {', '.join(tie['order'])}.",
                st.body,
            )
        )

    story.append(paragraph("5. Контрольна сума", st.heading))
    story.append(
        paragraph(
            "SHA-256 канонічного JSON вхідних даних і результатів (повторний підрахунок тих "
            f"самих даних дає ту саму суму): {result.get('digest', '')}",
            st.body_left,
        )
    )
    story.append(Spacer(1, 0.8 * cm))
    story.append(paragraph("Лічильна комісія:", st.body_left))
    members = data["commission"] or [
        {"role": role, "full_name": "", "position": ""} for role in ("chair", "secretary")
    ]
    for member in members:
        story.append(Spacer(1, 0.6 * cm))
        position = f", {member['position']}" if member.get("position") else ""
        story.append(
            signature_block(
                f"{ROLE_TITLES.get(member['role'], 'Член комісії')}{position}",
                f"______________ {member['full_name'].replace(' ', NBSP) or '_' * 22}",
                split=0.38,
            )
        )
    digest = result.get("digest", "")
    return build_pdf(
        story,
        title=f"Протокол підрахунку голосів: {edition['title']}",
        author=data["council"],
        subject=f"Громадський бюджет {edition['slug']}; SHA-256 {digest}",
        keywords=[f"sha256:{digest}"] if digest else (),
    )
