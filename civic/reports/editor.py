"""The report editor's paragraphs (pure): their Ukrainian names by key (one mapping) and the
moves of the ↑/↓ buttons."""

from __future__ import annotations

import re

PARAGRAPH_LABELS = {
    "intro": "Вступ: напрями роботи відділу",
    "parties": "Партії та громадські організації",
    "news": "Новини та інформаційні матеріали",
    "acts": "Оприлюднені нормативні акти",
    "coverage": "Висвітлення діяльності ради в ЗМІ",
    "media": "Матеріали, надані до ЗМІ",
    "video": "Відеоролики телебачення",
    "monitoring": "Моніторинг ЗМІ",
    "petitions_duty": "Модерування системи петицій",
    "petitions": "Електронні петиції за місяць",
    "other": "Інші заходи",
    "enterprises_duty": "«Відкритий бюджет» комунальних підприємств",
    "enterprises": "Звітність комунальних підприємств за місяць",
    "oblast": "Інформування обласної адміністрації",
    "meetings": "Наради, засідання, зустрічі",
    "greetings": "Офіційні привітання",
    "pb": "Громадський бюджет: підрахунок голосів",
    "seminars": "Семінари та навчання",
    "online_seminars": "Онлайн-семінари",
}
_ADDED = re.compile(r"added-(\d+)")


def paragraph_label(key: str) -> str:
    """«Новини та інформаційні матеріали» for ``news``; «Доданий абзац 2» for ``added-2``."""
    if key in PARAGRAPH_LABELS:
        return PARAGRAPH_LABELS[key]
    if found := _ADDED.fullmatch(key):
        return f"Доданий абзац {found[1]}"
    return "Абзац шаблону відділу"


def moved_to(count: int, move: str) -> int:
    """Where the paragraph of ``move`` («up:3», «down:0») ends up; its place if it cannot go."""
    where, _, index = move.partition(":")
    if not index.isdigit() or int(index) >= count:
        return 0
    i = int(index)
    if where == "up" and i > 0:
        return i - 1
    if where == "down" and i < count - 1:
        return i + 1
    return i


def paragraph_order(count: int, move: str) -> list[int] | None:
    """The paragraphs' new order for a press of ↑ or ↓ next to paragraph ``i`` (no JS needed)."""
    where, _, index = move.partition(":")
    if not index.isdigit() or int(index) >= count:
        return None
    i, j = int(index), moved_to(count, move)
    order = list(range(count))
    order[i], order[j] = order[j], order[i]
    return order
