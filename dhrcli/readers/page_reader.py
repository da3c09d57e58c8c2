"""DHR library summary pages: plain text (the flattened layout), Markdown (the table layout) or
the saved HTML of the page. Reads the header (title, CSP, published, year of death, the stated
count, basis, source URL, summary) and every recommendation with its number and addressees,
and notes what a person should check: uncertain text/addressee splits, and a count that does
not match "Extracted: N recs"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

from ..records import InputError, Raw
from .split import page_evidence, split

FLAT_START = re.compile(r"^#\s*Recommendations?\s+Addressed\s+to\s*$", re.I)
TABLE_START = re.compile(r"^\|\s*#\s*\|\s*Recommendations?\s*\|", re.I)
FOOTER = re.compile(r"^Recommendations extracted from", re.I)
FIELDS = ("CSP", "Published", "Year of death", "Extracted")
_FIELD = re.compile(r"\b(CSP|Published|Year of death|Extracted):\s*")
NUMBER = re.compile(
    r"^(?P<number>(?:[A-Z]{1,3}\s?)?\d+(?:\.\d+)*(?:[a-z]|\([a-z0-9]{1,4}\))?"
    r"(?: [a-z](?= ))?(?: \([A-Z][A-Za-z0-9]{1,11}\))?)\s+(?P<rest>\S.*)$")
SOURCE_ID = re.compile(r"/([0-9a-f]{6,}-[a-z0-9][a-z0-9-]*)/?(?:[?#].*)?$")
BOILERPLATE_BASIS = re.compile(r"\s*Source:\s*Home Office DHR Library\.?\s*$", re.I)


def _is_html(text: str) -> bool:
    """A saved web page starts with markup (a doctype or a tag); a text or Markdown page that
    merely mentions "<p" in a recommendation does not."""
    return re.match(r"\s*<(!doctype|html|head|body|main|div|table|p|section|article)\b", text,
                    re.I) is not None


def looks_like_page(text: str) -> bool:
    """Whether a text is a library summary page (in any of its layouts)."""
    head = text[:200_000]
    if _is_html(head):
        head = html_to_text(head)
    return bool(re.search(FLAT_START.pattern, head, re.I | re.M)
                or re.search(TABLE_START.pattern, head, re.I | re.M)
                or (re.search(r"\bCSP:", head) and re.search(r"\bExtracted:\s*\d+", head)))


class _Text(HTMLParser):
    """HTML -> lines: blocks end lines, table rows become `| a | b |` lines."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "header",
              "footer", "article", "ul", "ol", "table", "thead", "tbody", "main", "nav"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag in self.BLOCKS and self.cell is None:
            self._flush()
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()).replace("|", "\\|"))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row and self.row[0] == "#":
                self.lines.append("| " + " | ".join(self.row) + " |")
                self.lines.append("|" + "---|" * len(self.row))
            elif self.row:
                self.lines.append("| " + " | ".join(self.row) + " |")
            self.row = None
        elif tag in self.BLOCKS and self.cell is None:
            self._flush()

    def handle_data(self, data):
        if self.skip:
            return
        (self.cell if self.cell is not None else self.current).append(data)

    def _flush(self):
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()


