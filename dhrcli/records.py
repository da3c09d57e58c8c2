"""The one definition of a review and its recommendations, and how raw data becomes one.

Every reader turns its format into `Raw` items (plain Python values plus the line of each
part, where the format knows it); `build_review` checks one and returns a `Review`, or the list
of everything wrong with it. Nothing here knows about files, SQLite or the command line.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field

REVIEW_TYPES = ("DHR", "DARDR", "SAR", "CSPR", "PFD")
REVIEW_FIELDS = (
    "id", "csp", "title", "review_type", "basis", "source_url", "summary",
    "published", "year_of_death", "recommendations",
)
RECOMMENDATION_FIELDS = ("number", "text", "to", "addressed_to", "addressees", "themes")
ADDRESSEE_KEYS = ("to", "addressed_to", "addressees")
ADDRESSEE_SEPARATOR = " | "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # cells --excel protects with a leading '
MAX_ID = 120  # characters in a review's id
MAX_SIZE_MB = 1024  # read from one input; the largest benchmark file is about 250 MB
MAX_TEXT = 100_000  # characters in one field: far beyond any real recommendation or summary

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


class Said(str):
    """One line the core says, with the code of a hint that only the command line words (what
    to run next: see dhrcli/cli/hints.py) and the data the hint needs. The core names no
    commands and no options."""

    def __new__(cls, text: str, hint: str | None = None, **data):
        line = super().__new__(cls, text)
        line.hint, line.data = hint, data
        return line


class DhrError(Exception):
    """A mistake in what the user gave dhr: shown as one line, never as a traceback. `hint`
    names what the command line may suggest (see Said)."""

    def __init__(self, message: str, hint: str | None = None, **data):
        super().__init__(message)
        self.hint, self.data = hint, data


class InputError(DhrError):
    """A file that cannot be imported: carries one message per problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Raw:
    """One review as a reader found it: plain values, and where each part stands in the file.

    `lines` maps a path such as (), ("csp",), ("recommendations", 2) or
    ("recommendations", 2, "text") to a 1-based line number.
    """

    data: object
    lines: dict = field(default_factory=dict)
    # What a reader was unsure of, for a person to check: (recommendation index or None, note).
    # The page reader notes low-confidence text/addressee splits and counts that do not add up.
    notes: list = field(default_factory=list)
    uncertain: int = 0  # how many of the notes are uncertain splits
    # Review fields the format cannot hold (a CSV without a `summary` column, say): an import
    # leaves them as the catalogue has them, rather than emptying them.
    absent: frozenset = frozenset()

    def line(self, *path) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


@dataclass
class Recommendation:
    number: str
    text: str
    to: list[str]
    themes: list[str] | None = None  # given by a person in the review file; None: by the rules

    @property
    def sort_key(self) -> str:
        return number_sort_key(self.number)


@dataclass
class Review:
    csp: str
    recommendations: list[Recommendation]
    id: str | None = None
    title: str | None = None
    review_type: str = "DHR"
    basis: str | None = None
    source_url: str | None = None
    summary: str | None = None
    published: str | None = None
    year_of_death: int | None = None
    absent: frozenset = frozenset()  # fields the input could not hold (see Raw.absent)

    @property
    def base_key(self) -> str:
        """The key derived from CSP and publication month, before telling twins apart."""
        return base_key(self.csp, self.published)

    @property
    def identity(self) -> str:
        """What tells two reviews of one CSP and month apart when neither has an id."""
        return self.source_url or self.title or self.recommendations[0].text

    def as_dict(self) -> dict:
        """The review in review-file form, keys in a fixed order."""
        return {
            "id": self.id, "csp": self.csp, "title": self.title,
            "review_type": self.review_type, "basis": self.basis,
            "source_url": self.source_url, "summary": self.summary,
            "published": self.published, "year_of_death": self.year_of_death,
            "recommendations": [
                {"number": r.number, "text": r.text, "to": r.to,
                 **({"themes": r.themes} if r.themes is not None else {})}
                for r in self.recommendations
            ],
        }

    def content_hash(self) -> str:
        """Of everything but the id, so that a review exported with its key and the file it
        came from hash alike."""
        encoded = json.dumps({**self.as_dict(), "id": None}, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def recommendations_kept(old: list[str], new: list[str]) -> int:
    """How many of the `old` texts have a counterpart among the `new`: the same words, or
    nearly (a word or two changed, punctuation, case), each new text standing for one old."""
    def words(text: str) -> Counter:
        return Counter(re.findall(r"\w+", text.casefold()))

    remaining = [words(text) for text in new]
    sizes = [sum(counts.values()) for counts in remaining]
    kept = 0
    for text in old:
        counts = words(text)
        size = sum(counts.values())
        best, best_index = 0.0, None
        for index, other in enumerate(remaining):
            if other is not None:
                common = sum((counts & other).values())
                score = 2 * common / ((size + sizes[index]) or 1)
                if score > best:
                    best, best_index = score, index
        if best >= 0.6:
            kept += 1
            remaining[best_index] = None
    return kept


def by_number(items) -> dict:
    """{(number, occurrence): content} from (number, content) pairs in review order: the key a
    recommendation keeps across re-imports (occurrence 2 is the second with that number)."""
    seen: dict[str, int] = {}
    keyed = {}
    for number, content in items:
        seen[number] = seen.get(number, 0) + 1
        keyed[number, seen[number]] = content
    return keyed


def base_key(csp: str, published: str | None) -> str:
    """norfolk-2023-04: the key a review without an id is given (before a -2, -3 that tells
    reviews of one CSP and month apart), and what its candidates for an update share."""
    return f"{slugify(csp)}-{published[:7] if published else 'undated'}"


# Characters a terminal would act on rather than show: C0 and C1 controls (escape sequences that
# retitle or clear it), and the bidirectional marks and overrides that reorder what is shown.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, keep: str = "") -> str:
    """Text safe to show in a terminal: what it would act on shown escaped (\\x1b, \\u202e),
    except the characters in `keep`."""
    return _HIDDEN.sub(lambda m: m.group() if m.group() in keep
                       else m.group().encode("unicode_escape").decode("ascii"), text)


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("’", "").replace("'", ""))
    return slug.strip("-") or "review"


_NUMBER_PART = re.compile(r"(\d+)")


def number_sort_key(number: str) -> str:
    """A key that sorts recommendation numbers naturally: 1 < 2 < 10, 8.2 < 8.10, 9.1 a < 9.1 b."""
    parts = _NUMBER_PART.split(number.strip().lower())
    return "".join(part.zfill(12) if i % 2 else part for i, part in enumerate(parts))


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


def build_review(raw: Raw, where: str) -> tuple[Review | None, list[str], list[str]]:
    """Check one raw review. Returns (review or None, problems, warnings).

    `where` names the file; each message starts with `FILE:LINE:` and names the review and
    recommendation it is about, so a person can find and fix it.
    """
    problems: list[str] = []
    warnings: list[str] = []

    def place(*path) -> str:
        line = raw.line(*path)
        return f"{where}:{line}" if line else where

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
    return Recommendation(number=number, text=text, to=_unique(to), themes=themes)


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
