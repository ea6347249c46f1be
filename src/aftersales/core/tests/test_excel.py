"""Excel import: template, preview, per-row-and-column problems, all-or-nothing apply."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Product
from aftersales.catalog.tests.factories import CategoryFactory
from aftersales.core.excel import (
    Column,
    Importer,
    export_response,
    get_importer,
    read_rows,
    run_import,
    template_response,
)
from aftersales.core.testing import FORMULA_NAME
from aftersales.customers.models import Customer

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "类型", "手机", "省份", "城市", "客户等级"]


def workbook(rows, headers=HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


@pytest.fixture
def cs(make_user):
    return make_user(Role.CUSTOMER_SERVICE)


def test_a_bad_row_in_the_middle_means_nothing_is_imported(cs):
    rows = [
        ["王一", "个人", 13800000001, "上海市", "上海市", "VIP"],
        ["王二", "个人", "12345", "上海市", "上海市", "普通"],
        ["王三", "外星人", "13800000003", "上海市", "上海市", "普通"],
        ["王四", "个人", "13800000004", "上海市", "上海市", "普通"],
    ]
    result = run_import(get_importer("customers"), cs, workbook(rows), apply=True)
    assert [(p.line, p.column) for p in result.problems] == [(3, "手机"), (4, "类型")]
    assert "13–19" in result.problems[0].message
    assert result.applied == 0 and not Customer.objects.exists()


def test_a_good_file_is_previewed_then_applied(cs):
    rows = [
        ["王一", "个人", 13800000001, "上海市", "上海市", "VIP"],
        ["和平酒店", "单位", "13800000002", "上海市", "上海市", "重点"],
    ]
    preview = run_import(get_importer("customers"), cs, workbook(rows), apply=False)
    assert preview.ok and len(preview.rows) == 2 and not Customer.objects.exists()
    done = run_import(get_importer("customers"), cs, workbook(rows), apply=True)
    assert done.applied == 2
    first = Customer.objects.get(name="王一")
    assert (first.mobile, first.level, first.mobile_reversed) == (
        "13800000001",
        "vip",
        "10000000831",
    )
    assert first.history.first().history_user == cs


def test_missing_required_column_is_reported_on_row_1(cs):
    result = run_import(
        get_importer("customers"), cs, workbook([["x"]], headers=["手机"]), apply=False
    )
    assert [(p.line, p.column) for p in result.problems] == [(1, "姓名")]


def test_duplicate_skus_inside_one_file(make_user):
    CategoryFactory(code="tv")
    clerk = make_user(Role.SALES)
    headers = ["SKU", "名称", "标价（元）", "品类编码"]
    rows = [
        ["TV-1", "电视", "3299", "tv"],
        ["TV-1", "电视二", "3299", "tv"],
        ["TV-2", "电视三", "abc", "tv"],
    ]
    result = run_import(get_importer("products"), clerk, workbook(rows, headers), apply=True)
    assert [(p.line, p.column) for p in result.problems] == [(3, "SKU"), (4, "标价（元）")]
    assert not Product.objects.exists()


def test_the_import_pages(client, cs):
    client.force_login(cs)
    template = client.get("/import/customers/template/")
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]][:3] == ["姓名", "类型", "手机"]
    upload = workbook([["王一", "个人", "13800000001", "上海市", "上海市", "普通"]])
    upload.name = "customers.xlsx"
    preview = client.post("/import/customers/", {"file": upload}).content.decode()
    assert 'data-testid="import-ok"' in preview
    token = preview.split('name="token" value="')[1].split('"')[0]
    applied = client.post("/import/customers/apply/", {"token": token})
    assert applied.status_code == 302 and Customer.objects.filter(name="王一").exists()


def test_import_pages_look_missing_without_the_right(client, make_user):
    client.force_login(make_user(Role.QUALITY))
    assert client.get("/import/customers/").status_code == 404
    client.force_login(make_user(Role.DEALER))
    assert client.get("/import/products/").status_code == 404


def test_skus_differing_only_in_case_repeat_and_odd_numbers_are_refused(make_user):
    CategoryFactory(code="tv")
    clerk = make_user(Role.SALES)
    headers = ["SKU", "名称", "标价（元）", "品类编码", "保质期（天）"]
    rows = [
        ["NEW-1", "电视", "3299", "tv", None],
        ["new-1", "电视二", "3299", "tv", None],
        ["NEW-2", "坚果", "9", "tv", "inf"],
        ["NEW-3", "坚果", "9", "tv", "1.5"],
    ]
    result = run_import(get_importer("products"), clerk, workbook(rows, headers), apply=True)
    assert [(p.line, p.column) for p in result.problems] == [
        (3, "SKU"),
        (4, "保质期（天）"),
        (5, "保质期（天）"),
    ]
    assert not Product.objects.exists()


def test_a_damaged_file_is_a_clear_problem(cs):
    result = run_import(get_importer("customers"), cs, io.BytesIO(b"PK\x03\x04broken"), apply=False)
    assert [p.message for p in result.problems] == ["这不是 Excel .xlsx 文件。"]


def zip_bomb(inflated_mb: int = 8) -> io.BytesIO:
    """A valid workbook with one extra part that inflates ~1000:1 (the probe's was 310 KB
    → 300 MB; a smaller one trips the same check without costing the test suite)."""
    import zipfile

    data = workbook([["王一", "个人", "13800000001", "上海市", "上海市", "普通"]])
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/padding.xml", b" " * (inflated_mb * 1024 * 1024))
    out.seek(0)
    return out


def test_a_zip_bomb_is_refused_before_it_is_opened(cs):
    """Security finding 3: the archive is measured first; the message says why."""
    result = run_import(get_importer("customers"), cs, zip_bomb(), apply=False)
    assert [p.message for p in result.problems] == [
        "此工作簿解压后的数据量（8 MB）远超导入表格应有的大小，未予打开。"
    ]
    assert not result.rows


def test_a_sheet_with_thousands_of_columns_is_refused(cs):
    result = run_import(
        get_importer("customers"), cs, workbook([["x"] * 300], HEADERS + ["c"] * 294), apply=False
    )
    assert [p.message for p in result.problems] == ["列数过多：最多 100 列。"]
    assert not result.rows


def test_a_bomb_on_the_import_page_is_a_clear_message(client, cs):
    client.force_login(cs)
    upload = zip_bomb()
    upload.name = "customers.xlsx"
    response = client.post("/import/customers/", {"file": upload})
    assert response.status_code == 200
    assert "远超导入表格应有的大小" in response.content.decode()
    assert not Customer.objects.exists()


# --- formula injection: text is written as text -------------------------------------------------


def test_an_export_writes_formula_like_text_as_text_and_numbers_as_numbers():
    text = [FORMULA_NAME, "+86 13812345678", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "普通"]
    response, count = export_response(
        filename="x.xlsx",
        headers=["=名称", *("列" for _ in text[1:])],
        rows=[[*text, -5, Decimal("-1.50")]],
        sheet_title="t",
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = list(sheet[2])
    assert count == 1 and [c.value for c in cells] == [*text, -5, -1.5]
    assert [c.data_type for c in cells] == ["s"] * len(text) + ["n", "n"]
    assert [c.quotePrefix for c in cells] == [True] * (len(text) - 1) + [False] * 3
    assert sheet["A1"].value == "=名称" and sheet["A1"].data_type == "s"


def test_the_template_example_row_still_imports_and_reads_back_as_typed(cs):
    customers = get_importer("customers")
    template = template_response(customers)
    assert run_import(customers, cs, io.BytesIO(template.content), apply=False).ok
    odd = Importer(
        name="odd",
        title="odd",
        columns=[Column("a", "A", example="-5 ℃"), Column("b", "B", example="=1+1")],
        build=lambda actor, values: values,
        save=lambda actor, objects: len(objects),
        check_permission=lambda actor: None,
    )
    content = template_response(odd).content
    assert [c.data_type for c in load_workbook(io.BytesIO(content)).active[2]] == ["s", "s"]
    assert read_rows(odd, io.BytesIO(content)).rows[0].values == {"a": "-5 ℃", "b": "=1+1"}
