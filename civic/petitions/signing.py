"""Who may sign: canonical mailboxes, throwaway domains, per-petition limits, trending sources.

The decisions are in the pure ``mailboxes`` module; this shell reads the settings, counts in the
database (so every gunicorn worker agrees) and flushes nothing itself: the counters are written
inside the signing transaction, which the view commits or rolls back once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from disposable_email_domains import blocklist as DISPOSABLE_BLOCKLIST
from flask import current_app
from limits import parse_many
from sqlalchemy import delete, select

from civic.database import count_in_window
from civic.extensions import db
from civic.petitions import mailboxes
from civic.petitions.models import Petition, Signature, SignCounter

LIMIT_SETTINGS = (
    ("address", "PETITION_SIGN_LIMIT_PER_ADDRESS"),
    ("domain", "PETITION_SIGN_LIMIT_PER_DOMAIN"),
    ("block", "PETITION_SIGN_LIMIT_PER_BLOCK"),
)


def _cached(name: str, key, build):
    cache = current_app.extensions.setdefault("civic.signing", {})
    hit = cache.get(name)
    if hit is None or hit[0] != key:
        hit = cache[name] = (key, build())
    return hit[1]


def mailbox_rules() -> mailboxes.MailboxRules:
    cfg = current_app.config
    key = (
        repr(cfg.get("PETITION_MAIL_ALIASES")),
        repr(cfg.get("PETITION_MAIL_DOTLESS")),
        repr(cfg.get("PETITION_MAIL_PLUS_TAGS")),
    )
    return _cached(
        "rules",
        key,
        lambda: mailboxes.MailboxRules.build(
            cfg.get("PETITION_MAIL_ALIASES"),
            cfg.get("PETITION_MAIL_DOTLESS"),
            cfg.get("PETITION_MAIL_PLUS_TAGS"),
        ),
    )


def canonical_address(email: str) -> str:
    return mailboxes.canonical(email, mailbox_rules())


def disposable_domains() -> frozenset[str]:
    cfg = current_app.config
    extra = tuple(cfg.get("PETITION_DISPOSABLE_DOMAINS") or ())
    allowed = tuple(cfg.get("PETITION_DISPOSABLE_ALLOWED") or ())

    def build():
        clean = mailboxes.clean_domain
        return frozenset(
            (set(DISPOSABLE_BLOCKLIST) | {clean(d) for d in extra}) - {clean(d) for d in allowed}
        )

    return _cached("disposable", (extra, allowed), build)


def limit_windows(kind_setting: str) -> tuple[mailboxes.Window, ...]:
    """The windows of a limit setting (``"5 per 10 minutes; 40 per day"``), parsed once."""
    text = current_app.config.get(kind_setting) or ""
    return _cached(
        kind_setting,
        text,
        lambda: (
            mailboxes.windows((i.amount, i.get_expiry()) for i in parse_many(text))
            if text.strip()
            else ()
        ),
    )


def block_of(ip: str | None) -> str | None:
    cfg = current_app.config
    return mailboxes.address_block(
        ip,
        ipv4_prefix=int(cfg.get("PETITION_SIGN_IPV4_PREFIX", 24)),
        ipv6_prefix=int(cfg.get("PETITION_SIGN_IPV6_PREFIX", 64)),
    )


def _bump(petition_id: int, kind: str, key: str, window: mailboxes.Window, epoch: int) -> int:
    """Add one signing to the window's counter (one upsert: parallel ones queue) → new count."""
    return count_in_window(
        SignCounter.__table__,
        window.seconds,
        window.start(epoch),
        petition_id=petition_id,
        kind=kind,
        key=key,
    )


REFUSALS = {
    "address": "З цієї адреси вже надіслано забагато запитів на підпис цієї петиції.",
    "domain": "З поштового домену «{key}» цю петицію зараз підписують надто часто.",
    "block": "З вашої мережі ({key}) цю петицію зараз підписують надто часто.",
}


def refusal(
    petition: Petition, email: str, hashed_email: str, *, ip: str | None, now: dt.datetime
) -> str | None:
    """Why this signing is refused (Ukrainian), or None; counts the signing if it is not.

    Throwaway domains are refused outright. Then each limit's windows (burst first) are
    counted for this petition: per canonical address (its keyed hash), per canonical domain
    (large free providers exempt) and per address block.
    """
    domain = mailboxes.canonical_domain(email.rpartition("@")[2], mailbox_rules())
    if mailboxes.is_disposable(domain, disposable_domains()):
        return (
            f"Адреси одноразової пошти ({domain}) не приймаються: підпис має бути "
            "підтверджений з вашої постійної поштової скриньки."
        )
    exempt = {
        mailboxes.clean_domain(d)
        for d in current_app.config.get("PETITION_SIGN_DOMAIN_LIMIT_EXEMPT") or ()
    }
    keys = {
        "address": hashed_email,
        "domain": None if domain in exempt else domain,
        "block": block_of(ip),
    }
    epoch = int(now.timestamp())
    for kind, setting in LIMIT_SETTINGS:
        key = keys[kind]
        if key is None:
            continue
        for window in limit_windows(setting):
            if _bump(petition.id, kind, key, window, epoch) > window.amount:
                wait = mailboxes.minutes_text(window.retry_after(epoch))
                return f"{REFUSALS[kind].format(key=key)} Спробуйте через {wait}."
    return None


def prune_counters(now: dt.datetime) -> int:
    """Delete counters whose window has ended; returns how many."""
    epoch = int(now.timestamp())
    result = db.session.execute(
        delete(SignCounter)
        .where(SignCounter.window_start + SignCounter.seconds <= epoch)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


# --- trending sources (the staff page) ------------------------------------------------------


@dataclass(frozen=True)
class Source:
    value: str  # a domain or an address block
    signatures: int
    confirmed: int


@dataclass(frozen=True)
class Trending:
    petition: Petition
    signatures: int
    domains: list[Source]
    blocks: list[Source]


def trending(*, now: dt.datetime, hours: int = 1, top: int = 10) -> list[Trending]:
    """Per petition, the mail domains and address blocks most signatures came from lately."""
    since = now - dt.timedelta(hours=hours)
    rows = db.session.execute(
        select(Signature.petition_id, Signature.email_domain, Signature.ip, Signature.confirmed_at)
        .where(Signature.created_at >= since, Signature.invalidated_at.is_(None))
        .order_by(Signature.petition_id)
    ).all()
    per_petition: dict[int, list] = {}
    for row in rows:
        per_petition.setdefault(row.petition_id, []).append(row)

    def sources(pairs) -> list[Source]:
        total, confirmed = Counter(), Counter()
        for value, is_confirmed in pairs:
            if value:
                total[value] += 1
                confirmed[value] += int(is_confirmed)
        return [Source(v, n, confirmed[v]) for v, n in total.most_common(top)]

    out = []
    for petition_id, group in per_petition.items():
        petition = db.session.get(Petition, petition_id)
        out.append(
            Trending(
                petition=petition,
                signatures=len(group),
                domains=sources((r.email_domain, r.confirmed_at is not None) for r in group),
                blocks=sources((block_of(r.ip), r.confirmed_at is not None) for r in group),
            )
        )
    out.sort(key=lambda t: (-t.signatures, t.petition.id))
    return out
