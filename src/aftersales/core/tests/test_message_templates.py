"""Customer messages administrators may reword (SVC-1: the customer is told the case number;
SVC-4, SVC-6: the timetable and the result), checked against the built-in placeholders and
cheap to render."""

import pytest
from django.core.cache import cache
from django.utils import translation

from aftersales.accounts.roles import Role
from aftersales.core import messaging
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.messaging import message_customer, message_keys, render
from aftersales.core.models import MessageTemplate, OutboundMessage
from aftersales.core.services import message_template_check, message_template_save

pytestmark = pytest.mark.django_db

CONTEXT = {"name": "王小明", "number": "TK-20261128-0001", "url": "https://x.cn/t/1"}


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="admin2", full_name="管理员乙", is_staff=True)


@pytest.fixture
def clock(monkeypatch):
    """The process's clock, moved by hand to see when other processes notice a change."""
    now = [1000.0]
    monkeypatch.setattr(messaging.time, "monotonic", lambda: now[0])
    return now


def _refused(key: str, text: str) -> dict:
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        message_template_check(key=key, text=text)
    return refused.value.fields


def test_an_administrators_wording_is_what_the_customer_gets(admin):
    """SVC-1: the case-received SMS uses the administrator's text with the case's values."""
    built_in = render("case_received", CONTEXT)
    message_template_save(
        actor=admin,
        key="case_received",
        text="%(name)s您好，工单 %(number)s 已受理，进度请看 %(url)s 。100%% 负责到底。",
    )
    assert render("case_received", CONTEXT) == (
        "王小明您好，工单 TK-20261128-0001 已受理，进度请看 https://x.cn/t/1 。100% 负责到底。"
    )
    (sms,) = message_customer(phone="13912345678", template="case_received", context=CONTEXT)
    assert sms.body.endswith("100% 负责到底。")
    # Other messages keep their built-in text.
    assert "TK-20261128-0001" in render(
        "case_accepted", {"name": "王", "number": CONTEXT["number"]}
    )

    template = MessageTemplate.objects.get(key="case_received")
    assert template.updated_by == admin and template.history.count() == 1

    message_template_save(
        actor=admin, key="case_received", text="%(name)s：%(number)s", active=False
    )
    assert render("case_received", CONTEXT) == built_in
    message_template_save(actor=admin, key="case_received", text="%(name)s：%(number)s")
    assert render("case_received", CONTEXT) == "王小明：TK-20261128-0001"
    MessageTemplate.objects.get(key="case_received").delete()
    assert render("case_received", CONTEXT) == built_in


def test_a_placeholder_the_message_does_not_have_is_refused_by_name():
    fields = _refused("case_received", "%(name)s 您好，请致电 %(phone)s，金额 %(amount)s")
    assert list(fields) == ["text"]
    assert fields["text"] == [
        "This message has no field %(phone)s、%(amount)s; it may use %(name)s、%(number)s、%(url)s."
    ]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("满意度 50%", "%"),
        ("编号 %d", "%d"),
        ("%(name)d 您好", "%(name)d"),
        ("%(name 您好", "%(name"),
        ("%s 您好", "%s"),
    ],
)
def test_a_malformed_placeholder_is_refused_by_name(text, named):
    fields = _refused("case_received", text)
    assert list(fields) == ["text"]
    assert fields["text"] == [
        f"Not a placeholder: {named}. Write a field as %(name)s and a percent sign as %%."
    ]


def test_an_empty_text_or_an_unknown_message_is_refused():
    assert _refused("case_received", "   ") == {"text": ["Write the text of the message."]}
    assert _refused("no_such_message", "您好") == {
        "key": ["There is no customer message no_such_message."]
    }


def test_fewer_fields_than_the_built_in_text_are_allowed():
    assert (
        message_template_check(key="case_received", text=" 已收到您的反馈。 ") == "已收到您的反馈。"
    )


def test_every_built_in_text_passes_its_own_check():
    for key in message_keys():
        assert message_template_check(key=key, text=messaging.default_text(key))


def test_only_administrators_reword_messages(make_user):
    with pytest.raises(PermissionDenied):
        message_template_save(
            actor=make_user(Role.CUSTOMER_SERVICE), key="case_received", text="您好"
        )
    assert not MessageTemplate.objects.exists()


def test_rendering_reads_the_database_once_per_process(admin, clock, django_assert_num_queries):
    """render() runs for every message: the overrides are kept per process."""
    message_template_save(actor=admin, key="case_accepted", text="%(number)s 已受理")
    render("case_accepted", {"name": "王", "number": "TK-1"})
    clock[0] += 30
    with django_assert_num_queries(0):
        for _ in range(300):
            assert render("case_accepted", {"name": "王", "number": "TK-1"}) == "TK-1 已受理"


