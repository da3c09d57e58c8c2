"""Overview reports as PDF (pypdfium2) or Word (python-docx): the lines of the document, without
its running headers, footers and page numbers and with words broken at line ends joined, then
the recommendations found in them (outline.py). The extra dhr[documents] brings both
libraries; without it, a document is a one-line error saying how to add it."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter

from ..records import InputError

INSTALL = "pip install 'dhr[documents]'"
PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
TABLE_PAGES = 60  # pages of a PDF searched for tables (pdfplumber is slow)
MIN_TEXT = 40  # characters a document's pages must hold between them to have a text layer


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF")


def is_docx(data: bytes, where: str) -> bool:
    """A Word document: a zip file, named .docx, or holding word/document.xml."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    if where.lower().endswith(".docx"):
        return True
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False


def pdf_lines(data: bytes, where: str) -> list[tuple[int, str]]:
    """(page number, line) for each line of text of a PDF, its running headers and footers
    left out. InputError for a PDF that cannot be read, is encrypted or has no text."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise InputError([f"{where}: reading PDF needs the documents extra: {INSTALL}"]) from None
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        reason = str(error)
        if "password" in reason.lower() or "security" in reason.lower():
            raise InputError([f"{where}: the PDF is encrypted (password-protected); save an "
                              f"unprotected copy and import that"]) from None
        raise InputError([f"{where}: not a readable PDF ({reason.rstrip('.')}); is the file "
                          f"complete?"]) from None
    pages = []
    try:
        for page in document:
            text = _hyphens(page.get_textpage().get_text_range())
            pages.append([line.strip() for line in text.replace("\r", "\n").split("\n")])
    except pdfium.PdfiumError as error:
        raise InputError([f"{where}: not a readable PDF ({error})"]) from None
    finally:
        document.close()
    if sum(len(line) for lines in pages for line in lines) < MIN_TEXT:
        raise InputError([f"{where}: the PDF has no text layer (a scan?): dhr reads the text of "
                          f"a document and does not recognise text in images (no OCR)"])
    return _without_running_lines(pages)


def docx_content(data: bytes, where: str) -> tuple[list[tuple[int, str]], list[tuple[int, list[str]]]]:
    """(lines, table rows) of a Word document: (block number, text) for each paragraph,
    headings marked by a leading '#', and a "| cell | cell |" line holding each table row's
    place; and (block number, cells) for each table row. InputError for a file Word could not
    open."""
    docx, document = _word(data, where)
    lines: list[tuple[int, str]] = []
    rows: list[tuple[int, list[str]]] = []
    for number, child in enumerate(document.element.body.iterchildren(), start=1):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(child, document)
            text = paragraph.text.strip()
            style = (paragraph.style.name or "") if paragraph.style is not None else ""
            if text:
                lines.append((number, f"# {text}" if style.lower().startswith(("heading", "title"))
                              else text))
        elif tag == "tbl":
            for row in docx.table.Table(child, document).rows:
                cells = [cell.text.strip().replace("\n", " ") for cell in row.cells]
                lines.append((number, "| " + " | ".join(cells) + " |"))
                rows.append((number, cells))
    return lines, rows


def _hyphens(text: str) -> str:
    """PDFium gives a hyphen at a line break as U+FFFE: the word is joined again, keeping its
    hyphen (re-assessment, multi-agency: reports are seldom hyphenated by the typesetter)."""
    return re.sub(r"(\w)\ufffe\s*(?=\w)", r"\1-", text).replace("\ufffe", "-")


def _without_running_lines(pages: list[list[str]]) -> list[tuple[int, str]]:
    """The lines of all pages in order, without those that recur on most pages once their
    numbers are set aside (running headers and footers, "page 3 of 20") and without lone page
    numbers; a word broken at a line end ("recom-" / "mended") is joined again."""
    def shape(line: str) -> str:
        return re.sub(r"\d+", "0", line)

    recurring: set[str] = set()
    if len(pages) >= 3:
        seen = Counter(shape(line) for lines in pages for line in set(lines) if line)
        recurring = {form for form, count in seen.items() if count >= max(3, 0.6 * len(pages))}
    found: list[tuple[int, str]] = []
    for number, lines in enumerate(pages, start=1):
        shown = [line for line in lines if line]
        for position, line in enumerate(shown):
            if shape(line) in recurring or _page_number(line, number, position, len(shown)):
                continue
            if found and re.search(r"[a-z]-$", found[-1][1]) and line[:1].islower():
                found[-1] = (found[-1][0], found[-1][1] + line)  # a word broken at its hyphen
                continue
            found.append((number, line))
    return found


def _page_number(line: str, page: int, position: int, count: int) -> bool:
    """A lone page number ("7", "Page 7 of 20"): at the top or foot of its page, and near the
    page's own number (so that "2014" ending a sentence is kept)."""
    match = PAGE_NUMBER.match(line)
    if not match or 1 < position < count - 2:
        return False
    return abs(int(re.search(r"\d+", line).group()) - page) <= 10


def pdf_tables(data: bytes, where: str, first: int | None = None, last: int | None = None
               ) -> list[tuple[int, list[str]]]:
    """(page, cells) for each row of the tables of a PDF (pdfplumber) on pages first to last;
    without them, from the page that mentions an action plan (else the first) on, at most
    TABLE_PAGES pages."""
    try:
        import pdfplumber
    except ImportError:
        raise InputError([f"{where}: reading PDF tables needs the documents extra: {INSTALL}"]) \
            from None
    if first is None:
        lines = pdf_lines(data, where)  # also the one-line errors of a PDF that cannot be read
        first = next((page for page, line in lines if re.search(r"action plan", line, re.I)), 1)
    last = min(last or first + TABLE_PAGES - 1, first + TABLE_PAGES - 1)
    found: list[tuple[int, list[str]]] = []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages[first - 1:last]:
            upright = [edge for edge in page.edges if edge["orientation"] == "v"]
            if not upright:
                continue
            # a row cut by the page's end has no rule under it (nor its rest one above it):
            # close the table where its upright rules end
            ends = [min(e["top"] for e in upright), max(e["bottom"] for e in upright)]
            for number, table in enumerate(page.extract_tables({"explicit_horizontal_lines": ends})):
                for index, cells in enumerate(table):
                    cells = [_cell(cell) for cell in cells]
                    if (number == 0 and index == 0 and found and not cells[0]
                            and len(cells) == len(found[-1][1])):  # the rest of a cut row
                        found[-1] = (found[-1][0], [f"{a} {b}".strip() for a, b
                                                    in zip(found[-1][1], cells)])
                        continue
                    found.append((page.page_number, cells))
    return found


def docx_tables(data: bytes, where: str) -> list[tuple[None, list[str]]]:
    """(None, cells) for each row of the tables of a Word document."""
    return [(None, [" ".join(cell.split()) for cell in cells])
            for _, cells in docx_content(data, where)[1]]


def _word(data: bytes, where: str):
    """(the python-docx module, the document), or the one-line InputError."""
    try:
        import docx
    except ImportError:
        raise InputError([f"{where}: reading Word needs the documents extra: {INSTALL}"]) from None
    try:
        return docx, docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a file that is not Word
        raise InputError([f"{where}: not a Word document that can be read ({type(error).__name__}"
                          f"); is it a .docx saved by Word?"]) from None


def _cell(text: str | None) -> str:
    """A table cell's text on one line: a word broken after its hyphen is joined again."""
    return " ".join(re.sub(r"(\w-)\n(?=[a-z])", r"\1", text or "").split())
