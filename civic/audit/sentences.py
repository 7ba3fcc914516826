"""Audit events as Ukrainian sentences (pure: plain data in, text out).

«Модератор Шевченко М. В. запропонувала відмову в оприлюдненні петиції № 12» — the actor by
role and name, the verb in the actor's grammatical gender when the account records one, else
the impersonal form («Шевченко М. В. (модератор): запропоновано відмову …»), the object in
words, and the details decoded into labelled values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from civic.petitions.lifecycle import REFUSAL_BY_CODE, STATE_LABELS

__all__ = [
    "PERSONAL_DATA_VIEWS",
    "Actor",
    "Sentence",
    "action_title",
    "describe_event",
    "short_name",
]

MASCULINE, FEMININE = "m", "f"

# action → "masculine past | feminine past | impersonal", each completed by the object's words.
_VERBS = {
    "auth.login": "увійшов до системи | увійшла до системи | вхід до системи",
    "auth.logout": "вийшов із системи | вийшла із системи | вихід із системи",
    "auth.login_failed": "ввів хибний пароль | ввела хибний пароль | невдала спроба входу",
    "auth.login_refused": "спробував увійти до вимкненого облікового запису | спробувала увійти до вимкненого облікового запису | відмовлено у вході",
    "auth.locked": "заблокував | заблокувала | заблоковано обліковий запис після спроб входу",
    "user.created": "створив обліковий запис | створила обліковий запис | створено обліковий запис",
    "user.updated": "змінив обліковий запис | змінила обліковий запис | змінено обліковий запис",
    "audit.adopted": "прийняв ланцюжок журналу аудиту | прийняла ланцюжок журналу аудиту | прийнято ланцюжок журналу аудиту",
    "pb.edition_created": "створив видання | створила видання | створено видання",
    "pb.edition_updated": "змінив налаштування видання | змінила налаштування видання | змінено налаштування видання",
    "pb.projects_imported": "імпортував проєкти видання | імпортувала проєкти видання | імпортовано проєкти видання",
    "pb.ballots_imported": "імпортував бюлетені видання | імпортувала бюлетені видання | імпортовано бюлетені видання",
    "pb.pabulib_imported": "імпортував файл pabulib до видання | імпортувала файл pabulib до видання | імпортовано файл pabulib до видання",
    "pb.discrepancy_resolved": "розв'язав розбіжність | розв'язала розбіжність | розв'язано розбіжність",
    "pb.tallied": "підрахував голоси видання | підрахувала голоси видання | підраховано голоси видання",
    "pb.closed": "закрив підрахунок видання | закрила підрахунок видання | закрито підрахунок видання",
    "pb.reopened": "відкрив знову підрахунок видання | відкрила знову підрахунок видання | знову відкрито підрахунок видання",
    "pb.personal_data_purged": "знищив персональні дані видання | знищила персональні дані видання | знищено персональні дані видання",
    "pb.personal_data_viewed": "переглянув персональні дані голосувальників: | переглянула персональні дані голосувальників: | переглянуто персональні дані голосувальників:",
    "petition.opened": "переглянув e-mail автора | переглянула e-mail автора | переглянуто e-mail автора",
    "petition.submitted": "подав | подала | подано",
    "petition.confirmed": "підтвердив | підтвердила | автор підтвердив",
    "petition.withdrawn": "відкликав | відкликала | відкликано",
    "petition.published": "оприлюднив | оприлюднила | оприлюднено",
    "petition.refusal_proposed": "запропонував відмову в оприлюдненні | запропонувала відмову в оприлюдненні | запропоновано відмову в оприлюдненні",
    "petition.refusal_rejected": "відхилив пропозицію відмови щодо | відхилила пропозицію відмови щодо | відхилено пропозицію відмови щодо",
    "petition.refused": "відмовив в оприлюдненні | відмовила в оприлюдненні | відмовлено в оприлюдненні",
    "petition.restored": "відновив | відновила | відновлено",
    "petition.taken_down": "зняв з оприлюднення | зняла з оприлюднення | знято з оприлюднення",
    "petition.corrected": "виправив | виправила | виправлено",
    "petition.closed": "закрив збір підписів | закрила збір підписів | закрито збір підписів",
    "petition.consideration_started": "почав розгляд | почала розгляд | розпочато розгляд",
    "petition.answered": "опублікував відповідь на | опублікувала відповідь на | надано відповідь на",
    "petition.archived": "переніс до архіву | перенесла до архіву | перенесено до архіву",
    "petition.invalidation_proposed": "запропонував анулювати підписи | запропонувала анулювати підписи | запропоновано анулювати підписи",
    "petition.signatures_invalidated": "анулював підписи | анулювала підписи | анульовано підписи",
    "petition.invalidation_rejected": "відхилив анулювання підписів | відхилила анулювання підписів | відхилено анулювання підписів",
    "petition.signature_count_corrected": "виправив лічильник підписів | виправила лічильник підписів | виправлено лічильник підписів",
    "petition.signatures_rehashed": "переобчислив ключі підписів | переобчислила ключі підписів | переобчислено ключі підписів",
    "petition.personal_data_purged": "знищив персональні дані | знищила персональні дані | знищено персональні дані",
    "mail.outbox_viewed": "переглянув чергу листів | переглянула чергу листів | переглянуто чергу листів",
    "mail.message_viewed": "переглянув лист | переглянула лист | переглянуто лист",
    "enterprises.enterprise_created": "додав підприємство | додала підприємство | додано підприємство",
    "enterprises.enterprise_updated": "змінив дані підприємства | змінила дані підприємства | змінено дані підприємства",
    "enterprises.upload_accepted": "завантажив звітність: | завантажила звітність: | завантажено звітність:",
    "enterprises.upload_withdrawn": "відкликав завантаження звітності: | відкликала завантаження звітності: | відкликано завантаження звітності:",
    "enterprises.catalogue_loaded": "завантажив довідник рядків форм | завантажила довідник рядків форм | завантажено довідник рядків форм",
    "enterprises.catalogue_line_saved": "змінив рядок довідника форм | змінила рядок довідника форм | змінено рядок довідника форм",
    "report.draft_generated": "сформував чернетку звіту | сформувала чернетку звіту | сформовано чернетку звіту",
    "report.draft_edited": "відредагував чернетку звіту | відредагувала чернетку звіту | відредаговано чернетку звіту",
    "report.finalised": "затвердив звіт | затвердила звіт | затверджено звіт",
    "report.template_updated": "змінив шаблон звіту | змінила шаблон звіту | змінено шаблон звіту",
    "report.journal_entry_added": "додав запис журналу | додала запис журналу | додано запис журналу",
    "report.journal_entry_updated": "змінив запис журналу | змінила запис журналу | змінено запис журналу",
    "report.journal_entry_deleted": "вилучив запис журналу | вилучила запис журналу | вилучено запис журналу",
    "report.journal_imported": "імпортував журнал діяльності | імпортувала журнал діяльності | імпортовано журнал діяльності",
    "report.entry_type_created": "додав вид запису журналу | додала вид запису журналу | додано вид запису журналу",
    "report.entry_type_updated": "змінив вид запису журналу | змінила вид запису журналу | змінено вид запису журналу",
    "report.occasion_created": "додав пам'ятну дату | додала пам'ятну дату | додано пам'ятну дату",
    "report.occasion_updated": "змінив пам'ятну дату | змінила пам'ятну дату | змінено пам'ятну дату",
    "workcalendar.day_declared": "оголосив особливий день | оголосила особливий день | оголошено особливий день",
    "workcalendar.day_removed": "вилучив особливий день | вилучила особливий день | вилучено особливий день",
    "workcalendar.martial_law_added": "додав період воєнного стану | додала період воєнного стану | додано період воєнного стану",
    "workcalendar.martial_law_ended": "завершив період воєнного стану | завершила період воєнного стану | завершено період воєнного стану",
    "workcalendar.martial_law_removed": "вилучив період воєнного стану | вилучила період воєнного стану | вилучено період воєнного стану",
}
VERBS: dict[str, tuple[str, str, str]] = {
    action: tuple(forms.split(" | ")) for action, forms in _VERBS.items()
}

# Views of personal data are logged by law; on the audit page they have a filter of their own.
PERSONAL_DATA_VIEWS = frozenset(
    {"pb.personal_data_viewed", "petition.opened", "mail.outbox_viewed", "mail.message_viewed"}
)

# The role a person acts in, by the domain of the action.
DOMAIN_ROLE = {
    "petition": "moderator",
    "pb": "commission",
    "report": "editor",
    "enterprises": "editor",
    "mail": "admin",
    "user": "admin",
    "audit": "admin",
    "workcalendar": "admin",
}
ROLE_WORDS = {
    "admin": "Адміністратор",
    "commission": "Член лічильної комісії",
    "moderator": "Модератор",
    "editor": "Редактор",
}

OBJECTS = {
    "petition": "петиції № {id}",
    "pb_edition": "«{id}»",
    "pb_discrepancy": "бюлетеня {id}",
    "pb_ballot": "бюлетеня {id}",
    "user": "користувача № {id}",
    "enterprise": "ЄДРПОУ {id}",
    "enterprise_upload": "№ {id}",
    "report_version": "№ {id}",
    "report_template": "№ {id}",
    "journal_entry": "№ {id}",
    "mail_message": "№ {id}",
}
# Actions whose object stands in the accusative («оприлюднила петицію», not «петиції»).
ACCUSATIVE = {
    "petition": "петицію № {id}",
}
ACCUSATIVE_ACTIONS = frozenset(
    {
        "petition.submitted",
        "petition.confirmed",
        "petition.withdrawn",
        "petition.published",
        "petition.restored",
        "petition.taken_down",
        "petition.corrected",
        "petition.answered",
        "petition.archived",
    }
)
OBJECT_KINDS = {
    "petition": "петиція",
    "pb_edition": "видання громадського бюджету",
    "pb_discrepancy": "розбіжність",
    "user": "обліковий запис",
    "enterprise": "підприємство",
    "enterprise_upload": "завантаження звітності",
    "report_version": "версія звіту",
    "journal_entry": "запис журналу",
}

DETAIL_LABELS = {
    "state": "стан",
    "reason": "причина",
    "legal_basis": "підстава",
    "title": "назва",
    "budget": "бюджет, грн",
    "digest": "контрольна сума",
    "counted_on": "дата підрахунку",
    "login": "логін",
    "roles": "ролі",
    "filename": "файл",
    "rows": "рядків",
    "count": "кількість",
    "year": "рік",
    "form": "форма",
    "note": "примітка",
    "explanation": "пояснення",
    "valid": "дійсних",
    "received": "отримано",
    "open_discrepancies": "відкритих розбіжностей",
    "full_name": "ПІБ",
    "is_active": "активний",
    "due_on": "строк",
    "values_removed": "вилучено значень",
    "was_current": "було чинним",
    "file": "файл",
    "edrpou": "ЄДРПОУ",
    "sha256": "SHA-256",
    "values": "значень",
    "warnings": "попереджень",
    "replaced_upload": "замінене завантаження №",
    "paragraphs": "абзаців",
    "month": "місяць",
    "calendar": "версія календаря",
}
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Actor:
    """Who acted, as the accounts table knows them (``gender``: ``m``, ``f`` or empty)."""

    login: str
    full_name: str = ""
    roles: frozenset[str] = frozenset()
    gender: str = ""


@dataclass(frozen=True)
class Sentence:
    text: str
    details: tuple[tuple[str, str], ...]
    is_personal_data_view: bool


def short_name(full_name: str) -> str:
    """«Шевченко Марія Василівна» → «Шевченко М. В.» (surname first, as Ukrainian offices write)."""
    parts = full_name.split()
    if len(parts) != 3:  # not «прізвище ім'я по батькові»: as written
        return " ".join(parts)
    return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:])])


def action_title(action: str) -> str:
    """The impersonal words of an action, for the filter's list («запропоновано відмову …»)."""
    verbs = VERBS.get(action)
    return verbs[2].rstrip(":") if verbs else action


