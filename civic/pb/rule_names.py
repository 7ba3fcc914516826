"""What the public reads for each counting rule: a Ukrainian name and a one-line explanation.

One mapping for every page and document (results page, protocol): internal codes such as
``greedy`` or ``equalshares/add1`` never reach a citizen. A new rule kind gets its line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleName:
    title: str
    explanation: str


RULE_NAMES: dict[str, RuleName] = {
    "greedy": RuleName(
        "За кількістю голосів",
        "Проєкти фінансуються за кількістю голосів, поки вистачає коштів категорії; проєкт, "
        "що не вміщується, пропускається.",
    ),
    "greedy-no-skip": RuleName(
        "За кількістю голосів, без пропуску",
        "Проєкти фінансуються за кількістю голосів; підрахунок у категорії зупиняється на "
        "першому проєкті, що не вміщується.",
    ),
    "equalshares/add1": RuleName(
        "Метод рівних часток",
        "Кожен виборець отримує рівну частку бюджету; проєкт обирають, коли його прихильники "
        "разом можуть оплатити його своїми частками, а залишок розподіляють, поступово "
        "збільшуючи частки.",
    ),
    "equalshares/add1-comparison": RuleName(
        "Метод рівних часток із порівнянням",
        "Переможців методу рівних часток порівнюють із переліком за кількістю голосів; "
        "фінансується той перелік, якому віддає перевагу більше виборців.",
    ),
    "phragmen": RuleName(
        "Послідовний метод Фрагмена",
        "Проєкти обирають по одному: щоразу той, чия вартість, поділена між прихильниками, "
        "найменше навантажує їх з урахуванням уже обраних проєктів.",
    ),
}
UNKNOWN = RuleName("Інше правило підрахунку", "Правило описано в положенні про громадський бюджет.")


def rule_name(code: str) -> RuleName:
    """The public name of a rule; an unknown code gets a generic name, never the code."""
    return RULE_NAMES.get(code, UNKNOWN)