def read(text: str, where: str, known: Callable[[str], bool] | None = None,
         first_words: set[str] | None = None) -> Iterator[Raw]:
    """The one review on a page."""
    if _is_html(text):
        text = html_to_text(text)
    lines = [line.strip() for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines)
                  if FLAT_START.match(line) or TABLE_START.match(line)), None)
    if start is None:
        raise InputError([f"{where}: a summary page without its '# Recommendation Addressed to' "
                          f"list or '| # | Recommendation |' table"])
    data, lines_of = _header(lines[:start], where)
    raw = Raw(data, {(): 1, **lines_of})
    recs: list[dict] = []
    table = bool(TABLE_START.match(lines[start]))
    evidence = None if table else page_evidence(
        [m.group("rest") for line in lines[start + 1:] for m in [NUMBER.match(line)] if m],
        data.get("csp"))
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line or FOOTER.match(line):
            if FOOTER.match(line):
                break
            continue
        if table:
            rec = _table_row(line)
            if rec is None:
                continue
            if not line.endswith("|"):
                raw.uncertain += 1
                raw.notes.append((len(recs), "the table row is cut short (no closing '|'): its "
                                             "text may be incomplete and its addressee lost"))
        else:
            rec = _flat_row(line, raw, len(recs), known, first_words, evidence)
        if rec is None:
            raw.notes.append((None, f"line {index + 1} is not a recommendation: {line[:60]!r}"))
            continue
        raw.lines[("recommendations", len(recs))] = index + 1
        recs.append(rec)
    if recs:  # the library lists them sorted as text (1, 10, 11, 2): put them back in order
        from ..records import number_sort_key

        order = sorted(range(len(recs)), key=lambda i: number_sort_key(str(recs[i]["number"])))
        raw.lines.update({("recommendations", new): raw.lines[("recommendations", old)]
                          for new, old in enumerate(order)})
        raw.notes[:] = [(order.index(i) if i is not None else None, note) for i, note in raw.notes]
        recs = [recs[i] for i in order]
    data["recommendations"] = recs
    stated = data.pop("_stated", None)
    if stated is not None and stated != len(recs):
        raw.notes.append((None, f"the page says it lists {stated} recommendations but "
                                f"{len(recs)} were read: it may be cut short, or a row lost"))
    yield raw


def _header(lines: list[str], where: str) -> tuple[dict, dict]:
    data: dict = {}
    lines_of: dict = {}
    field_lines = [i for i, line in enumerate(lines) if _FIELD.search(line)]
    for i in field_lines:
        parts = _FIELD.split(lines[i])
        for label, value in zip(parts[1::2], parts[2::2]):
            value = value.strip()
            if label == "CSP":
                data["csp"], lines_of[("csp",)] = value, i + 1
            elif label == "Published":
                data["published"], lines_of[("published",)] = value, i + 1
            elif label == "Year of death":
                data["year_of_death"], lines_of[("year_of_death",)] = value, i + 1
            elif label == "Extracted":
                match = re.match(r"(\d+)", value)
                if match:
                    data["_stated"] = int(match.group(1))
    for i, line in enumerate(lines):
        if line.startswith("Source ·") or line.startswith("Source ·".replace("·", "-")):
            title = next((t for t in lines[i + 1:] if t), None)
            if title and not _FIELD.search(title):
                data["title"] = title.lstrip("# ").strip()
            break
    else:
        heading = next((line for line in lines if line.startswith("# ")), None)
        if heading:
            data["title"] = heading[2:].strip()
    url = next((m.group(1) for line in lines
                for m in [re.search(r"Source URL:\s*(\S+)", line)] if m), None)
    if url:
        data["source_url"] = url.rstrip(".,)")
        match = SOURCE_ID.search(data["source_url"])
        if match:
            data["id"] = match.group(1)
    after = field_lines[-1] + 1 if field_lines else None
    if after is not None:
        basis = next((line for line in lines[after:] if line), "")
        if basis and not basis.startswith(("View full report", "Source URL", "Summary")):
            data["basis"] = BOILERPLATE_BASIS.sub("", basis).strip() or None
    if "Summary" in lines:
        i = lines.index("Summary") + 1
        paragraph = []
        while i < len(lines) and not lines[i]:
            i += 1
        while i < len(lines) and lines[i] and not lines[i].startswith("Extracted recommendations"):
            paragraph.append(lines[i])
            i += 1
        if paragraph:
            data["summary"] = " ".join(paragraph)
    if "csp" not in data:
        raise InputError([f"{where}: a summary page without 'CSP:' in its header"])
    return data, lines_of


def _table_row(line: str) -> dict | None:
    if re.match(r"^\|[\s:|-]+\|?$", line):  # the |---|---| line
        return None
    cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
    if len(cells) < 2 or not cells[1]:
        return None
    return {"number": cells[0], "text": cells[1], "to": [c for c in cells[2:] if c]}


def _flat_row(line, raw, index, known, first_words, evidence) -> dict | None:
    match = NUMBER.match(line)
    if not match:
        return None
    result = split(match.group("rest"), known, first_words, evidence)
    if result.confidence < 0.7:
        raw.uncertain += 1
        raw.notes.append((index, f"is the split right? the text ends {result.text[-40:]!r} and "
                                 f"the addressee is {result.to[0] if result.to else None!r} "
                                 f"({result.why})"))
    return {"number": match.group("number"), "text": result.text, "to": result.to}
