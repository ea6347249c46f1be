"""Every PDF is an HTML template laid out by WeasyPrint (``core.pdf``): people's text prints
as typed, the renderer loads nothing but our static files and the company logo, the CJK font
is embedded, and a register keeps every number and name on one line."""

import re
from pathlib import Path

import pytest

from aftersales.core.pdf import (
    LOGO_PREFIX,
    PRINT_BASE,
    STATIC_PREFIX,
    _layout,
    _make_fetcher,
    amount_in_words,
    table_pdf,
    text_width_em,
)
from aftersales.core.testing import (
    MARKUP_TEXTS,
    assert_pdf_prints_as_typed,
    assert_pdf_reads_well,
    no_missing_glyphs,
    pdf_objects,
    pdf_text,
)

ROOT = Path(__file__).resolve().parents[2]


def test_a_register_prints_markup_like_text_as_typed():
    data = table_pdf(
        title="登记表",
        subtitle="q=<b>&status=x",
        headers=["名称", "地址"],
        rows=[[text, f"上海 {text}"] for text in MARKUP_TEXTS],
        company="R&D <公司>",
    )
    assert_pdf_prints_as_typed(data, *MARKUP_TEXTS, "R&D <公司>", "q=<b>&status=x")


def test_print_templates_never_turn_escaping_off():
    """The template engine's escaping is what keeps a customer's text from being markup."""
    offenders = []
    for path in ROOT.rglob("templates/*/print/*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\|\s*safe\b|autoescape\s+off|\{%\s*filter\s+safe", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    assert len(list(ROOT.rglob("templates/*/print/*.html"))) >= 10


def test_every_pdf_goes_through_core_pdf():
    """One way to print: no module draws a PDF with another library."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts
        and re.search(r"^\s*(from|import) (reportlab|weasyprint)\b", path.read_text("utf-8"), re.M)
        and path != ROOT / "core" / "pdf.py"
    ]
    assert offenders == []


# -- what a printout may load -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://evil.example/x.png",
        "http://127.0.0.1:8000/admin/",
        "data:image/png;base64,iVBORw0KGgo=",
        PRINT_BASE + "etc/passwd",
        STATIC_PREFIX + "../../../../etc/passwd",
        STATIC_PREFIX + "css/../../settings.py",
        STATIC_PREFIX + "/etc/passwd",
        STATIC_PREFIX + "css/nothing-here.css",
        LOGO_PREFIX + "logo-0000.png",
        LOGO_PREFIX + "../../../etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_our_files(url):
    with pytest.raises(ValueError):
        _make_fetcher().fetch(url)


def test_the_fetcher_serves_our_stylesheet():
    response = _make_fetcher().fetch(STATIC_PREFIX + "css/print.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_markup_that_reached_the_renderer_still_loads_nothing(tmp_path):
    """Even HTML written with a file's or another host's address (never from people's text:
    templates escape it) gets neither into the PDF."""
    from weasyprint import HTML

    secret = tmp_path / "secret.png"
    secret.write_bytes(Path(ROOT / "core/fixtures/demo-logo.png").read_bytes())
    html = (
        f'<p>x</p><img src="file://{secret}"><img src="{secret}">'
        '<img src="https://evil.example/a.png"><link rel="stylesheet" href="file:///etc/passwd">'
        f'<img src="{STATIC_PREFIX}../../../../{secret}">'
    )
    data = HTML(string=html, base_url=PRINT_BASE, url_fetcher=_make_fetcher()).write_pdf()
    assert b"/Subtype /Image" not in pdf_objects(data)
    assert b"/Subtype/Image" not in pdf_objects(data)


# -- registers ----------------------------------------------------------------------------


def test_a_register_embeds_its_cjk_font_and_draws_every_glyph():
    with no_missing_glyphs():
        data = table_pdf(
            title="售后服务记录",
            subtitle="",
            headers=["工单号", "处理人", "金额"],
            rows=[["TK-20261207-0001", "售后服务部 · 陈杰", "¥1,280.00"]],
            company="华东电器有限公司",
        )
    text = assert_pdf_reads_well(
        data, "TK-20261207-0001", "陈杰", "1,280.00", letterhead="华东电器有限公司"
    )
    assert "售后服务部 · 陈杰" in text


def test_a_wide_register_keeps_numbers_names_and_dates_on_one_line():
    headers = [
        "工单号",
        "受理日期",
        "渠道",
        "类型",
        "客户",
        "电话",
        "产品",
        "序列号",
        "问题",
        "处理人",
        "解决方案",
        "结果",
        "状态",
        "已关闭",
    ]
    rows = [
        [
            f"TK-20261207-{i:04d}",
            "2026-12-07",
            "网页表单",
            "维修",
            "上海华东电器销售有限公司",
            "13998765432",
            "450升风冷对开门冰箱",
            f"SN-FR-45000{i:03d}",
            "冰箱冷藏室不制冷，冷冻室正常，已持续两天，要求尽快上门检修并更换压缩机。",
            "售后服务部 · 杨敏",
            "电话指导：长按“童锁”键 3 秒。",
            "已解决",
            "进行中",
            "2026-12-09",
        ]
        for i in range(40)
    ]
    _head, _body, size = _layout(headers, rows)
    assert 6 <= size <= 9
    data = table_pdf(title="售后服务记录", subtitle="", headers=headers, rows=rows)
    assert_pdf_reads_well(
        data,
        "TK-20261207-0000",
        "TK-20261207-0039",
        "SN-FR-45000039",
        "13998765432",
        "2026-12-07",
        "2026-12-09",
        "上海华东电器销售有限公司",
        "450升风冷对开门冰箱",
        "网页表单",
        "进行中",
    )
    for header in headers:
        assert any(header == line.strip() for line in pdf_text(data).splitlines()), header


def test_a_register_shrinks_its_font_before_it_breaks_a_word():
    few = _layout(["编号", "名称"], [["SO-20261207-0001", "王小明"]])[2]
    many = _layout([f"列{i}" for i in range(16)], [["SO-20261207-0001"] * 16])[2]
    assert few == 9 and many < few


def test_text_width_counts_chinese_as_one_em():
    assert text_width_em("陈杰") == 2
    assert 4 < text_width_em("2026-12-07") < 6


# -- amounts in capitals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "人民币零元整"),
        ("0.50", "人民币伍角整"),
        ("0.07", "人民币柒分"),
        ("1010", "人民币壹仟零壹拾元整"),
        ("1000.05", "人民币壹仟元零伍分"),
        ("1234.56", "人民币壹仟贰佰叁拾肆元伍角陆分"),
        ("10000", "人民币壹万元整"),
        ("10005", "人民币壹万零伍元整"),
        ("100000", "人民币壹拾万元整"),
        ("3280", "人民币叁仟贰佰捌拾元整"),
        ("100100000", "人民币壹亿零壹拾万元整"),
        ("1000000001", "人民币壹拾亿零壹元整"),
    ],
)
def test_amounts_in_chinese_capitals(amount, words):
    assert amount_in_words(amount) == words


def test_a_long_register_says_which_rows_it_left_out(monkeypatch):
    from aftersales.core import pdf

    monkeypatch.setattr(pdf, "MAX_PRINT_ROWS", 3)
    rows = ([f"SO-20261207-{i:04d}"] for i in range(10))  # a generator, as the views give
    text = pdf_text(table_pdf(title="合同/订单登记表", subtitle="", headers=["编号"], rows=rows))
    assert "SO-20261207-0002" in text and "SO-20261207-0003" not in text
    assert "只打印了前 3 行" in text and "Excel" in text


def test_amounts_align_right_and_phones_do_not():
    _head, body, _size = _layout(
        ["数量", "金额", "电话", "序列号"], [["12", "3,299.00", "13812345678", "20261207"]]
    )
    assert [cell.number for cell in body[0]] == [True, True, False, False]
