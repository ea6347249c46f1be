"""Chinese first, English complete; the catalogue and its compiled form stay in step."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_compiled_catalogue_matches_the_source():
    po = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "django.po")) if not e.obsolete}
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / "django.mo"))}
    stale = {k for k, v in po.items() if k and not k.startswith("%(counter)") and mo.get(k) != v}
    assert not stale, "run `make messages` to recompile: " + ", ".join(sorted(stale))


@pytest.mark.django_db
def test_pages_are_chinese_even_for_an_english_browser(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "请使用工作账号登录" in html


@pytest.mark.django_db
def test_the_language_switch_makes_pages_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in with your work account" in html


def test_the_catalogue_stays_mergeable():
    """Leftover "#|" lines of fuzzy entries make makemessages (msgmerge) fail."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "\n#| " not in text
