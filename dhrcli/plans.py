"""Action plans: the Home Office template's table (Recommendation | Scope | Action to take |
Lead agency | Key milestones achieved | Target date | Date of completion and outcome) read from
rows of cells, whatever the container (readers/tables.py), with the columns found by their
headings, as real plans rename, merge, reorder and add them; and the words of the outcome
column read as statuses. Nothing here knows SQL or the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import followup
from .records import DhrError

# The phrases a heading may hold, per field; the longest phrase found in a heading decides.
HEADINGS = {
    "number": ("no", "number", "rec no", "ref", "reference", "recommendation number",
               "recommendation no", "recommendation ref", "rec"),
    "text": ("recommendation", "recommendations", "recommendation text", "what was recommended"),
    "scope": ("scope", "local regional national"),
    "action": ("action", "actions", "action to take", "action required", "agreed action"),
    "lead": ("lead agency", "lead", "agency", "responsible agency", "owner", "lead organisation",
             "responsible"),
    "milestones": ("key milestones", "milestones", "key milestones achieved", "progress"),
    "target": ("target date", "target", "deadline", "timescale", "by when", "due date", "due"),
    "outcome": ("date of completion and outcome", "completion and outcome", "outcome", "status",
                "rag", "rag status", "completion", "date of completion", "completed"),
}
# Words of an outcome cell, in the order they are tried (the negative ones first).
WORDS = (
    (r"\bnot (yet )?(completed?|implemented|achieved|met|done)\b", "not-implemented"),
    (r"\b(not accepted|rejected|declined|refused)\b", "not-accepted"),
    (r"\b(n/?a|not applicable|no longer applicable)\b", "no-longer-applicable"),
    (r"\balready (in place|happening|done)\b", "already-in-place"),
    (r"\bsuperseded|replaced by\b", "superseded"),
    (r"\b(partly|partially|part) (completed?|implemented|met|done)?", "partly-implemented"),
    (r"\b(completed?|implemented|achieved|done|finished|closed|green)\b", "implemented"),
    (r"\b(on ?going|on track|in progress|under ?way|amber|started|progressing)\b", "in-progress"),
    (r"\b(accepted|agreed|planned|not started)\b", "accepted"),
    (r"\bred\b", "not-implemented"),
)
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{1,2}(?:st|nd|rd|th)? "
                   r"[A-Za-z]+,? \d{4}")
_NUMBER_FIRST = re.compile(r"^\s*((?:rec(?:ommendation)?\.?\s*)?R?\d+(?:\.\d+)*[a-z]?)[.):]?\s+(.*)$",
                           re.I | re.S)


@dataclass
class PlanRow:
    place: str                # where it is, for messages: file, sheet and row
    number: str | None
    text: str | None
    lead: str | None
    target: str | None        # ISO date
    outcome: str | None       # the cell as written
    status: str | None        # what the outcome reads as
    date: str | None          # the date the outcome gives


def heading_fields(cells: list[str]) -> dict[str, int]:
    """field -> column, for a row of headings; each field its first column."""
    found: dict[str, int] = {}
    for column, cell in enumerate(cells):
        folded = " ".join(re.findall(r"[a-z0-9/]+", cell.lower()))
        if not folded:
            continue
        best = max(((len(phrase), field) for field, phrases in HEADINGS.items()
                    for phrase in phrases if re.search(rf"\b{re.escape(phrase)}\b", folded)),
                   default=None)
        if best and best[1] not in found:
            found[best[1]] = column
    return found


def read(rows, name: str) -> tuple[list[PlanRow], list[str]]:
    """(plan rows, problems) from a table's rows (readers/tables.Row). Each sheet's heading
    row is the first of its first 15 with a recommendation (or number) column and a target or
    outcome column; sheets without one are left out, and a table with none is a problem."""
    problems, found, sheets = [], [], {}
    for row in rows:
        sheets.setdefault(row.sheet, []).append(row)
    headed = False
    for sheet_rows in sheets.values():
        fields = None
        for row in sheet_rows[:15]:
            candidate = heading_fields(row.cells)
            if ({"text", "number"} & candidate.keys()) and ({"target", "outcome"} & candidate.keys()):
                fields, start = candidate, row.number
                break
        if fields is None:
            continue
        headed = True
        for row in sheet_rows:
            if row.number <= start or not any(row.cells):
                continue
            try:
                found.append(_plan_row(row, fields, name))
            except DhrError as error:
                problems.append(f"{row.place(name)}: {error}")
    if not headed:
        problems.append(f"{name}: no recognisable headings (an action plan needs a Recommendation "
                        f"or number column, and a Target date or Date of completion and outcome "
                        f"column)")
    return found, problems


def _plan_row(row, fields: dict[str, int], name: str) -> PlanRow:
    def cell(field: str) -> str | None:
        column = fields.get(field)
        value = row.cells[column].strip() if column is not None and column < len(row.cells) else ""
        return value or None

    number, text = cell("number"), cell("text")
    if text:
        merged = _NUMBER_FIRST.match(text)  # "4. It is recommended that ..." in one cell
        if merged and len(merged.group(2)) > 20:
            number = number or merged.group(1)
            text = merged.group(2).strip()
    if number:
        number = re.sub(r"^(rec(ommendation)?\.?\s*)", "", number, flags=re.I).strip().rstrip(".")
    target = cell("target")
    if target:
        try:
            target = followup.date(target)
        except DhrError as error:
            raise DhrError(f"target date: {error}") from None
    outcome = cell("outcome")
    status, when = reading(outcome) if outcome else (None, None)
    return PlanRow(row.place(name), number, text, cell("lead"), target, outcome, status, when)


def reading(outcome: str) -> tuple[str | None, str | None]:
    """(status, date) an outcome cell gives: the first of WORDS it holds, and a date in it (a
    cell that is only a date reads as implemented on that day). A bad date is an error."""
    found = _DATE.search(outcome)
    when = followup.date(found.group()) if found else None
    lowered = outcome.lower()
    for pattern, state in WORDS:
        if re.search(pattern, lowered):
            return state, when
    return ("implemented" if when and not _DATE.sub("", outcome).strip(" .,;:-") else None), when
