"""How raw data becomes a review: `build_review` checks one `Raw` item (records.py) and
returns a `Review`, or the list of everything wrong with it, each message naming the file, line,
review and recommendation. Nothing here knows about files, SQLite or the command line."""

from __future__ import annotations

import datetime
import re

from . import followup
from .records import (ADDRESSEE_KEYS, ALL_ADDRESSEES, EVENT_FIELDS, MAX_ID, MAX_TEXT, RECOMMENDATION_FIELDS,
                      REVIEW_FIELDS, REVIEW_TYPES, DhrError, Raw, Recommendation, Review)

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}



def parse_published(value: object) -> str:
    """An ISO date (2023, 2023-04 or 2023-04-12) from the forms review files use; ValueError if none."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError
    text = " ".join(str(value).replace(",", " ").split())
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
    else:
        match = re.fullmatch(r"(?:(\d{1,2}) )?([A-Za-z]+)\.? (\d{4})", text)
        if not match or match.group(2).lower() not in MONTHS:
            raise ValueError
        day = int(match.group(1)) if match.group(1) else None
        month, year = MONTHS[match.group(2).lower()], int(match.group(3))
    if not 1900 <= year <= 2999:
        raise ValueError
    if month is None:
        return f"{year:04d}"
    if day is None:
        datetime.date(year, month, 1)  # checks the month
        return f"{year:04d}-{month:02d}"
    return datetime.date(year, month, day).isoformat()


def build_review(raw: Raw, source: str) -> tuple[Review | None, list[str], list[str]]:
    """Check one raw review. Returns (review or None, problems, warnings).

    `source` names the file; each message starts with `FILE:LINE:` and names the review and
    recommendation it is about, so a person can find and fix it.
    """
    problems: list[str] = []
    warnings: list[str] = []

    def place(*path) -> str:
        line = raw.line(*path)
        return f"{source}:{line}" if line else source

    data = raw.data
    if not isinstance(data, dict):
        return None, [f"{place()}: a review must be a mapping of fields (csp, published, "
                      f"recommendations, ...), not {describe(data)}"], []
    label = "review " + (repr(data["id"]) if isinstance(data.get("id"), str) else
                         repr(data["csp"]) if isinstance(data.get("csp"), str) else "")
    label = label.strip()

    def problem(path: tuple, message: str) -> None:
        problems.append(f"{place(*path)}: {label}: {message}")

    for key in data:
        if key not in REVIEW_FIELDS:
            warnings.append(f"{place(key)}: {label}: warning: unknown key {key!r} ignored"
                            + _suggest(key, REVIEW_FIELDS))

    def text_field(key: str, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                problem((), f"missing {key!r}")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            problem((key,), f"{key!r} must be text, not {describe(value)}")
            return None
        value = value.strip()
        if not value and required:
            problem((key,), f"{key!r} is empty")
            return None
        if len(value) > MAX_TEXT:
            problem((key,), f"{key!r} is {len(value):,} characters long; dhr takes at most "
                            f"{MAX_TEXT:,}")
            return None
        return value or None

    csp = text_field("csp", required=True)
    review_id = text_field("id")
    if review_id is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", review_id):
        problem(("id",), f"id {review_id!r} may hold only letters, digits, '.', '_' and '-'")
    elif review_id is not None and len(review_id) > MAX_ID:
        problem(("id",), f"id is {len(review_id)} characters long; dhr takes at most {MAX_ID} "
                         f"(it names the review's file when reviews are exported as files)")
    title = text_field("title")
    basis = text_field("basis")
    source_url = text_field("source_url")
    summary = text_field("summary")
    review_type = (text_field("review_type") or "DHR").upper()
    if review_type not in REVIEW_TYPES:
        problem(("review_type",), f"review_type {data['review_type']!r} is not one of "
                                  f"{', '.join(REVIEW_TYPES)}")

    published = None
    if data.get("published") is not None:
        try:
            published = parse_published(data["published"])
        except ValueError:
            problem(("published",), f"published {data['published']!r} is not a date; write "
                                    f"2023-04, 2023-04-12, April 2023 or 2023")

    year_of_death = data.get("year_of_death")
    if year_of_death is not None:
        if isinstance(year_of_death, str) and year_of_death.strip().isdigit():
            year_of_death = int(year_of_death)
        if isinstance(year_of_death, bool) or not isinstance(year_of_death, int) \
                or not 1900 <= year_of_death <= 2999:
            problem(("year_of_death",), f"year_of_death {data['year_of_death']!r} is not a year "
                                        f"such as 2017")
            year_of_death = None

    recommendations = []
    items = data.get("recommendations")
    if items is None:
        problem((), "missing 'recommendations' (a list of recommendations)")
    elif not isinstance(items, list):
        problem(("recommendations",), f"'recommendations' must be a list, not {describe(items)}")
    elif not items:
        problem(("recommendations",), "'recommendations' is empty: a review needs at least one")
    else:
        for index, item in enumerate(items):
            rec = _build_recommendation(item, index, raw, place, label, problems, warnings)
            if rec is not None:
                recommendations.append(rec)

    if problems:
        return None, problems, warnings
    review = Review(
        csp=csp, recommendations=recommendations, id=review_id, title=title,
        review_type=review_type, basis=basis, source_url=source_url, summary=summary,
        published=published, year_of_death=year_of_death, absent=raw.absent,
    )
    return review, problems, warnings


def _build_recommendation(item, index, raw, place, label, problems, warnings):
    path = ("recommendations", index)
    name = f"recommendation {index + 1}"
    if isinstance(item, dict) and isinstance(item.get("number"), (str, int, float)) \
            and not isinstance(item.get("number"), bool):
        name += f" (number {str(item['number']).strip()})"

    def problem(subpath: tuple, message: str) -> None:
        problems.append(f"{place(*path, *subpath)}: {label}, {name}: {message}")

    if not isinstance(item, dict):
        problem((), f"must be a mapping with 'text' (and 'number', 'to'), not {describe(item)}")
        return None
    for key in item:
        if key not in RECOMMENDATION_FIELDS:
            warnings.append(f"{place(*path, key)}: {label}, {name}: warning: unknown key "
                            f"{key!r} ignored" + _suggest(key, RECOMMENDATION_FIELDS))

    number = item.get("number")
    if number is None:
        number = str(index + 1)
    elif isinstance(number, (int, float, str)) and not isinstance(number, bool) \
            and str(number).strip():
        number = str(number).strip()
    else:
        problem(("number",), f"'number' must be text such as 8.2 or R4, not {describe(number)}")
        return None

    text = item.get("text")
    if text is None:
        problem((), "missing 'text'")
        return None
    if not isinstance(text, str):
        problem(("text",), f"'text' must be text, not {describe(text)}")
        return None
    text = text.strip()
    if not text:
        problem(("text",), "'text' is empty")
        return None
    if len(text) > MAX_TEXT:
        problem(("text",), f"'text' is {len(text):,} characters long; dhr takes at most "
                           f"{MAX_TEXT:,} (a recommendation is at most a few pages)")
        return None

    given = [key for key in ADDRESSEE_KEYS if key in item]
    if len(given) > 1:
        problem((given[1],), f"addressees given twice (as {' and '.join(given)}); keep one")
        return None
    to: list[str] = []
    if given:
        value = item[given[0]]
        values = value if isinstance(value, list) else [] if value is None else [value]
        for entry in values:
            if not isinstance(entry, str):
                problem((given[0],), f"each addressee must be a name, not {describe(entry)}")
                return None
            to.extend(part.strip() for part in entry.split("|") if part.strip())
    themes = None
    if item.get("themes") is not None:
        value = item["themes"]
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            problem(("themes",), "'themes' must be theme names such as training, not "
                                 f"{describe(value)}")
            return None
        themes = sorted({t.strip().lower() for v in values for t in v.split("|") if t.strip()})
    to = _unique(to)
    target = None
    if item.get("target") is not None:
        try:
            target = _targets(item["target"], to)
        except DhrError as error:
            problem(("target",), f"'target': {error}")
            return None
    events = _events(item.get("status"), to, lambda sub, message: problem(("status", *sub), message))
    if events is None:
        return None
    return Recommendation(number=number, text=text, to=to, themes=themes, target=target,
                          status=events)


def _targets(value, to: list[str]) -> dict:
    """A recommendation's `target:`: a date for the whole of it, or a mapping of its
    addressees (as written, or ALL_ADDRESSEES) to dates. DhrError for anything else."""
    if not isinstance(value, dict):
        return {"": followup.date(value)}
    found = {}
    for name, when in value.items():
        name = "" if name == ALL_ADDRESSEES else name
        if not isinstance(name, str) or (name and name not in to):
            raise DhrError(f"{name!r} is not an addressee of this recommendation")
        found[name] = followup.date(when)
    return found


def _events(value, to: list[str], problem) -> tuple | None:
    """A recommendation's `status:` list checked: each event a mapping with a status and a
    date, for one of its addressees (`to`, as written) or, without `to`, for each of them.
    None after reporting a problem."""
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    events = []
    for index, entry in enumerate(value):
        where = (index,)
        if not isinstance(entry, dict) or "status" not in entry or "date" not in entry:
            problem(where, f"each status must be a mapping with 'status' and 'date', not "
                           f"{describe(entry)}")
            return None
        unknown = [key for key in entry if key not in EVENT_FIELDS]
        try:
            if unknown:
                raise DhrError(f"unknown key {unknown[0]!r} in a status (the keys are: "
                               f"{', '.join(EVENT_FIELDS)})")
            state, when = followup.state(entry["status"]), followup.date(entry["date"])
            withdrawn = entry.get("withdrawn")
            targets = [entry["to"]] if entry.get("to") else (to or [""])
            for name in targets:
                if not isinstance(name, str) or (to and name not in to) or (not to and name):
                    raise DhrError(f"the status is for {name!r}, which is not an addressee of "
                                   f"this recommendation")
        except DhrError as error:
            problem(where, f"status {index + 1}: {error}")
            return None
        for name in targets:
            event = {"to": name, "status": state, "date": when}
            for key in ("note", "evidence", "by", "source", "recorded"):
                if entry.get(key) is not None:
                    event[key] = str(entry[key])
            if withdrawn:
                event["withdrawn"] = str(withdrawn)
            events.append(event)
    return tuple(events)


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for name in names:
        name = " ".join(name.split())
        if name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


def _suggest(key: object, known: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(str(key).lower(), known, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def describe(value: object) -> str:
    """A short description of a value's kind, for error messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value[:40]!r})"
    if value is None:
        return "nothing"
    return type(value).__name__
