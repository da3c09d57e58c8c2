"""User text -> a safe FTS5 query.

By default every word the user typed is matched as written, whatever punctuation it holds
(`POL-358`, `Clare's`, `A&E`, a stray `"`): each white-space separated chunk becomes one quoted
FTS5 phrase, and all of them must match. `raw=True` passes FTS5 syntax through untouched.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w")


def to_match(text: str) -> str | None:
    """The FTS5 query for plain user text, or None when it holds nothing to search for."""
    phrases = []
    for chunk in text.replace("\x00", " ").split():  # SQLite would end the query at a NUL
        chunk = chunk.replace('"', "")
        if _WORD.search(chunk):
            phrases.append(f'"{chunk}"')
    return " ".join(phrases) or None


RAW_HINT = ("FTS5 syntax: words, \"a phrase\", prefix*, AND, OR, NOT, NEAR(a b, 5), "
            "with parentheses; drop --raw to search the words as written")
