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
    sheet: str | None  # None for a CSV file
    number: int        # 1 for the first row of the sheet or file
    cells: list[str]

    def place(self, name: str) -> str:
        return f"{name}: sheet {self.sheet!r} row {self.number}" if self.sheet else \
            f"{name}:{self.number}"


def rows(data: bytes, name: str) -> list[Row]:
    """The rows of a table file: .xlsx by its content (a zip), else CSV or TSV text."""
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
