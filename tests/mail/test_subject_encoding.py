"""The Subject header survives folding: decoded by a mail client it is the text composed."""

import datetime as dt
import email
import email.policy

from hypothesis import given
from hypothesis import strategies as st

from civic.mail.services import build_message

WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=30,
).filter(str.strip)


@given(st.lists(WORDS, min_size=1, max_size=30))
def test_decoded_subject_is_the_composed_one(words):
    subject = " ".join(words)
    message = build_message(
        "civic@example.com",
        "c@example.com",
        subject,
        "Текст",
        dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
    )
    for linesep in ("\n", "\r\n"):
        raw = message.as_bytes(policy=message.policy.clone(linesep=linesep))
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["Subject"] == " ".join(subject.split())
        assert all(len(line) <= 998 for line in raw.splitlines())


def test_a_line_break_in_a_title_cannot_add_a_header():
    message = build_message(
        "civic@example.com",
        "c@example.com",
        "Петиція\r\nBcc: x@example.com",
        "Т",
        dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["Subject"] == "Петиція Bcc: x@example.com"
