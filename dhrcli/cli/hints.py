"""What to run next, worded for the command line. The core names no commands or options: its
messages carry a hint code (records.Said, DhrError.hint) and the data the wording needs."""

from __future__ import annotations

HINTS = {
    "themes": "'dhr themes' lists them",
    "agencies": "'dhr agencies' lists the agencies in the catalogue",
    "reviews": "'dhr reviews' lists them all",
    "show": "'dhr show {review}' lists them",
    "repair": "'dhr check --repair' mends it",
    "retheme": "'dhr retheme' takes them off; what people decided is kept, should they come back",
    "replace": "give it its own 'id' to keep both, or import with --replace to replace {review}",
    "max-size": "raise it with --max-size if this file is meant",
    "db": "give another path with --db",
    "history": "'dhr history REC' lists a recommendation's events",
}


def worded(line, hint: str | None = None, **data) -> str:
    """A core message with its hint worded: `line` may be a records.Said or a DhrError."""
    hint = hint or getattr(line, "hint", None)
    data = {**getattr(line, "data", {}), **data}
    text = str(line)
    return f"{text}; {HINTS[hint].format(**data)}" if hint in HINTS else text

RAW_HINT = ("FTS5 syntax: words, \"a phrase\", prefix*, AND, OR, NOT, NEAR(a b, 5), "
            "with parentheses; drop --raw to search the words as written")
