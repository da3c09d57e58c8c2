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
KEEP_HYPHEN = re.compile(r"\b(?:multi|non|co|self|pre|post|cross|inter|sub|semi|anti|ex|well|"
                         r"high|low|long|short|over|under|pan|part|full|face|follow|one|two)-$",
                         re.I)
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
            text = page.get_textpage().get_text_range()
            pages.append([line.strip() for line in text.replace("\r", "\n").split("\n")])
    except pdfium.PdfiumError as error:
        raise InputError([f"{where}: not a readable PDF ({error})"]) from None
    finally:
        document.close()
    if sum(len(line) for lines in pages for line in lines) < MIN_TEXT:
        raise InputError([f"{where}: the PDF has no text layer (a scan?): dhr reads the text of "
                          f"a document and does not recognise text in images (no OCR)"])
    return _without_running_lines(pages)


def docx_lines(data: bytes, where: str) -> list[tuple[int, str]]:
    """(paragraph number, line) for each paragraph of a Word document, table rows as
    "cell | cell"; headings are marked by a leading '#'. InputError for a file Word could not
    open."""
    try:
        import docx
    except ImportError:
        raise InputError([f"{where}: reading Word needs the documents extra: {INSTALL}"]) from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a file that is not Word
        raise InputError([f"{where}: not a Word document that can be read ({type(error).__name__}"
                          f"); is it a .docx saved by Word?"]) from None
    lines: list[tuple[int, str]] = []
    body = document.element.body
    for number, child in enumerate(body.iterchildren(), start=1):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(child, document)
            text = paragraph.text.strip()
            style = (paragraph.style.name or "") if paragraph.style is not None else ""
            if text:
                lines.append((number, f"# {text}" if style.lower().startswith(("heading", "title"))
                              else text))
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                cells = [cell.text.strip().replace("\n", " ") for cell in row.cells]
                lines.append((number, "| " + " | ".join(cells) + " |"))
    return lines


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
        for line in lines:
            if not line or shape(line) in recurring or PAGE_NUMBER.match(line):
                continue
            if found and re.search(r"[a-z]-$", found[-1][1]) and line[:1].islower():
                kept = KEEP_HYPHEN.search(found[-1][1])  # multi-agency stays; recom-mended joins
                found[-1] = (found[-1][0], found[-1][1][:None if kept else -1] + line)
                continue
            found.append((number, line))
    return found
