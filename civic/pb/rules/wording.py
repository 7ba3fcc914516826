"""A counting rule in one plain Ukrainian sentence, for the results page, the protocol and CLI."""

from __future__ import annotations

# fractions (which imports re and decimal) is imported where a greedy rule's numbers are written:
# the MES and Phragmén sentences, all `civic pb outcome` of such a rule needs, do without it.
if TYPE_CHECKING := False:  # not typing's: importing typing costs start-up (civic/__init__.py)
    from collections.abc import Sequence
    from decimal import Decimal
    from fractions import Fraction


def _number(value: int | Fraction | Decimal) -> str:
    from fractions import Fraction

    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}".replace(".", ",")


def _together(group: Sequence[str]) -> str:
    codes = list(group)
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} і {codes[-1]}"


def describe_rule(
    rule: str,
    *,
    points: Sequence[int | Fraction | Decimal] | None = None,
    exclusive: Sequence[Sequence[str]] = (),
    completion: int | Fraction | Decimal | None = None,
    threshold: int | Fraction | Decimal | None = None,
    per_category: bool = False,
    pool: bool = False,
) -> str:
    """One sentence a resident understands, with no internal codes such as «greedy»."""
    if rule == "equalshares":
        return (
            "Переможців визначено методом рівних часток: кожен виборець отримує рівну частку "
            "бюджету, і проєкт фінансується, якщо його прихильники можуть разом його оплатити."
        )
    if rule == "equalshares/add1":
        return (
            "Переможців визначено методом рівних часток із доповненням: частку кожного виборця "
            "збільшують, доки бюджет не буде використано якомога повніше."
        )
    if rule == "equalshares/add1-comparison":
        return (
            "Переможців визначено методом рівних часток із доповненням (частку кожного виборця "
            "збільшують на 1 грошову одиницю, доки переможці вміщуються в бюджет) і порівняли з "
            "переліком за кількістю голосів: якби більше виборців віддали перевагу переліку за "
            "кількістю голосів (у ньому більше проєктів, за які вони голосували), "
            "фінансувався б він."
        )
    if rule == "phragmen":
        return (
            "Переможців визначено методом Фрагмена: навантаження фінансування проєктів "
            "розподіляється між їхніми прихильниками якомога рівніше."
        )
    if points:
        marks = ", ".join(_number(p) for p in points)
        scored = f"за сумою балів (за місця в бюлетені — {marks})"
    else:
        scored = "за кількістю голосів"
    where = " своєї категорії" if per_category else ""
    parts = [f"Проєкти фінансуються {scored}, від найвищого, поки вистачає коштів{where}"]
    if rule == "greedy-no-skip" or completion is not None:
        parts.append("підрахунок зупиняється на першому проєкті, що не вміщується")
    else:
        parts.append("проєкт, що не вміщується, пропускається")
    if completion is not None:
        from fractions import Fraction

        share = _number(Fraction(completion) * 100)
        parts.append(
            f"якщо залишку вистачає щонайменше на {share} % вартості цього проєкту, "
            "його фінансують, доплачуючи з резерву"
        )
    if threshold:
        unit = "балів" if points else "голосів"
        parts.append(f"проєкти, що набрали менше {_number(threshold)} {unit}, не фінансуються")
    if exclusive:
        named = "; ".join(_together(g) for g in exclusive[:10])
        more = " та інші" if len(exclusive) > 10 else ""
        parts.append(
            "із проєктів, які не можна реалізувати разом (те саме місце або варіанти однієї "
            f"ідеї: {named}{more}), фінансується лише той, що стоїть вище"
        )
    if per_category and pool:
        parts.append(
            "залишки категорій об'єднуються, і з них фінансуються проєкти з найбільшою "
            "кількістю голосів, що ще не профінансовані"
            if not points
            else "залишки категорій об'єднуються, і з них фінансуються проєкти з найбільшою "
            "сумою балів, що ще не профінансовані"
        )
    return "; ".join(parts) + "."
