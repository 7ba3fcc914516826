"""When two e-mail addresses are one mailbox, which domains are throwaway, which block an IP is in.

Pure: no flask, no sqlalchemy, no clock. The services pass in the rules (from settings) and the
time; this module decides.

The canonical form of an address is what makes two signatures "the same person"
(``Ivan.Petrenko+pb@googlemail.com`` and ``ivanpetrenko@gmail.com`` are one Gmail mailbox); the
address the citizen typed is still where the mail goes. The rules follow alphagov/e-petitions'
``Domain.normalize``: a domain may be an alias of another (googlemail.com → gmail.com), may
ignore dots in the local part (Gmail), and may ignore a ``+tag`` (most large providers).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Domains that deliver to one mailbox under another name.
DEFAULT_ALIASES: Mapping[str, str] = {"googlemail.com": "gmail.com"}
# Domains whose local part ignores dots (only Gmail does this for every account).
DEFAULT_DOTLESS: tuple[str, ...] = ("gmail.com",)
# Domains that deliver ``name+anything@`` to ``name@`` (sub-addressing).
DEFAULT_PLUS_TAGS: tuple[str, ...] = (
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "fastmail.com",
    "yandex.ru",
    "yandex.ua",
)


def clean_domain(domain: str) -> str:
    """Lower case, no surrounding dots or spaces, internationalised names in their ASCII form."""
    domain = domain.strip().strip(".").lower()
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return domain


@dataclass(frozen=True)
class MailboxRules:
    aliases: Mapping[str, str]
    dotless: frozenset[str]
    plus_tags: frozenset[str]

    @classmethod
    def build(
        cls,
        aliases: Mapping[str, str] | None = None,
        dotless: Iterable[str] | None = None,
        plus_tags: Iterable[str] | None = None,
    ) -> MailboxRules:
        """Rules with every alias chain resolved (a → b → c becomes a → c) and names cleaned."""
        raw = {
            clean_domain(k): clean_domain(v)
            for k, v in (DEFAULT_ALIASES if aliases is None else aliases).items()
        }
        resolved = {}
        for name in raw:
            target, seen = name, set()
            while target in raw and target not in seen:
                seen.add(target)
                target = raw[target]
            if target != name:
                resolved[name] = target
        return cls(
            aliases=resolved,
            dotless=frozenset(
                clean_domain(d) for d in (DEFAULT_DOTLESS if dotless is None else dotless)
            ),
            plus_tags=frozenset(
                clean_domain(d) for d in (DEFAULT_PLUS_TAGS if plus_tags is None else plus_tags)
            ),
        )


DEFAULT_RULES = MailboxRules.build()


def split(address: str) -> tuple[str, str]:
    """``(local part, clean domain)``; the local part only trimmed and lower-cased."""
    local, _, domain = address.strip().rpartition("@")
    return local.lower(), clean_domain(domain)


def canonical_domain(domain: str, rules: MailboxRules = DEFAULT_RULES) -> str:
    domain = clean_domain(domain)
    return rules.aliases.get(domain, domain)


def canonical(address: str, rules: MailboxRules = DEFAULT_RULES) -> str:
    """The one spelling of the mailbox ``address`` delivers to (for uniqueness, never for mail)."""
    local, domain = split(address)
    domain = rules.aliases.get(domain, domain)
    if domain in rules.plus_tags:
        untagged = local.split("+", 1)[0]
        local = untagged or local
    if domain in rules.dotless:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def is_disposable(domain: str, blocked: frozenset[str] | set[str]) -> bool:
    """True if ``domain`` or any domain above it (``x.mailinator.com``) is in ``blocked``."""
    labels = clean_domain(domain).split(".")
    return any(".".join(labels[i:]) in blocked for i in range(len(labels) - 1))


def address_block(ip: str | None, *, ipv4_prefix: int = 24, ipv6_prefix: int = 64) -> str | None:
    """The network an address belongs to (``203.0.113.0/24``, ``2001:db8:1:2::/64``), or None.

    An IPv4 address written as IPv6 (``::ffff:203.0.113.7``) is the IPv4 address.
    """
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = ipv4_prefix if address.version == 4 else ipv6_prefix
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


# --- per-petition limits --------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """One fixed window of a limit: at most ``amount`` signings per ``seconds``."""

    amount: int
    seconds: int

    def start(self, epoch: int) -> int:
        """The start (Unix seconds) of the window that holds ``epoch``."""
        return epoch - epoch % self.seconds

    def retry_after(self, epoch: int) -> int:
        """Seconds until the window holding ``epoch`` ends."""
        return self.start(epoch) + self.seconds - epoch


def windows(items: Iterable[tuple[int, int]]) -> tuple[Window, ...]:
    """Windows from ``(amount, seconds)`` pairs, shortest (the burst) first."""
    return tuple(sorted((Window(int(a), int(s)) for a, s in items), key=lambda w: w.seconds))


def minutes_text(seconds: int) -> str:
    """«5 хв», «2 год 5 хв» — how long to wait, rounded up to a minute."""
    minutes = max(1, -(-seconds // 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} год {minutes} хв"
    return f"{hours} год" if hours else f"{minutes} хв"
