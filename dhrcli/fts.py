"""User text -> a safe FTS5 query.

By default every word the user typed is matched as written, whatever punctuation it holds
(`POL-358`, `Clare's`, `A&E`, a stray `"`): each white-space separated chunk becomes one quoted
FTS5 phrase, and all of them must match. With a glossary, a chunk or run of chunks that is a
glossary term matches any term of its group: `DVDS` also finds "Clare's Law". `raw=True` (the
command's --raw) passes FTS5 syntax through untouched. HIGHLIGHT marks the matches in the
snippets FTS5 gives back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_WORD = re.compile(r"\w")
LONGEST_TERM = 6  # words
HIGHLIGHT = ("\x02", "\x03")  # around each match in a snippet; output.py shows or drops them


def _phrase(text: str) -> str | None:
    text = text.replace('"', "")
    return f'"{text}"' if _WORD.search(text) else None


def to_match(text: str, expand: Callable[[str], list[str] | None] | None = None
             ) -> tuple[str | None, list[list[str]]]:
    """The FTS5 query for plain user text (None when it holds nothing to search for), and the
    glossary groups it was widened to, each with the term the user typed first."""
    chunks = text.replace("\x00", " ").split()  # SQLite would end the query at a NUL
    parts, expanded, i = [], [], 0
    while i < len(chunks):
        group = None
        if expand is not None:
            for length in range(min(LONGEST_TERM, len(chunks) - i), 0, -1):
                group = expand(" ".join(chunks[i:i + length]))
                if group:
                    break
        if group:
            phrases = [p for p in (_phrase(term) for term in group) if p]
            parts.append("(" + " OR ".join(phrases) + ")")
            expanded.append(group)
            i += length
            continue
        phrase = _phrase(chunks[i])
        if phrase:
            parts.append(phrase)
        i += 1
    return (" AND ".join(parts) or None), expanded
