"""The recommendations of an overview report, from its lines (documents.py): the
"Recommendations" section, its numbered paragraphs (1, 1.1, 10.1.2, R1, "Recommendation 3:",
with a) and i) sub-paragraphs), the agency headings that give the addressees of the paragraphs
under them, addressees named at the start of the text ("That the CCG ..."), and the review's
own fields where the document states them. What was inferred is noted for a person to check."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..records import InputError, Raw

SECTION = re.compile(
    r"^#?\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:(?:summary|list|table) of |lessons (?:learn[et]d? )?and |"
    r"key |the )?recommendations?(?: and (?:learning|lessons))?\s*:?$", re.I)
SECTION_END = re.compile(
    r"^#?\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:appendix|annex|glossary|references|bibliography|"
    r"action plan|conclusions?|terms of reference|signed|chair)\b", re.I)
ITEM = re.compile(
    r"^(?:recommendation\s+)?(?P<number>R?\d{1,3}(?:\.\d{1,3}){0,3})(?P<mark>[.):]|\s*[-\u2013])?"
    r"\s+(?P<rest>\S.*)$", re.I)
SUB = re.compile(r"^(?:\((?P<bracketed>[a-h]|[ivx]{1,4})\)|(?P<number>[a-h]|[ivx]{1,4})[.)])\s+"
                 r"(?P<rest>\S.*)$")  # a) (a) a. i) i.: a sub-paragraph; "a word" is text
GROUPS = re.compile(r"^#?\s*(?:single|multi)[- ]agency(?: recommendations?)?$|^#?\s*(?:panel|"
                    r"national|local|overarching|partnership) recommendations?$", re.I)
TOP_HEADING = re.compile(r"^#?\s*\d{1,2}\.?\s+[A-Z][^.;:]{0,60}$")  # "2. Background"
ITEM_WORDS = re.compile(r"\b(?:should|must|to|that|will|is|are|be)\b", re.I)  # a sentence
CONNECTOR = re.compile(r"(?:\b(?:of|and|the|for|in|on)|[&;,])$", re.I)  # a name goes on
OPEN_END = re.compile(r"\b(?:the|of|and|or|to|for|a|an|with|in|on|by|from|at|as|that)$", re.I)
TABLE_HEADINGS = [("text", r"^recommendations?\b"), ("number", r"^(?:no\.?|number|ref|#|rec\.? no)\b"),
                  ("to", r"\b(?:agency|agencies|lead|addressed|responsible|owner|organisation)\b")]
PLAN_HEADINGS = r"\b(?:action|target|outcome|milestones?|completion|progress|rag)\b"
BODIES = frozenset("""police constabulary council nhs trust service services care office ministry
department partnership board icb ccg housing group ltd limited probation prosecution hospital
hospitals aid refuge agency agencies practice practices commissioner government authority
association centre team unit court courts school schools college university""".split())
LOWER = frozenset("of and the for in on at to s".split())  # words a body's name keeps small
THAT = re.compile(r"^(?:it is recommended that|that|we recommend that)\s+(?:the\s+)?", re.I)
CSP = re.compile(r"\b((?:[A-Z][\w'’&-]*[ \t]+){1,5}Community Safety Partnership|Safer[ \t]+"
                 r"[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)?|Safe[ \t]+[A-Z][\w'’-]+[ \t]+Partnership)\b")
MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
         r"December)")
PUBLISHED = re.compile(rf"\b(?:published|date of publication|final version|dated?)\W+"
                       rf"((?:\d{{1,2}}\s+)?{MONTH}\s+\d{{4}})", re.I)
DEATH = re.compile(rf"\b(?:died|death|killed|homicide)\b[^.]{{0,80}}?\bin\s+(?:{MONTH}\s+)?"
                   rf"((?:19|20)\d\d)\b", re.I)


def read(lines: list[tuple[int, str]], where: str, known: Callable[[str], bool] | None,
         fields: dict, unit: str = "page", tables: Callable | None = None) -> Raw:
    """One review from a document's (page, line) pairs. `fields` (from a sidecar file) wins
    over what the document states; `unit` names what the numbers are, for the notes.
    `tables(first, last)` gives the (page, cells) rows of the tables on those pages: a section
    laid out as a table (Recommendation | Agency) is read from its rows."""
    starts = [i for i, (_, line) in enumerate(lines) if SECTION.match(line)]
    if not starts:
        raise InputError([f"{where}: no recommendations found: no section headed "
                          f"'Recommendations' (or 'Summary of recommendations', 'Lessons and "
                          f"recommendations') in {len({p for p, _ in lines})} {unit}s"])
    data: dict = {**_stated(lines[:starts[0]] or lines[:60])}
    raw = Raw(data, {(): 1})
    recs: list[dict] = []
    for start in starts:
        found: list[dict] = []
        end = _section(lines, start, known, found, unit)
        table = _table_recs(tables(lines[start][0], lines[end][0]), unit) if tables else []
        recs.extend(table or found)  # a section laid out as a table is read from its rows
    if not recs:
        raise InputError([f"{where}: no recommendations found under the 'Recommendations' "
                          f"heading ({unit} {lines[starts[0]][0]}): no numbered paragraphs"])
    data["source_url"] = Path(where).name  # the document it came from, unless the sidecar says
    data.update({key: value for key, value in fields.items() if key != "recommendations"})
    recs = data["recommendations"] = _settle(recs, raw)
    sections = ", ".join(str(lines[i][0]) for i in starts)
    raw.notes.append((None, f"{len({page for page, _ in lines})} {unit}s with text; "
                            f"'Recommendations' section on {unit} {sections}; {len(recs)} "
                            f"recommendations read"))
    return raw


def _table_recs(rows: list[tuple[int, list[str]]], unit: str) -> list[dict]:
    """Recommendations from a table whose heading row has a recommendation column and an
    agency column (number, if any, from a No. or Ref column, else the text's own or its row);
    [] when there is no such table."""
    columns, heading = None, None
    recs: list[dict] = []
    for page, cells in rows:
        if columns is None:
            named = {field: i for i, cell in enumerate(cells) for field, pattern in TABLE_HEADINGS
                     if re.search(pattern, cell.strip(), re.I)}
            plan = any(re.search(PLAN_HEADINGS, cell, re.I) for cell in cells)
            if "text" in named and "to" in named and not plan:  # (an action plan is not it)
                columns, heading = named, cells
            continue
        text = cells[columns["text"]].strip() if columns["text"] < len(cells) else ""
        if not text or cells == heading:
            continue  # an empty row, or the heading row again on a later page
        number = cells[columns["number"]].strip() if "number" in columns else ""
        match = ITEM.match(text)
        if not number and match and match.group("number") and match.group("mark"):
            number, text = match.group("number"), match.group("rest")
        to = [name.strip() for name in re.split(r"\s*[;|]\s*", cells[columns["to"]]) if name.strip()]
        rec = {"number": number or str(len(recs) + 1), "text": text, "_page": page,
               "_check": None if number else f"{unit} {page}: numbered by its row", "_sure": 2}
        if to:
            rec["to"] = to
        recs.append(rec)
    return recs


def _stated(lines: list[tuple[int, str]]) -> dict:
    """CSP, date of publication and year of death, where the front of the document says them."""
    text = "\n".join(line for _, line in lines)
    found: dict = {}
    match = CSP.search(text)
    if match:
        found["csp"] = " ".join(match.group(1).split())
    match = PUBLISHED.search(text) or re.search(rf"^((?:\d{{1,2}}\s+)?{MONTH}\s+\d{{4}})$", text,
                                                re.M)
    if match:
        found["published"] = match.group(1)
    match = DEATH.search(text)
    if match:
        found["year_of_death"] = int(match.group(1))
    return found


def _section(lines, start, known, recs, unit) -> int:
    """The numbered paragraphs from the heading at `start` to the end of its section, added to
    `recs`; returns the index of the section's last line."""
    addressees: list[str] | None = None
    guessed = False
    heading: str | None = None  # the heading just read, while no paragraph follows it
    before: dict | None = None  # the unfinished paragraph that heading came after, if any
    previous: tuple = (None, False)  # the addressees before that heading
    current: dict | None = None
    parent = None
    for index in range(start + 1, len(lines)):
        page, line = lines[index]
        if line.startswith("|"):
            continue  # a table's row (a Word document's): read as a table, not as text
        line = line.lstrip("# ").strip() if line.startswith("#") else line
        if (SECTION_END.match(line) or SECTION.match(line)) and not line[:1].islower():
            return index - 1
        ended = current is None or current["text"].rstrip()[-1:] in ".;:!?)"
        if TOP_HEADING.match(line) and ended and len(line.split()) <= 5 and not ITEM_WORDS.search(
                line) and (len(line.split()) < 5 or not _follows(line.split()[0].rstrip("."), recs)):
            return index - 1  # "2. Background" (too short for a recommendation): the next part
        sub = SUB.match(line)
        item = None if sub else ITEM.match(line)
        if sub and current is not None and parent is not None:
            letter = sub.group("number") or sub.group("bracketed")
            current = _add(recs, f"{parent} {letter}", sub.group("rest"), addressees, guessed,
                           page, unit, known)
            continue
        if item and not item.group("mark") and not (ended and _follows(item.group("number"), recs)):
            item = None  # "7 November and ..." goes on a sentence; a bare number must follow on
        if item and len(item.group("rest").split()) >= 4:
            parent = item.group("number")
            current = _add(recs, parent, item.group("rest"), addressees, guessed,
                           page, unit, known)
            continue
        if GROUPS.match(line):
            addressees, guessed, current, heading = [], False, None, None
            continue
        open_end = current is not None and OPEN_END.search(current["text"])
        if _is_heading(line) and not open_end and (ended or _names_agency(line, known)):
            if heading is not None and current is None:  # two heading lines running
                if (before is not None and not CONNECTOR.search(heading)
                        and before["text"].split()[-1][:1].isupper()):
                    # the first ended a name the unfinished paragraph began ("... with
                    # Manchester" / "Homeless Families Unit"): give it back; this line heads
                    before["text"] = f"{before['text']} {heading}"
                    addressees, guessed = previous
                else:  # one heading run over two lines
                    line = f"{heading} {line}"
            before = current if not ended else None  # the paragraph a heading line may end
            previous = (addressees, guessed)
            heading = line
            addressees, guessed = _heading_names(line, known)
            current = None
            continue
        heading = None
        if current is not None:  # the paragraph goes on (a new line, or a new page; a word
            current["text"] = f"{current['text']} {line}"  # broken at a line end is whole here)
    return len(lines) - 1


def _is_heading(line: str) -> bool:
    """A short line that does not read as a sentence: an agency or a part of the section. A
    longer one must be mostly in title case ("This could significantly increase the" is not)."""
    words = line.split()
    if not (0 < len(words) <= 12 and line[-1:] not in ".;:," and not THAT.match(line)
            and line[:1].isupper()):
        return False
    if all(len(part.split()) <= 6 for part in line.split(";")):
        return True
    named = [w for w in re.findall(r"[^\W_]+", line) if w.lower() not in LOWER]
    return sum(w[:1].isupper() or w.isdigit() for w in named) >= 0.6 * len(named)


def _follows(number: str, recs: list[dict]) -> bool:
    """Whether a bare number (no '.' or ')') can be the next recommendation's: the first, or
    one more than the last."""
    if not recs:
        return True
    last = str(recs[-1]["number"]).split()[0].split(".")[-1].lstrip("Rr")  # "R2 b": 2
    return number.lstrip("Rr").split(".")[-1] in ("1", str(int(last) + 1) if last.isdigit() else "")


def _names_agency(line: str, known: Callable[[str], bool] | None) -> bool:
    """Whether a line names an agency (or several): one dhr knows, or a line in title case
    with a word bodies are named by ("Norfolk County Council, Children's Social Care")."""
    if known is not None:
        names, guessed = _heading_names(line, known)
        if known(line) or (not guessed and len(names) > 1):
            return True
    words = re.findall(r"[^\W_]+", line)
    return (bool(words) and all(w[:1].isupper() or w.isdigit() or w.lower() in LOWER for w in words)
            and any(w.lower() in BODIES for w in words))


def _heading_names(line: str, known: Callable[[str], bool] | None) -> tuple[list[str], bool]:
    """The addressees a heading names: split at ';', then at ',' and ' and ' where each part
    is a name dhr knows. (names, whether the split is a guess)."""
    parts = [part.strip() for part in line.split(";") if part.strip()]
    if len(parts) > 1 or known is None:
        return parts, False
    pieces = [piece for piece in re.split(r",\s*|\s+and\s+|\s*&\s*", line) if piece]
    for size in range(2, len(pieces) + 1):
        found = _segment(pieces, size, known)
        if found:
            return found, False
    several = re.search(r",|\s&\s|\band\b", line) is not None and not known(line)
    return [line], several and not _names_one_body(line)


def _names_one_body(line: str) -> bool:
    """ "Avon and Somerset Police", "Norfolk County Council, Children's Social Care": a name
    with ',' or 'and' inside that reads as one body (its last word is a kind of body and no
    part before the last ',' or 'and' ends with one)."""
    pieces = re.split(r",\s*|\s+and\s+|\s*&\s*", line)
    return not any(piece.split() and piece.split()[-1].lower() in BODIES for piece in pieces[:-1])


def _segment(pieces: list[str], parts: int, known) -> list[str] | None:
    """`pieces` joined back into `parts` names that dhr knows, or None."""
    if parts == 1:
        whole = _join(pieces)
        return [whole] if known(whole) else None
    for cut in range(1, len(pieces)):
        head = _join(pieces[:cut])
        if known(head):
            rest = _segment(pieces[cut:], parts - 1, known)
            if rest:
                return [head] + rest
    return None


def _join(pieces: list[str]) -> str:
    return " and ".join(pieces)


def _add(recs, number, text, addressees, guessed, page, unit, known) -> dict:
    """A recommendation as read, with what a person should check (`_check`), how sure its
    addressee is (`_sure`: 2 a heading, 1 named in the text, 0 none) and its page."""
    rec: dict = {"number": number, "text": text, "_page": page, "_check": None, "_sure": 0}
    if addressees:
        rec["to"], rec["_sure"] = list(addressees), 2
        if guessed:
            rec["_check"] = (f"{unit} {page}: the heading above it, {addressees[0]!r}, may name "
                             f"more than one agency")
    elif addressees is None:  # under no heading at all (a group heading addresses no one body)
        named = _named_in_text(text, known)
        if named:
            rec["to"], rec["_sure"] = [named], 1
            rec["_check"] = f"{unit} {page}: addressee {named!r} read from the start of the text"
        else:
            rec["_check"] = f"{unit} {page}: no addressee found"
    else:
        rec["_sure"] = 2
    recs.append(rec)
    return rec


def _settle(recs: list[dict], raw: Raw) -> list[dict]:
    """Each recommendation once (an executive summary lists some again: the one whose
    addressee is surest wins, else the later, in the report's own section), with its notes."""
    def key(rec):
        return " ".join(rec["text"].casefold().split())

    best: dict[str, int] = {}
    for index, rec in enumerate(recs):
        other = best.get(key(rec))
        if other is None or rec["_sure"] >= recs[other]["_sure"]:
            best[key(rec)] = index
    kept = [rec for index, rec in enumerate(recs) if best[key(rec)] == index]
    for position, rec in enumerate(kept):
        raw.lines[("recommendations", position)] = rec.pop("_page")
        check = rec.pop("_check")
        if check:
            raw.notes.append((position, check))
            raw.uncertain += rec["_sure"] < 2 and "to" in rec or "may name" in check
        rec.pop("_sure")
    return kept


def _named_in_text(text: str, known: Callable[[str], bool] | None) -> str | None:
    """An agency the text starts with ("That the CCG reviews ...", "Norfolk Police should")."""
    if known is None:
        return None
    words = THAT.sub("", text).split()
    for size in range(min(10, len(words)), 0, -1):
        candidate = " ".join(words[:size]).rstrip(",")
        if candidate[:1].isupper() and known(candidate):
            return candidate
    return None
