"""Tables out of their containers: a CSV or TSV file, or each sheet of an Excel workbook, as
rows of cell text with the place of each row (sheet and row number) for messages. The action
plan reader (plans.py) reads what these give, whatever the container."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from ..records import InputError


@dataclass
class Row:
    sheet: str | None  # None for a CSV file or a document's tables
    number: int        # 1 for the first row of the sheet, file or document
    cells: list[str]
    page: int | None = None  # a PDF's page

    def place(self, name: str) -> str:
        if self.page is not None:
            return f"{name}: page {self.page}, table row {self.number}"
        return f"{name}: sheet {self.sheet!r} row {self.number}" if self.sheet else \
            f"{name}:{self.number}"


def rows(data: bytes, name: str) -> list[Row]:
    """The rows of a table file: .xlsx by its content (a zip), the tables of a PDF or Word
    document (an action plan in a report's appendix, or a file of its own), else CSV or TSV
    text."""
    from . import documents

    if documents.is_pdf(data):
        return _numbered(documents.pdf_tables(data, name))
    if documents.is_docx(data, name):
        return _numbered(documents.docx_tables(data, name))
    if data[:4] == b"PK\x03\x04":
        return _workbook(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([f"{name}: not UTF-8 text, nor an Excel workbook (.xlsx)"]) from None
    sample = text[:4096]
    dialect = "excel-tab" if sample.count("\t") > sample.count(",") else "excel"
    return [Row(None, number, [cell.strip() for cell in cells])
            for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]


def _workbook(data: bytes, name: str) -> list[Row]:
    try:
        import openpyxl
    except ImportError:  # a broken installation: openpyxl is a dependency of dhr
        raise InputError([f"{name}: reading Excel needs openpyxl; reinstall dhr"]) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise InputError([f"{name}: not a readable Excel workbook ({type(error).__name__})"]) \
            from None
    found = []
    for sheet in book.worksheets:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            found.append(Row(sheet.title, number, [_text(v) for v in values]))
    book.close()
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _numbered(found: list[tuple[int | None, list[str]]]) -> list[Row]:
    """A document's table rows, (page, cells), as one table: a heading row repeated on later
    pages is left out."""
    seen_heading = None
    result = []
    for page, cells in found:
        if seen_heading is not None and cells == seen_heading:
            continue
        if seen_heading is None and sum(1 for c in cells if c) >= 2:
            seen_heading = cells
        result.append(Row(None, len(result) + 1, cells, page))
    return result
