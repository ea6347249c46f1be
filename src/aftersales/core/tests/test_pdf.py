"""Every PDF prints people's text as typed: ReportLab reads a Paragraph's text as markup, so
user values go through ``core.pdf.para``/``markup``, which escape them."""

import re
from pathlib import Path

from aftersales.core.pdf import markup, para, table_pdf
from aftersales.core.testing import MARKUP_TEXTS, assert_pdf_prints_as_typed


def test_a_register_prints_markup_like_text_as_typed():
    data = table_pdf(
        title="登记表",
        subtitle="q=<b>&status=x",
        headers=["名称", "地址"],
        rows=[[text, f"上海 {text}"] for text in MARKUP_TEXTS],
        company="R&D <公司>",
    )
    assert_pdf_prints_as_typed(data, *MARKUP_TEXTS, "R&D <公司>", "q=<b>&status=x")


def test_markup_keeps_the_codes_tags_and_escapes_the_values():
    from reportlab.lib.styles import ParagraphStyle

    style = ParagraphStyle("t")
    assert para("<b>x</b> & y", style).text == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert markup("<b>{v}</b>", style, v="<i>&").text == "<b>&lt;i&gt;&amp;</b>"


def test_no_module_builds_a_paragraph_without_the_escaping_helpers():
    root = Path(__file__).resolve().parents[2]
    helper = root / "core" / "pdf.py"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path != helper
        and "tests" not in path.parts
        and re.search(r"\bParagraph\b(?!Style)", path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use aftersales.core.pdf.para/markup for text in a PDF"