def _role_word(action: str, roles: frozenset[str]) -> str:
    wanted = DOMAIN_ROLE.get(action.split(".")[0], "")
    if wanted in roles:
        return ROLE_WORDS[wanted]
    for role in ("admin", "commission", "moderator", "editor"):
        if role in roles:
            return ROLE_WORDS[role]
    return ""


def _object_words(action: str, object_type: str | None, object_id: str | None) -> str:
    if not object_type or object_id in (None, "") or action.startswith("auth."):
        return ""  # a login names its account already: the actor
    if action in ACCUSATIVE_ACTIONS and object_type in ACCUSATIVE:
        return ACCUSATIVE[object_type].format(id=object_id)
    return OBJECTS.get(object_type, "{id}").format(id=object_id)


def _value(key: str, value: object) -> str:
    if key == "state" and isinstance(value, str):
        return next((label for state, label in STATE_LABELS.items() if state == value), value)
    if key == "reason" and isinstance(value, str) and value in REFUSAL_BY_CODE:
        return REFUSAL_BY_CODE[value].title
    if key == "budget" and isinstance(value, str) and re.fullmatch(r"\d+(\.\d\d)?", value):
        whole, _, cents = value.partition(".")
        return f"{int(whole):,}".replace(",", "\u00a0") + f",{cents or '00'}"
    if key == "roles" and isinstance(value, list):
        return ", ".join(ROLE_WORDS.get(str(r), str(r)).lower() for r in value)
    if key in ("digest", "sha256") and isinstance(value, str) and len(value) > 16:
        return f"{value[:12]}…"
    if isinstance(value, bool):
        return "так" if value else "ні"
    if isinstance(value, str) and (day := _ISO_DAY.fullmatch(value)):
        return f"{day[3]}.{day[2]}.{day[1]}"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def describe_event(
    action: str,
    *,
    object_type: str | None,
    object_id: str | None,
    details: Mapping | None,
    actor: Actor | None,
    actor_login: str | None = None,
) -> Sentence:
    """The sentence of one event: «Модератор Шевченко М. В. оприлюднила петицію № 12»."""
    masculine, feminine, impersonal = VERBS.get(action, ("", "", f"дія «{action}»"))
    what = _object_words(action, object_type, object_id)
    if actor is not None:
        name = short_name(actor.full_name) or actor.login
        role = _role_word(action, actor.roles)
        if actor.gender in (MASCULINE, FEMININE) and masculine:
            verb = masculine if actor.gender == MASCULINE else feminine
            who = f"{role} {name}" if role else name
            text = f"{who} {verb} {what}"
        else:
            who = f"{name} ({role[:1].lower()}{role[1:]})" if role else name
            text = f"{who}: {impersonal} {what}"
    elif actor_login:
        text = f"{actor_login}: {impersonal} {what}"
    else:
        text = f"{impersonal[:1].upper()}{impersonal[1:]} {what}"
    pairs = tuple(
        (DETAIL_LABELS.get(str(key), str(key)), _value(str(key), value))
        for key, value in (details or {}).items()
        if key != "diff" and value not in (None, "", [], {})
    )
    return Sentence(
        text=" ".join(text.split()).replace(": :", ":").rstrip(":") + ".",
        details=pairs,
        is_personal_data_view=action in PERSONAL_DATA_VIEWS,
    )