def test_other_processes_notice_a_change_through_the_cache_version(
    admin, clock, django_capture_on_commit_callbacks
):
    """A save in one process bumps the version in the shared cache after commit; a process
    holding an old copy reloads within a second, and after a minute even without the cache."""
    message_template_save(actor=admin, key="case_accepted", text="旧：%(number)s")
    assert render("case_accepted", {"name": "王", "number": "TK-1"}) == "旧：TK-1"

    # Another process saves: this one gets no signal, only the database and the cache change.
    MessageTemplate.objects.filter(key="case_accepted").update(text="新：%(number)s")
    assert render("case_accepted", {"name": "王", "number": "TK-1"}) == "旧：TK-1"
    with django_capture_on_commit_callbacks(execute=True):
        messaging.message_templates_changed()
    assert cache.get(messaging.VERSION_KEY) is not None
    messaging._overrides = messaging._Overrides(
        texts={"case_accepted": "旧：%(number)s"},
        version=None,
        loaded_at=clock[0],
        checked_at=clock[0],
    )  # the other process's copy, older than the bump
    assert render("case_accepted", {"name": "王", "number": "TK-1"}) == "旧：TK-1"
    clock[0] += 1.5
    assert render("case_accepted", {"name": "王", "number": "TK-1"}) == "新：TK-1"

    # Without a shared cache nothing is bumped where others see it: a minute at most.
    MessageTemplate.objects.filter(key="case_accepted").update(text="再改：%(number)s")
    clock[0] += 30
    assert render("case_accepted", {"name": "王", "number": "TK-1"}) == "新：TK-1"
    clock[0] += 31
    assert render("case_accepted", {"name": "王", "number": "TK-1"}) == "再改：TK-1"


def test_a_text_that_no_longer_fits_falls_back_to_the_built_in_one(caplog):
    """If the built-in message loses a field later, customers still get a message."""
    MessageTemplate.objects.create(key="case_accepted", text="%(number)s %(gone)s")
    text = render("case_accepted", {"name": "王", "number": "TK-1"})
    assert "TK-1" in text and "%(gone)s" not in text
    assert "no longer fits" in caplog.text


def test_the_admin_shows_the_built_in_text_checks_and_previews(client, admin):
    """Administrators reword messages in the Django admin: the built-in text beside the key,
    a preview with sample values, placeholder errors named on the form."""
    client.force_login(admin)
    client.cookies["aftersales_language"] = "en"
    add = client.get("/admin/core/messagetemplate/add/")
    assert add.status_code == 200 and "case_received" in add.content.decode()

    refused = client.post(
        "/admin/core/messagetemplate/add/",
        {"key": "case_received", "text": "%(name)s 您好 %(phone)s", "active": "on"},
    )
    assert refused.status_code == 200
    assert "This message has no field %(phone)s" in refused.content.decode()
    assert not MessageTemplate.objects.exists()

    saved = client.post(
        "/admin/core/messagetemplate/add/",
        {"key": "case_received", "text": "%(name)s您好，工单 %(number)s 已受理。", "active": "on"},
    )
    assert saved.status_code == 302
    template = MessageTemplate.objects.get()
    assert template.updated_by == admin

    page = client.get(f"/admin/core/messagetemplate/{template.pk}/change/").content.decode()
    assert messaging.default_text("case_received") in page
    assert "%(name)s、%(number)s、%(url)s" in page
    assert "王小明您好，工单 TK-20261128-0001 已受理。" in page  # the preview
    assert render("case_received", CONTEXT) == "王小明您好，工单 TK-20261128-0001 已受理。"

    changed = client.post(
        f"/admin/core/messagetemplate/{template.pk}/change/",
        {"text": "%(number)s 已受理", "active": "on"},
    )
    assert changed.status_code == 302
    assert render("case_received", CONTEXT) == "TK-20261128-0001 已受理"


def test_the_admin_is_for_administrators_only(client, make_user):
    client.force_login(make_user(Role.CUSTOMER_SERVICE, is_staff=True))
    assert client.get("/admin/core/messagetemplate/add/").status_code == 403


def test_the_queued_sms_keeps_the_wording_it_was_sent_with(admin):
    """Changing a text later does not rewrite messages already in the outbox."""
    message_template_save(actor=admin, key="case_received", text="一：%(number)s")
    message_customer(phone="13912345678", template="case_received", context=CONTEXT)
    message_template_save(actor=admin, key="case_received", text="二：%(number)s")
    assert OutboundMessage.objects.get().body.endswith("一：TK-20261128-0001")
