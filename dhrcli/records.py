"""The one definition of a review and its recommendations, and the errors dhr raises.

Every reader turns its format into `Raw` items (plain Python values plus the line of each
part, where the format knows it); building.py checks one and makes it a `Review`. Nothing here
knows about files, SQLite or the command line.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

REVIEW_TYPES = ("DHR", "DARDR", "SAR", "CSPR", "PFD")
REVIEW_FIELDS = (
    "id", "csp", "title", "review_type", "basis", "source_url", "summary",
    "published", "year_of_death", "recommendations",
)
RECOMMENDATION_FIELDS = ("number", "text", "to", "addressed_to", "addressees", "themes", "target",
                         "status")
EVENT_FIELDS = ("to", "status", "date", "note", "evidence", "by", "source", "recorded", "withdrawn")
ADDRESSEE_KEYS = ("to", "addressed_to", "addressees")
ADDRESSEE_SEPARATOR = " | "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # cells --excel protects with a leading '
MAX_ID = 120  # characters in a review's id
MAX_SIZE_MB = 1024  # read from one input; the largest benchmark file is about 250 MB
MAX_TEXT = 100_000  # characters in one field: far beyond any real recommendation or summary

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
    target: dict | None = None  # when it is due (ISO date): addressee as written -> date, '' for all
    status: tuple = ()  # status events, each a dict of EVENT_FIELDS (followup.py's states)

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
                 **({"themes": r.themes} if r.themes is not None else {}),
                 **({"target": target_form(r.target)} if r.target else {}),
                 **({"status": [dict(e) for e in r.status]} if r.status else {})}
                for r in self.recommendations
            ],
        }

    def content_hash(self) -> str:
        """Of everything but the id, so that a review exported with its key and the file it
        came from hash alike."""
        import hashlib

        encoded = json.dumps({**self.as_dict(), "id": None}, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


ALL_ADDRESSEES = "*"  # in a review file's target mapping: the whole recommendation


def target_form(targets: dict) -> str | dict:
    """Targets (addressee -> date, '' for the whole recommendation) as a review file writes
    them: a date, or a mapping of addressees (and ALL_ADDRESSEES) to dates."""
    if set(targets) == {""}:
        return targets[""]
    return {name or ALL_ADDRESSEES: date for name, date in sorted(targets.items())}


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
