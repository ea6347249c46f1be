"""E-mail intake (SVC-1) against a real IMAP conversation with a local fake server: a new
mail becomes a case for the sender, a reply naming the case number lands on that case, and a
mail is taken in once."""

from email.message import EmailMessage

import pytest

from aftersales.customers.models import Customer

from ..models import Case
from ..services.mail import fetch_mail
from .fake_imap import Mailbox, serve

pytestmark = pytest.mark.django_db


def mail(subject: str, body: str, sender="李先生 <li@example.com>", message_id="") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "service@example.com"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    return bytes(message)


@pytest.fixture
def imap():
    servers = []

    def start(messages):
        box = Mailbox(messages)
        server, port = serve(box)
        servers.append(server)
        config = {
            "host": "127.0.0.1",
            "port": port,
            "ssl": False,
            "user": "service",
            "password": "x",
            "mailbox": "INBOX",
            "intake_user": "agent1",
        }
        return box, config

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_new_mail_becomes_a_case_and_a_reply_lands_on_it(imap, agent):
    box, config = imap(
        [mail("洗衣机漏水", "洗衣机底部漏水，请安排维修。", message_id="<a1@example.com>")]
    )
    result = fetch_mail(config)
    assert len(result.created) == 1 and box.seen == {1}
    case = Case.objects.get(number=result.created[0])
    assert case.channel == "email" and "底部漏水" in case.description
    assert case.customer.email == "li@example.com" and case.customer.name == "李先生"
    assert case.created_by == agent

    box, config = imap([mail(f"Re: {case.number} 什么时候上门？", "请尽快安排。")])
    result = fetch_mail(config)
    assert result.replies == [case.number] and not result.created
    assert case.events.filter(action="mail", note__contains="请尽快安排").exists()
    assert Customer.objects.filter(email="li@example.com").count() == 1


def test_a_mail_is_taken_in_once(imap, agent):
    box, config = imap([mail("咨询", "保修期多久？", message_id="<same@example.com>")])
    fetch_mail(config)
    box.seen.clear()  # the mailbox forgot the flag; the Message-ID still says it was taken
    fetch_mail(config)
    assert Case.objects.count() == 1


def test_without_a_mailbox_nothing_happens(agent):
    assert fetch_mail({"host": ""}).created == []
