"""Every PDF of the product: a Django template, one print stylesheet, and WeasyPrint.

A document is an HTML template that extends ``core/print/base.html`` (the company's
letterhead, the page footer with the page numbers, ``static/css/print.css``); ``render_pdf``
lays it out with WeasyPrint, which embeds the subset of the CJK font it used (Noto Sans CJK
through fontconfig), so every glyph prints on every machine and viewer. Registers are one call
away: ``table_pdf(title=..., subtitle=..., headers=..., rows=...)``.

People's text is safe by construction: the template engine escapes every value, so a name
like ``<img src="/etc/passwd">`` prints as typed. What the renderer may load goes through
``PrintFetcher``: our own static files and the company's logo, nothing else (no ``file:``,
no other host), so even markup that reached a template could not read a file of the server
or call another machine. Print templates never use ``|safe`` or ``autoescape off`` (a test
checks).
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .times import local_text

logger = logging.getLogger(__name__)
# WeasyPrint tells each step of each document at INFO: noise in a server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# A register prints at most this many rows (a few seconds of layout each hundred rows); the
# printout says when rows were left out: the whole register is the Excel export.
MAX_PRINT_ROWS = 500
# Where a printout's own resources live; the host is reserved (RFC 2606) and never asked: the
# fetcher answers these addresses from our files and refuses every other.
PRINT_BASE = "https://print.aftersales.invalid/"
STATIC_PREFIX = PRINT_BASE + "static/"
LOGO_PREFIX = PRINT_BASE + "company/logo/"


# -- what a printout may load -------------------------------------------------------------


def _static_file(name: str):
    """The path of one of our static files, or None. ``name`` is relative and stays inside
    the static folders (no ``..``, no absolute path)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    clean = posixpath.normpath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or clean != name
        or clean.startswith(("/", "../"))
        or clean == ".."
    ):
        return None
    found = finders.find(clean)
    if found:
        return found
    root = getattr(settings, "STATIC_ROOT", None)
    if root:
        from pathlib import Path

        path = (Path(root) / clean).resolve()
        if path.is_file() and Path(root).resolve() in path.parents:
            return str(path)
    return None


def _logo_bytes(file_name: str) -> bytes | None:
    from django.core.files.storage import default_storage

    from .company import company, logo_file_name

    stored = company().logo
    if not stored or logo_file_name(stored) != file_name:
        return None
    with default_storage.open(stored, "rb") as handle:
        return handle.read()


