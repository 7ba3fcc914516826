"""The pure mailbox rules: canonical addresses, throwaway domains, address blocks, windows."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from civic.petitions import mailboxes
from civic.petitions.mailboxes import MailboxRules, Window, address_block, canonical

GMAIL_VARIANTS = [
    "ivanpetrenko@gmail.com",
    "Ivan.Petrenko@gmail.com",
    "i.v.a.n.p.e.t.r.e.n.k.o@gmail.com",
    "ivanpetrenko+pb@gmail.com",
    "ivan.petrenko+1+2@gmail.com",
    "IVANPETRENKO@GMAIL.COM",
    "  ivanpetrenko@gmail.com  ",
    "ivanpetrenko@googlemail.com",
    "Ivan.Petrenko+x@GoogleMail.com",
    "ivanpetrenko@gmail.com.",
]


@pytest.mark.parametrize("address", GMAIL_VARIANTS)
def test_gmail_spellings_are_one_mailbox(address):
    assert canonical(address) == "ivanpetrenko@gmail.com"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        # Dots matter outside Gmail; +tags are dropped only where the provider ignores them.
        ("ivan.petrenko@ukr.net", "ivan.petrenko@ukr.net"),
        ("ivan+pb@ukr.net", "ivan+pb@ukr.net"),
        ("ivan.petrenko+pb@outlook.com", "ivan.petrenko@outlook.com"),
        ("Ivan+Spam@ICloud.com", "ivan@icloud.com"),
        ("ivan.p+1@proton.me", "ivan.p@proton.me"),
        # A name that is only a tag or only dots stays as typed, never an empty name.
        ("+tag@gmail.com", "+tag@gmail.com"),
        ("...@gmail.com", "...@gmail.com"),
        # Internationalised domains compare in their ASCII form.
        ("Олена@Пошта.укр", "олена@xn--80a1acn3a.xn--j1amh"),
        ("олена@xn--80a1acn3a.xn--j1amh", "олена@xn--80a1acn3a.xn--j1amh"),
    ],
)
def test_canonical_table(address, expected):
    assert canonical(address) == expected


def test_rules_are_configurable_and_alias_chains_resolve():
    rules = MailboxRules.build(
        aliases={"old.example": "mid.example", "mid.example": "new.example"},
        dotless=["new.example"],
        plus_tags=["ukr.net"],
    )
    assert canonical("a.b+c@old.example", rules) == "ab+c@new.example"
    assert canonical("ivan+pb@ukr.net", rules) == "ivan@ukr.net"
    # Without the default rules Gmail is an ordinary domain.
    assert canonical("Ivan.P+x@gmail.com", rules) == "ivan.p+x@gmail.com"


@pytest.mark.parametrize(
    ("domain", "disposable"),
    [
        ("mailinator.com", True),
        ("MAILINATOR.COM.", True),
        ("eu.mailinator.com", True),
        ("notmailinator.com", False),
        ("gmail.com", False),
        ("com", False),
    ],
)
def test_disposable_domains_and_their_subdomains(domain, disposable):
    assert mailboxes.is_disposable(domain, frozenset({"mailinator.com"})) is disposable


@pytest.mark.parametrize(
    ("ip", "v4", "v6", "block"),
    [
        ("203.0.113.77", 24, 64, "203.0.113.0/24"),
        ("203.0.113.77", 16, 64, "203.0.0.0/16"),
        ("::ffff:203.0.113.77", 24, 64, "203.0.113.0/24"),
        ("2001:db8:1:2:3:4:5:6", 24, 64, "2001:db8:1:2::/64"),
        ("2001:db8:1:2:3:4:5:6", 24, 48, "2001:db8:1::/48"),
        ("not an ip", 24, 64, None),
        ("", 24, 64, None),
        (None, 24, 64, None),
    ],
)
def test_address_blocks(ip, v4, v6, block):
    assert address_block(ip, ipv4_prefix=v4, ipv6_prefix=v6) == block


def test_windows_fixed_and_sorted_burst_first():
    burst, sustained = mailboxes.windows([(50, 86400), (5, 600)])
    assert burst == Window(5, 600) and sustained == Window(50, 86400)
    assert burst.start(1_000_000) == 999_600
    assert burst.retry_after(1_000_000) == 200
    assert mailboxes.minutes_text(200) == "4 хв"
    assert mailboxes.minutes_text(3 * 3600 + 1) == "3 год 1 хв"
    assert mailboxes.minutes_text(7200) == "2 год"


# --- properties ---------------------------------------------------------------------------

local_chars = st.sampled_from(list("abcdeiIOXYZ.+-_0123456789АБвгіїЇ"))
locals_ = st.text(local_chars, min_size=1, max_size=20)
domains = st.sampled_from(
    [
        "gmail.com",
        "GoogleMail.com",
        "ukr.net",
        "outlook.com",
        "i.ua",
        "Пошта.укр",
        "example.org.",
    ]
)
addresses = st.builds(lambda a, d: f"{a}@{d}", locals_, domains)


@settings(max_examples=300)
@given(addresses)
def test_canonical_is_idempotent(address):
    once = canonical(address)
    assert canonical(once) == once


@settings(max_examples=300)
@given(addresses)
def test_canonical_ignores_case_and_surrounding_space(address):
    assert canonical(address.upper()) == canonical(address) == canonical(f"  {address}\t")


@settings(max_examples=300)
@given(locals_, st.sampled_from(["gmail.com", "googlemail.com"]), st.text(local_chars, max_size=8))
def test_gmail_dots_and_tags_never_make_a_new_signer(name, domain, tag):
    # A name that is itself a tag or only dots is the edge the table covers.
    assume("+" not in name and name.replace(".", ""))
    base = canonical(f"{name}@gmail.com")
    dotted = ".".join(name)
    assert canonical(f"{dotted}+{tag}@{domain}") == base


@given(addresses)
def test_canonical_keeps_the_domain_of_non_alias_providers(address):
    domain = address.rpartition("@")[2]
    assume(domain.lower() != "googlemail.com")
    assert canonical(address).rpartition("@")[2] == mailboxes.clean_domain(domain)
