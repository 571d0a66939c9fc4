"""core.mail.send_each: one message per address, nobody sees the others, an outage never raises."""

import logging
from types import SimpleNamespace

import pytest
from django.utils import translation

from core.mail import send_each

pytestmark = pytest.mark.django_db

TEMPLATE = "agreements/email/circulated"


def _context():
    cluster = SimpleNamespace(name="Cụm thi đua số 1")
    agreement = SimpleNamespace(
        title="Giao ước thi đua năm 2020",
        cluster_year=SimpleNamespace(cluster=cluster, year=2020),
        is_demo=False,
    )
    return {"agreement": agreement, "link": "https://thidua.invalid/agreements/1/"}


def test_one_message_per_distinct_address_and_blanks_skipped(mailoutbox):
    sent = send_each(["b@x.invalid", "a@x.invalid", "", "b@x.invalid", None], TEMPLATE, _context())
    assert sent == 2
    assert [m.to for m in mailoutbox] == [["a@x.invalid"], ["b@x.invalid"]]
    assert "\n" not in mailoutbox[0].subject and "Cụm thi đua số 1" in mailoutbox[0].subject
    assert "https://thidua.invalid/agreements/1/" in mailoutbox[0].body


def test_the_mail_is_in_vietnamese_whatever_language_the_sender_reads(mailoutbox):
    with translation.override("en"):
        send_each(["a@x.invalid"], TEMPLATE, _context())
        assert translation.get_language() == "en"  # the sender's own language is left alone
    [message] = mailoutbox
    assert message.subject == "Dự thảo lấy ý kiến: Giao ước thi đua năm 2020 (Cụm thi đua số 1)"
    assert "đã gửi lấy ý kiến dự thảo" in message.body
    assert "has circulated" not in message.body


def test_nobody_to_write_to_sends_nothing(mailoutbox):
    assert send_each(["", None], TEMPLATE, _context()) == 0
    assert mailoutbox == []


def test_a_mail_server_outage_is_logged_not_raised(settings, caplog):
    # An SMTP server on a closed port of the loopback: the connection is refused (an OSError).
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with caplog.at_level(logging.ERROR, logger="core.mail"):
        assert send_each(["a@x.invalid"], TEMPLATE, _context()) == 1
    assert "Could not send agreements/email/circulated to 1 recipients" in caplog.text
