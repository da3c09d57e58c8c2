"""Finding what people name: agencies by any name or alias, reviews by id, recommendations
by REVIEW_ID/NUMBER; a name nobody knows is a DhrError with the closest known names."""

from __future__ import annotations

import sqlite3

from .records import DhrError
from .store import Store


class Names:
    """Lookups by name over an open store."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def db(self):
        return self.store.db

    def agency_ids(self, name: str, with_predecessors: bool = False) -> tuple[list[int], list[int]]:
        """The catalogue's agency for a name or alias (any spelling), and with_predecessors the
        agencies it took over from. A body the registry knows but no review has addressed gives
        no ids; a name nobody knows is a DhrError naming the closest known names."""
        registry = self.store.registry
        known = registry.lookup(name)
        key = known.key if known else registry.resolve(name).key
        row = self.db.execute("SELECT id FROM agencies WHERE key = ?", (key,)).fetchone()
        if row is None and known is None:
            names = [r[0] for r in self.db.execute("SELECT name FROM agencies ORDER BY name")]
            canonical = {n: (registry.lookup(n) or registry.resolve(n)).name
                         for n in names + registry.names()}
            raise DhrError(f"no agency named {name!r} in the catalogue or the registry"
                           + did_you_mean(name, list(canonical), canonical), hint="agencies")
        predecessors = []
        if with_predecessors:
            for predecessor, _date in registry.predecessors(key):
                found = self.db.execute("SELECT id FROM agencies WHERE key = ?",
                                        (predecessor,)).fetchone()
                if found:
                    predecessors.append(found[0])
        return ([row[0]] if row else []), predecessors

    def agency_name(self, name: str) -> str:
        """The catalogue's name for an agency given by any spelling; DhrError if unknown."""
        own, _ = self.agency_ids(name)
        if not own:
            return " ".join(name.split())
        return self.db.execute("SELECT name FROM agencies WHERE id = ?", own).fetchone()[0]

    def review_row(self, key: str) -> sqlite3.Row:
        """The review with that key (any case); DhrError with the closest keys if none."""
        return self._find("reviews", "key", "review with id", key.strip(), "reviews")

    def _find(self, table: str, column: str, what: str, value: str, lister: str) -> sqlite3.Row:
        row = self.db.execute(f"SELECT * FROM {table} WHERE {column} = ? COLLATE NOCASE",
                              (value,)).fetchone()
        if row:
            return row
        known = [r[0] for r in self.db.execute(f"SELECT {column} FROM {table} ORDER BY 1")]
        raise DhrError(f"no {what} {value!r} in the catalogue" + did_you_mean(value, known),
                       hint=lister)

    def recommendation_row(self, reference: str) -> dict:
        """The recommendation a reference names: REVIEW_ID/NUMBER, or REVIEW_ID/NUMBER#K for the
        K-th of several with that number (in the order of the review file)."""
        review_key, slash, rest = reference.strip().partition("/")
        if not slash or not rest:
            raise DhrError(f"{reference!r} is not a recommendation reference; write REVIEW_ID/NUMBER, "
                           f"such as norfolk-2023-04/13")
        number, hash_mark, which = rest.partition("#")
        review = self.review_row(review_key)
        found = self.db.execute(
            "SELECT r.id, r.number, r.occurrence, r.text, r.themes_given FROM recommendations r "
            "WHERE r.review = ? AND r.number = ? COLLATE NOCASE ORDER BY r.position",
            (review["id"], number.strip())).fetchall()
        if not found:
            numbers = [r[0] for r in self.db.execute(
                "SELECT number FROM recommendations WHERE review = ? ORDER BY sort_key, position",
                (review["id"],))]
            raise DhrError(f"review {review['key']!r} has no recommendation {number.strip()!r}"
                           + did_you_mean(number.strip(), numbers), hint="show", review=review["key"])
        if hash_mark:
            if not which.isdigit() or not 1 <= int(which) <= len(found):
                raise DhrError(f"{reference!r}: review {review['key']!r} has {len(found)} "
                               f"recommendation(s) numbered {number!r}; use #1 to #{len(found)}")
            row = found[int(which) - 1]
        elif len(found) > 1:
            choices = ", ".join(f"{review['key']}/{number}#{k}" for k in range(1, len(found) + 1))
            raise DhrError(f"{reference!r}: {len(found)} recommendations of review "
                           f"{review['key']!r} have number {number!r}; name one: {choices}")
        else:
            row = found[0]
        return {"id": row["id"], "review_id": review["key"], "number": row["number"],
                "occurrence": row["occurrence"], "text": row["text"],
                "themes_given": row["themes_given"]}

    def addressees(self, rec: dict) -> list[str]:
        """The addressees of a recommendation (a recommendation_row) as the review wrote them,
        in order; [''] for one with none (the recommendation as a whole)."""
        names = [row[0] for row in self.db.execute(
            "SELECT written FROM recommendation_agencies WHERE recommendation = ? "
            "ORDER BY position", (rec["id"],))]
        return names or [""]


def did_you_mean(wanted: str, known: list[str], canonical: dict | None = None) -> str:
    """' (did you mean A, B, C?)' with the three known names closest to `wanted`; with
    `canonical` (name -> the name of its body), each body is named once, by that name."""
    import difflib

    folded = {name.casefold(): name for name in known}
    close = difflib.get_close_matches(wanted.casefold(), list(folded), n=12, cutoff=0.6)
    close += [f for f in folded if wanted.casefold() in f and f not in close]
    if not close:  # names that share a word with what was asked, most alike first
        words = {w for w in wanted.casefold().split() if len(w) > 3}
        sharing = [f for f in folded if words & set(f.split())]
        close = sorted(sharing, key=lambda f: -difflib.SequenceMatcher(None, wanted.casefold(), f).ratio())
    shown: list[str] = []
    for f in close:
        name = canonical.get(folded[f], folded[f]) if canonical else folded[f]
        if name not in shown:
            shown.append(name)
    return " (did you mean " + ", ".join(repr(n) for n in shown[:3]) + "?)" if shown else ""
