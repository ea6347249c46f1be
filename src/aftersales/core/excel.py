"""Excel import and export (openpyxl), shared by every register.

An *importer* describes one kind of row: its columns (Chinese headers), how each cell is
parsed, how a row becomes a validated object (through the app's own service) and how the rows
are saved. The flow is always: template → upload → preview (every row validated, every problem
reported by row and column, nothing written) → apply (re-validated, all rows in one
transaction, or nothing).

Exports stream rows into a write-only workbook in a temporary file, so memory stays flat
however many rows there are.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .errors import ApplicationError
from .times import local

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_ROWS = 100_000
MAX_IMPORT_COLUMNS = 100
# An .xlsx is a zip archive. A 310 KB file can inflate to 300 MB of XML and keep a worker busy
# for many minutes, so the archive is checked before it is opened: a real import of 100,000
# rows is a few tens of MB of XML, compressed about 10:1.
MAX_IMPORT_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_IMPORT_INFLATED_BYTES = 200 * 1024 * 1024
MAX_IMPORT_RATIO = 200
MAX_IMPORT_MEMBERS = 500


class CellError(Exception):
    """A cell that cannot be parsed; the message is for the person who typed it."""


# -- cell parsers ------------------------------------------------------------------------------


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13812345678 typed as a number comes back as a float
    return str(value).strip()


def integer(value: Any) -> int | None:
    raw = text(value)
    if not raw:
        return None
    try:
        number = Decimal(raw)
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError
        return int(number)
    except (InvalidOperation, ValueError, OverflowError):
        raise CellError(_("Enter a whole number.")) from None


def money(value: Any) -> Decimal | None:
    raw = text(value).replace(",", "").replace("¥", "").replace("￥", "")
    if not raw:
        return None
    try:
        amount = Decimal(raw).quantize(Decimal("0.01"))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise CellError(_("Enter an amount like 1299.00.")) from None
    return amount


def day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CellError(_("Enter a date like 2026-11-28.")) from None


def yes_no(value: Any) -> bool:
    raw = text(value).lower()
    if raw in {"", "否", "no", "n", "false", "0", "f"}:
        return False
    if raw in {"是", "yes", "y", "true", "1", "t"}:
        return True
    raise CellError(_("Enter 是 or 否."))


def choice(mapping: dict[str, str]) -> Callable[[Any], str]:
    """Accept a label (``VIP``, ``个人``) or a code; return the code."""
    lookup = {str(k).lower(): v for k, v in mapping.items()}
    lookup.update({str(v).lower(): v for v in mapping.values()})

    def parse(value: Any) -> str:
        raw = text(value)
        if not raw:
            return ""
        if raw.lower() not in lookup:
            raise CellError(_("Choose one of: %(options)s.") % {"options": "、".join(mapping)})
        return lookup[raw.lower()]

    return parse


# -- specs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[Any], Any] = text
    required: bool = False
    example: Any = ""
    width: int = 16


@dataclass
class Row:
    line: int  # the spreadsheet row number the person sees
    values: dict[str, Any]


@dataclass
class Problem:
    line: int
    column: str  # the header as the person sees it
    message: str


@dataclass
class ImportResult:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    applied: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Importer:
    """One kind of importable row. ``build(actor, values)`` returns an unsaved, validated
    object or raises ``ApplicationError`` with ``fields``; ``save(actor, objects)`` stores them.
    ``check_permission(actor)`` raises when the person may not import."""

    name: str
    title: str
    columns: list[Column]
    build: Callable[[Any, dict], Any]
    save: Callable[[Any, list], int]
    check_permission: Callable[[Any], None]
    # Keys (or tuples of keys) whose values must not repeat inside one file.
    unique_keys: tuple = ()
    done_url: str = ""  # where to go after a successful import (a URL name)

    def header_of(self, key: str) -> str:
        return next((str(c.header) for c in self.columns if c.key == key), key)


_IMPORTERS: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    _IMPORTERS[importer.name] = importer


def get_importer(name: str) -> Importer | None:
    return _IMPORTERS.get(name)


# -- writing text safely ------------------------------------------------------------------------

# Text that starts like this is a formula to Excel and LibreOffice: openpyxl stores a
# string starting with "=" as a live formula (a customer named =HYPERLINK("http://…?"&A1) sends
# the sheet's data away when clicked), and the others become one as soon as someone edits the
# cell. Only text is concerned: a negative number written as a number stays a number.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell):
    """Make a cell holding formula-like text a text cell that shows exactly that text.

    The cell is stored as a string (never ``<f>``) and marked "quote prefix", the style
    Excel gives to text typed after an apostrophe: the text shows as typed, without an
    apostrophe, and stays text when someone edits the cell. The value itself is unchanged (no
    ``'`` added), so a re-imported sheet, the import template's example row included, gives
    back the same text."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


# -- template and reading ----------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E8C")
REQUIRED_FILL = PatternFill("solid", fgColor="C0392B")


def template_response(importer: Importer) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(importer.title)[:31]
    for index, column in enumerate(importer.columns, start=1):
        cell = as_text(sheet.cell(row=1, column=index, value=str(column.header)))
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        as_text(sheet.cell(row=2, column=index, value=column.example))
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Instructions"))
    notes.append([_("Red headers are required. Row 2 is an example: replace or delete it.")])
    notes.append([_("Dates as 2026-11-28; yes/no as 是/否; amounts in yuan like 1299.00.")])
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = _attachment(f"{importer.title}-导入模板.xlsx")
    workbook.save(response)
    return response


def archive_problem(file) -> str | None:
    """Why this upload must not be opened as a workbook (too big, a zip bomb), or None."""
    import zipfile

    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    file.seek(0)
    if size > MAX_IMPORT_UPLOAD_BYTES:
        return _("The file is larger than %(mb)s MB; split it into several imports.") % {
            "mb": MAX_IMPORT_UPLOAD_BYTES // (1024 * 1024)
        }
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("This is not an Excel .xlsx file.")
    finally:
        file.seek(0)
    if len(members) > MAX_IMPORT_MEMBERS:
        return _("This workbook has too many parts to be an import sheet.")
    inflated = sum(m.file_size for m in members)
    if inflated > MAX_IMPORT_INFLATED_BYTES or any(
        m.file_size > MAX_IMPORT_RATIO * max(m.compress_size, 1) for m in members
    ):
        return _(
            "This workbook unpacks to far more data than an import sheet holds (%(mb)s MB); "
            "it was not opened."
        ) % {"mb": inflated // (1024 * 1024)}
    return None


def read_rows(importer: Importer, file) -> ImportResult:
    """Parse every row; collect every problem (nothing is written)."""
    result = ImportResult()
    problem = archive_problem(file)
    if problem is not None:
        result.problems.append(Problem(1, _("file"), problem))
        return result
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        result.problems.append(Problem(1, _("file"), _("This is not an Excel .xlsx file.")))
        return result
    try:
        return _read_sheet(importer, workbook, result)
    except Exception:  # a damaged sheet inside a valid zip fails while rows are read
        result.rows = []
        result.problems = [Problem(1, _("file"), _("This is not an Excel .xlsx file."))]
        return result
    finally:
        workbook.close()


def _read_sheet(importer: Importer, workbook, result: ImportResult) -> ImportResult:
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    if len(header) > MAX_IMPORT_COLUMNS:
        result.problems.append(
            Problem(1, _("file"), _("Too many columns: at most %(n)s.") % {"n": MAX_IMPORT_COLUMNS})
        )
        return result
    by_header = {str(c.header): c for c in importer.columns} | {c.key: c for c in importer.columns}
    positions: list[Column | None] = [by_header.get(text(h)) for h in header]
    missing = [c for c in importer.columns if c.required and c not in positions]
    for column in missing:
        result.problems.append(
            Problem(1, str(column.header), _("This required column is missing."))
        )
    if missing:
        return result
    for line, values in enumerate(rows, start=2):
        if line - 1 > MAX_IMPORT_ROWS:
            result.problems.append(
                Problem(
                    line, _("file"), _("Too many rows: at most %(n)s.") % {"n": MAX_IMPORT_ROWS}
                )
            )
            break
        if values is None or all(v is None or text(v) == "" for v in values):
            continue
        parsed: dict[str, Any] = {}
        for column, value in zip(positions, values, strict=False):
            if column is None:
                continue
            try:
                parsed[column.key] = column.parse(value)
            except CellError as exc:
                result.problems.append(Problem(line, str(column.header), str(exc)))
                continue
            if column.required and parsed[column.key] in (None, ""):
                result.problems.append(Problem(line, str(column.header), _("Required.")))
        result.rows.append(Row(line, parsed))
    if not result.rows and not result.problems:
        result.problems.append(Problem(2, _("file"), _("The sheet has no rows to import.")))
    return result


def validate(importer: Importer, actor, result: ImportResult) -> list[Any]:
    """Build every row through the app's service; record problems per row and column."""
    objects = []
    seen: dict[tuple, int] = {}
    failed_lines = {p.line for p in result.problems}
    for row in result.rows:
        for key in importer.unique_keys:
            keys = key if isinstance(key, tuple) else (key,)
            # Compared as the services store them: NFKC, trimmed, upper-cased (SKUs, serials).
            value = tuple(
                unicodedata.normalize("NFKC", str(row.values.get(k) or "")).strip().upper()
                for k in keys
            )
            if all(value):
                first = seen.setdefault((keys, value), row.line)
                if first != row.line:
                    result.problems.append(
                        Problem(
                            row.line,
                            importer.header_of(keys[-1]),
                            _("Repeats row %(line)s of this file.") % {"line": first},
                        )
                    )
                    failed_lines.add(row.line)
        if row.line in failed_lines:
            continue
        try:
            objects.append(importer.build(actor, row.values))
        except ApplicationError as exc:
            for key, messages in (exc.fields or {"": [exc.message]}).items():
                for message in messages:
                    result.problems.append(Problem(row.line, importer.header_of(key), str(message)))
    result.problems.sort(key=lambda p: (p.line, p.column))
    return objects


def run_import(importer: Importer, actor, file, *, apply: bool) -> ImportResult:
    """Preview (``apply=False``) or apply. Applying writes every row or, on any problem, none."""
    importer.check_permission(actor)
    result = read_rows(importer, file)
    if not result.rows:  # a missing column or an unreadable file: nothing to check row by row
        return result
    with transaction.atomic():
        objects = validate(importer, actor, result)
        if result.problems or not apply:
            transaction.set_rollback(True)
            return result
        try:
            with transaction.atomic():
                result.applied = importer.save(actor, objects)
        except IntegrityError:
            result.problems.append(
                Problem(
                    0,
                    _("file"),
                    _(
                        "Some rows clash with each other or with existing records (the same number "
                        "twice). Nothing was saved."
                    ),
                )
            )
            transaction.set_rollback(True)
    return result


# -- export ------------------------------------------------------------------------------------


def export_response(
    *, filename: str, headers: list[str], rows: Iterable[Iterable[Any]], sheet_title: str
) -> tuple[FileResponse, int]:
    """Stream ``rows`` into a write-only workbook on disk and answer with it.

    Returns the response and the number of data rows (for the export record).
    """
    workbook = Workbook(write_only=True)
    # Excel refuses these in a sheet's name (合同/订单登记表); the file name keeps the title.
    sheet = workbook.create_sheet(title=re.sub(r"[\\/?*\[\]:]", "-", str(sheet_title))[:31])
    sheet.append([_cell(sheet, str(h)) for h in headers])
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
        count += 1
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX)
    response["Content-Disposition"] = _attachment(filename)
    return response, count


def _cell(sheet, value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        # Excel has no time zones: write the company's wall-clock time, not UTC.
        return local(value).replace(tzinfo=None)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return as_text(WriteOnlyCell(sheet, value))
    return value


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"


def iterate(queryset, chunk_size: int = 2000) -> Iterator:
    """Rows of a large queryset without caching them all (export memory stays flat)."""
    return queryset.iterator(chunk_size=chunk_size)