def _make_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PrintFetcher(URLFetcher):
        """Answers a printout's requests from our static files and the company logo, and
        refuses everything else: local files, other hosts, ``data:`` URLs."""

        def fetch(self, url, headers=None):
            body = None
            if url.startswith(STATIC_PREFIX):
                path = _static_file(url[len(STATIC_PREFIX) :].split("?")[0])
                if path:
                    with open(path, "rb") as handle:
                        body = handle.read()
            elif url.startswith(LOGO_PREFIX):
                body = _logo_bytes(url[len(LOGO_PREFIX) :])
            if body is None:
                raise ValueError(f"A printout may not load {url[:80]!r}")
            kind = mimetypes.guess_type(url.split("?")[0])[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": kind})

    return PrintFetcher(timeout=1, allow_redirects=False)


class _MissingGlyphs(logging.Handler):
    """Collects WeasyPrint's warnings about characters no installed font can draw."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record):
        if ".notdef" in record.getMessage():
            self.missing.append(record.getMessage())


def render_pdf(template_name: str, context: dict, *, title: str, company: str | None = None):
    """The PDF of ``template_name`` (a template extending ``core/print/base.html``).
    ``company`` replaces the profile's name on the letterhead (a printout for another
    company's name, tests)."""
    from weasyprint import HTML

    from .company import company as company_profile
    from .company import logo_file_name

    profile = company_profile()
    with translation.override(settings.LANGUAGE_CODE):  # documents are in Chinese
        html = render_to_string(
            template_name,
            {
                "company": profile,
                "company_name": profile.name if company is None else company,
                "logo_src": LOGO_PREFIX + logo_file_name(profile.logo) if profile.logo else "",
                "stylesheet": STATIC_PREFIX + "css/print.css",
                "doc_title": title,
                "printed_at": local_text(timezone.now()),
                **context,
            },
        )
    watch = _MissingGlyphs()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(watch)
    try:
        document = HTML(string=html, base_url=PRINT_BASE, url_fetcher=_make_fetcher())
        data = document.write_pdf()
    finally:
        weasy_logger.removeHandler(watch)
    if watch.missing:
        logger.error("%s printed characters no font has: %s", title, "; ".join(watch.missing))
    return data


# -- registers ------------------------------------------------------------------------------

LANDSCAPE_TEXT_MM = 297 - 2 * 10  # A4 landscape less the margins
CELL_PADDING_MM = 2.6  # left and right padding and the rules
FONT_SIZES_PT = (9, 8.5, 8, 7.5, 7, 6.5, 6)
WHOLE_WORD_EM = 14  # a word up to this wide never breaks: a number, a date, a name, a phone
MM_PER_PT = 25.4 / 72
SHORT_CELL_EM = 10  # a cell this short stays on one line whole (售后服务部 · 陈杰)
# A quantity or an amount (right-aligned); not a phone or a serial, which are digits too.
NUMBER_RE = re.compile(r"^[-+]?[¥￥]?(\d{1,3}(,\d{3})+|\d{1,7})(\.\d+)?%?$")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_text(value)  # str() of a database datetime would print UTC
    if isinstance(value, Decimal) and value.is_finite():
        return money(value)  # amounts: 3,299.00
    return str(value)


def text_width_em(text: str) -> float:
    """About how wide ``text`` prints, in em: CJK and full-width characters are one em,
    the others about half of one."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.56 for c in text)


@dataclass(frozen=True)
class Cell:
    words: tuple[tuple[str, bool], ...]  # (word, kept whole)
    number: bool = False

    @property
    def text(self) -> str:
        return " ".join(w for w, _whole in self.words)


SEPARATORS = {"·", "/", "-", "—", "|", "：", ":"}
SPACES_RE = re.compile(r"[ \t\r\n\u3000]+")  # where a line may break; not the no-break space


def _words(text: str) -> list[str]:
    """The words of ``text`` between spaces; a lone separator (``售后服务部 · 陈杰``) stays with
    the word after it, joined by a no-break space, so no line starts with it alone."""
    words: list[str] = []
    pending = ""
    for word in SPACES_RE.split(text.strip(" \t\r\n\u3000")):
        if not word:
            continue
        if word in SEPARATORS:
            pending = f"{pending}{word}\u00a0" if pending else f"{word}\u00a0"
            continue
        words.append(pending + word)
        pending = ""
    if pending:
        words.append(pending.rstrip("\u00a0"))
    return words


def _cell(value, *, whole_em: float) -> tuple[Cell, float]:
    """A cell and the width (em) of its widest word kept whole: the column cannot be narrower.
    Lines break between words only; a word wider than ``whole_em`` (a sentence without
    spaces) may break inside."""
    text = _text(value)
    words = []
    widest = 0.0
    if text_width_em(text) <= min(SHORT_CELL_EM, whole_em):
        text = "\u00a0".join(SPACES_RE.split(text.strip()))
    for word in _words(text):
        width = text_width_em(word)
        whole = width <= whole_em
        if whole:
            widest = max(widest, width)
        words.append((word, whole))
    number = bool(NUMBER_RE.match(text))
    return Cell(tuple(words), number=number), widest


def _layout(headers: list[str], rows: list[list]) -> tuple[list, list, float]:
    """The header and body cells and the font size (pt) at which every column is at least as
    wide as its widest whole word: the largest of ``FONT_SIZES_PT`` that fits the page. When
    even the smallest does not, long words may break (``whole_em`` shrinks) at that size."""
    whole_em, sizes = WHOLE_WORD_EM, FONT_SIZES_PT
    while True:
        columns = [0.0] * len(headers)
        head = []
        for index, h in enumerate(headers):
            cell, widest = _cell(h, whole_em=whole_em)
            head.append(cell)
            columns[index] = max(columns[index], widest)
        body = []
        for row in rows:
            cells = []
            for index, value in enumerate(row):
                cell, widest = _cell(value, whole_em=whole_em)
                cells.append(cell)
                if index < len(columns):
                    columns[index] = max(columns[index], widest)
            body.append(cells)
        for size in sizes:
            needed = sum(c * size * MM_PER_PT + CELL_PADDING_MM for c in columns)
            if needed <= LANDSCAPE_TEXT_MM:
                return head, body, size
        if whole_em <= 4:
            return head, body, FONT_SIZES_PT[-1]
        whole_em, sizes = whole_em - 2, FONT_SIZES_PT[-1:]


def table_pdf(
    *,
    title: str,
    subtitle: str,
    headers: list[str],
    rows: Iterable[Iterable],
    company: str | None = None,
) -> bytes:
    """A register on A4 landscape: the letterhead, the title, the filters used, and the rows
    under a header repeated on every page. Columns take the width their content needs; a
    number, date, name or phone is never broken across lines."""
    materialised, more = [], False
    for index, row in enumerate(rows):
        if index >= MAX_PRINT_ROWS:
            more = True
            break
        materialised.append(list(row))
    head, body, size = _layout([str(h) for h in headers], materialised)
    return render_pdf(
        "core/print/register.html",
        {"subtitle": subtitle, "head": head, "body": body, "font_size": size, "more": more},
        title=title,
        company=company,
    )


def filters_text(query) -> str:
    """The filters of a register's page as people typed them (``status=draft　q=张三``), for
    the line under a printed register's title."""
    return "　".join(
        f"{key}={value}"
        for key, values in query.lists()
        if key not in ("format", "page")
        for value in values
        if value
    )


# -- small helpers for documents ------------------------------------------------------------


def qr_svg(data: str, *, size_mm: float = 26) -> str:
    """A QR code as an SVG element (vector, no image file) for ``data``, to put in a template
    as ``{{ qr }}``. It is built from our own drawing only: ``data`` is encoded, not
    inserted."""
    import segno
    from django.utils.safestring import mark_safe

    code = segno.make(data, error="m")
    svg = code.svg_inline(scale=1, border=2, dark="#000", omitsize=True)
    return mark_safe(svg.replace("<svg ", f'<svg style="width:{size_mm}mm;height:{size_mm}mm" ', 1))


def money(value) -> str:
    """1234.5 → 1,234.50"""
    return f"{Decimal(value or 0).quantize(Decimal('0.01')):,.2f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _four_digits(group: int) -> str:
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[digit] + _UNITS[position]
    return text


def amount_in_words(value) -> str:
    """An amount in Chinese capitals, as contracts and receipts write it:
    1234.50 → 人民币壹仟贰佰叁拾肆元伍角整; 10005 → 人民币壹万零伍元整."""
    amount = Decimal(value or 0).quantize(Decimal("0.01"))
    sign = "负" if amount < 0 else ""
    yuan, cents = divmod(int(abs(amount) * 100), 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "人民币零元整"
    groups = []
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    words, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = bool(words)
            continue
        if words and (gap or group < 1000):
            words += "零"
        words += _four_digits(group) + _GROUPS[index]
        gap = False
    if words:
        words += "元"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif fen and words:
        words += "零"
    words += _DIGITS[fen] + "分" if fen else "整"
    return f"人民币{sign}{words}"
