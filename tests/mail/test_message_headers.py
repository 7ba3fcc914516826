"""The headers of a built message: what goes in comes back out of a mail client's parser, and a
line break can never start a header of its own."""

import datetime as dt
import email
import email.policy

import pytest

from civic.mail.services import build_message

WHEN = dt.datetime(2026, 12, 4, 1, 2, 3, tzinfo=dt.UTC)


def parsed(message):
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


@pytest.mark.parametrize(
    ("sender", "to"),
    [
        ("civic@localhost", "citizen@example.com"),
        ("Civic Council <civic@rada.example.org>", "load-1-2-3@example.com"),
        ("Міська рада <rada@example.org>", "citizen@example.com"),
        ("civic@localhost", "a-very-long-local-part-" + "x" * 60 + "@example.com"),
    ],
)
def test_addresses_date_and_id_read_back_as_given(sender, to):
    message = parsed(build_message(sender, to, "Тема", "Текст листа.\n", WHEN))
    assert str(message["From"]) == sender
    assert str(message["To"]) == to
    assert message["Date"].datetime == WHEN
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith(">")
    assert message.get_body(("plain",)).get_content() == "Текст листа.\n"


@pytest.mark.parametrize("to", ["a@example.com\r\nBcc: x@evil.example", "a@example.com\nX: y"])
def test_a_line_break_in_an_address_is_refused(to):
    with pytest.raises(ValueError):
        build_message("civic@localhost", to, "Тема", "Текст", WHEN)
