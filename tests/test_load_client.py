"""The load generator's mail catcher (benchmarks/load.py): its short cut reads civic's mails
as the full e-mail parse does, and a missing link or a second mail fails the run."""

import asyncio
import datetime as dt
import email
import email.policy
from types import SimpleNamespace

import pytest

from benchmarks.load import LINK, MailBox, message_text
from civic.mail.services import build_message

BODY = (
    "Добрий день!\n\nНа цю адресу надійшов запит підписати петицію № 7 «Тест».\n"
    "http://127.0.0.1:5000/petitions/signatures/AbCdEf_Gh-IjKlMnOpQrStUv0123456789\n"
)


def _wire(message) -> bytes:
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


@pytest.mark.parametrize("body", [BODY, "Plain ASCII text\nhttp://x/petitions/signatures/abc\n"])
def test_the_short_cut_reads_what_the_full_parse_reads(body):
    sent = build_message(
        "civic@rada.example.org", "load-1@example.com", "Тема", body, dt.datetime.now(dt.UTC)
    )
    data = _wire(sent)
    full = email.message_from_bytes(data, policy=email.policy.default)
    expected = full.get_body(("plain",)).get_content()
    assert message_text(data).replace("\r\n", "\n") == expected.replace("\r\n", "\n")
    assert LINK.search(message_text(data)).group(1) == LINK.search(expected).group(1)


def test_other_shapes_take_the_full_parse():
    message = email.message.EmailMessage()
    message["To"] = "load-1@example.com"
    message.set_content("http://x/petitions/signatures/qp-link ünïcode", cte="quoted-printable")
    message.add_alternative("<p>html</p>", subtype="html")
    assert "qp-link" in message_text(_wire(message))


def _deliver(box: MailBox, to: str, body: str) -> None:
    sent = build_message("civic@x.org", to, "Тема", body, dt.datetime.now(dt.UTC))
    envelope = SimpleNamespace(content=_wire(sent), rcpt_tos=[to])
    asyncio.run(box.handle_DATA(None, None, envelope))


def test_a_mail_without_a_link_or_a_second_mail_is_a_problem():
    box = MailBox()
    _deliver(box, "load-1@example.com", BODY)
    assert box.wait_link("load-1@example.com", timeout=0) == "AbCdEf_Gh-IjKlMnOpQrStUv0123456789"
    assert box.problems == []
    _deliver(box, "load-1@example.com", BODY)  # after the link was taken: still a duplicate
    _deliver(box, "load-2@example.com", "no link here")
    _deliver(box, "author@example.com", "the demo's own mail: not the load's business")
    assert len(box.problems) == 2
    assert box.wait_link("load-3@example.com", timeout=0) is None  # a missing mail
