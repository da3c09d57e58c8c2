"""Follow-up: the states a (recommendation, addressee) pair can be in (shared/DOMAIN.md), open or
closed, the overall state of a recommendation from its addressees', and the dates people write.
Nothing here knows SQL or the command line."""

from __future__ import annotations

import datetime
import re

from .records import DhrError

OPEN = ("awaiting-response", "accepted", "in-progress", "partly-implemented")
CLOSED = ("implemented", "already-in-place", "not-implemented", "not-accepted", "superseded",
          "no-longer-applicable")
STATES = OPEN + CLOSED
DEFAULT = "awaiting-response"  # nothing heard
MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for name in names}


def state(word: str) -> str:
    """The state a word names (any case, spaces or underscores for hyphens); DhrError naming
    the closest states if none."""
    folded = re.sub(r"[\s_]+", "-", str(word).strip().lower())
    if folded in STATES:
        return folded
    import difflib

    close = difflib.get_close_matches(folded, STATES, n=2, cutoff=0.5)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    raise DhrError(f"{word!r} is not a status{hint}; the statuses are: {', '.join(STATES)}")


def is_open(name: str) -> bool:
    return name in OPEN


def still_open(overall_state: str) -> bool:
    """Whether a recommendation's overall state (as `overall` words it) is open."""
    return overall_state.startswith("open") or is_open(overall_state)


def now() -> str:
    """The time an event is recorded: UTC, to the second, ISO."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def overall(states: list[str]) -> str:
    """A recommendation's state from its addressees': the one state they share, else
    "open (K of N closed)" while any is open, else "closed"."""
    if not states:
        return DEFAULT
    if len(set(states)) == 1:
        return states[0]
    closed = sum(1 for s in states if not is_open(s))
    if closed < len(states):
        return f"open ({closed} of {len(states)} closed)"
    return "closed"


def date(text: object) -> str:
    """An ISO date (YYYY-MM-DD) from what people write: 2024-02-10, 10/02/2024 (day first, as in
    England and Wales), 10 February 2024. DhrError for anything else, or a day that does not
    exist (31/02/2024)."""
    if isinstance(text, datetime.datetime):
        return text.date().isoformat()
    if isinstance(text, datetime.date):
        return text.isoformat()
    value = str(text).strip()
    try:
        found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
        if found:
            return datetime.date(*map(int, found.groups())).isoformat()
        found = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", value)
        if found:
            day, month, year = map(int, found.groups())
            return datetime.date(year, month, day).isoformat()
        found = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+),? (\d{4})", value)
        if found and found.group(2).lower() in MONTHS:
            return datetime.date(int(found.group(3)), MONTHS[found.group(2).lower()],
                                 int(found.group(1))).isoformat()
    except ValueError:
        pass
    raise DhrError(f"{value!r} is not a date; write it as 2024-02-10 (or 10/02/2024)")
