"""Readers: each turns the bytes of one input format into `records.Raw` reviews.

Nothing outside this package knows a file format. `read` picks the reader for a source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..records import InputError, Raw
from . import documents


def decode(data: bytes, where: str) -> str:
    """Text from bytes: UTF-8 (with or without a byte-order mark), or UTF-16 with its mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError([f"{where}: not valid UTF-16 text"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError([f"{where}:{line}: not UTF-8 text (byte {error.start}); save the file "
                          f"as UTF-8 and import it again"]) from None


SUPPORTED = (".yaml", ".yml", ".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".txt", ".md",
             ".markdown", ".html", ".htm", ".pdf", ".docx")
DOCUMENTS = (".pdf", ".docx")
SIDECAR = ".yaml"  # report.pdf.yaml: the review's fields that report.pdf does not state


PAGE_ONLY = (".txt", ".md", ".markdown", ".html", ".htm")  # read only when they hold a page


def wanted(data: bytes, name: str) -> bool:
    """Whether a file found in a folder is one to read: a text, Markdown or HTML file only when
    it is a summary page (a folder of reviews may hold notes and read-me files)."""
    from . import page_reader

    lower = name.lower()
    if lower.endswith(tuple(d + SIDECAR for d in DOCUMENTS)):
        return not Path(name[:-len(SIDECAR)]).is_file()  # a document's sidecar, read with it
    if not lower.endswith(PAGE_ONLY):
        return True
    try:
        return page_reader.looks_like_page(decode(data, name))
    except InputError:
        return True  # let the reader say what is wrong with it


def read(data: bytes, where: str, known: Callable[[str], bool] | None = None,
         first_words: set[str] | None = None) -> Iterator[Raw]:
    """The reviews in one input, as raw records; InputError if it cannot be read at all.

    The reader is chosen by content (a summary page, JSON, CSV) and then by the file's name;
    what is none of these is read as a review file (YAML). `known` (a name -> bool test) and
    `first_words` help the page reader find where a text ends and its addressee begins."""
    from . import csv_reader, json_reader, page_reader, yaml_reader

    kind, text = _kind(data, where)
    if kind == "document":
        return iter([_document(data, where, known)])
    if kind == "page":
        return page_reader.read(text, where, known, first_words)
    if kind == "json":
        return json_reader.read(text, where)
    if kind == "csv":
        # dhr's --excel form starts with a byte-order mark: take its protective quotes off
        return csv_reader.read(text, where, excel=data.startswith(b"\xef\xbb\xbf"))
    if where.lower().endswith(PAGE_ONLY):
        raise InputError([f"{where}: not a DHR library summary page (no 'CSP:' header and no "
                          f"'# Recommendation Addressed to' list or table)"])
    return yaml_reader.read(text, where)


HEAD_BYTES = 4 * 200_000  # page_reader.looks_like_page's head of characters, at 4 bytes each


def is_review_file(data: bytes, where: str) -> bool:
    """Whether `read` would read the input as a review file (YAML), not as anything else.
    Only the head of a large input is decoded to tell (a whole file of 250 MB decoded would
    be held twice over); a fault further on is for the reading to find."""
    if len(data) > HEAD_BYTES:
        data = data[:data.rfind(b"\n", 0, HEAD_BYTES) + 1] or data[:HEAD_BYTES]
    try:
        return _kind(data, where)[0] == "yaml" and not where.lower().endswith(PAGE_ONLY)
    except InputError:
        return False


def _kind(data: bytes, where: str) -> tuple[str, str | None]:
    """What an input is, by content first: (document, page, json, csv or yaml, its text)."""
    from . import csv_reader, json_reader, page_reader

    if documents.is_pdf(data) or documents.is_docx(data, where) or where.lower().endswith(DOCUMENTS):
        return "document", None
    text = decode(data, where)
    if page_reader.looks_like_page(text):
        return "page", text
    if json_reader.looks_like_json(text):
        return "json", text
    if csv_reader.looks_like_csv(text, where):
        return "csv", text
    return "yaml", text


def _document(data: bytes, where: str, known: Callable[[str], bool] | None) -> Raw:
    """One review from an overview report (PDF or Word), with the fields of its sidecar file
    (`report.pdf.yaml`, when there is one) over those the document states."""
    from . import outline, yaml_reader

    if documents.is_pdf(data):
        lines, unit = documents.pdf_lines(data, where), "page"

        def tables(first: int, last: int):
            return documents.pdf_tables(data, where, first, last)
    elif documents.is_docx(data, where):
        (lines, rows), unit = documents.docx_content(data, where), "paragraph"

        def tables(first: int, last: int):
            return [(number, cells) for number, cells in rows if first <= number <= last]
    else:
        raise InputError([f"{where}: not a PDF or Word document (it does not start as one); "
                          f"is the file complete?"])
    fields: dict = {}
    sidecar = Path(where + SIDECAR)
    if sidecar.is_file():
        found = list(yaml_reader.read(decode(sidecar.read_bytes(), str(sidecar)), str(sidecar)))
        if len(found) != 1 or not isinstance(found[0].data, dict):
            raise InputError([f"{sidecar}: a sidecar holds one mapping of review fields "
                              f"(csp, id, title, published, ...)"])
        fields = found[0].data
    return outline.read(lines, where, known, fields, unit, tables)
