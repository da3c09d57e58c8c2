"""The catalogue's queries: rows of recommendations, counts and cross-tabs, and lookups of
agencies, reviews and recommendations by the names people give them. Every query has an ORDER
BY, so the same catalogue gives the same output every time. `Catalogue` inherits these.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from .records import DhrError

REC_COLUMNS = ["review_id", "csp", "title", "published", "year_of_death", "number", "text",
               "agencies", "sectors", "scope", "source_url"]
SEARCH_COLUMNS = REC_COLUMNS + ["rank", "snippet"]
HIGHLIGHT = ("\x02", "\x03")  # around each match in a snippet; output.py shows or drops them

_REC_SELECT = """
SELECT v.key AS review_id, v.csp, v.title, v.published, v.year_of_death, r.number, r.text,
       (SELECT json_group_array(written) FROM (
            SELECT written FROM recommendation_agencies
            WHERE recommendation = r.id ORDER BY position)) AS agencies,
       (SELECT json_group_array(sector) FROM (
            SELECT a.sector FROM recommendation_agencies ra JOIN agencies a ON a.id = ra.agency
            WHERE ra.recommendation = r.id GROUP BY a.sector ORDER BY min(ra.position))) AS sectors,
       CASE WHEN EXISTS (
            SELECT 1 FROM recommendation_agencies ra JOIN agencies a ON a.id = ra.agency
            WHERE ra.recommendation = r.id AND a.national) THEN 'national' ELSE 'local' END AS scope,
       v.source_url{extra}
FROM {source}
JOIN reviews v ON v.id = r.review
"""
_REC_ORDER = "v.published, v.key, r.sort_key, r.position"
_SECTOR_OF = ("r.id IN (SELECT ra.recommendation FROM recommendation_agencies ra "
              "JOIN agencies a ON a.id = ra.agency WHERE a.{})")


class QueryError(DhrError):
    """A full-text query that FTS5 cannot parse."""


@dataclass
class Filters:
    """What a query is narrowed to; every part optional."""

    agency: str | None = None
    with_predecessors: bool = False
    sector: str | None = None
    national: bool | None = None
    csp: str | None = None
    review: str | None = None
    since: int | None = None
    until: int | None = None

    def where(self, catalogue: "Queries") -> tuple[list[str], list]:
        clauses, params = [], []
        if self.agency is not None:
            ids = sum(catalogue.agency_ids(self.agency, self.with_predecessors), [])
            clauses.append("r.id IN (SELECT recommendation FROM recommendation_agencies "
                           f"WHERE agency IN ({', '.join('?' * len(ids))}))")
            params.extend(ids)
        if self.sector is not None:
            clauses.append(_SECTOR_OF.format("sector = ?"))
            params.append(self.sector)
        if self.national is not None:
            clauses.append(("" if self.national else "NOT ") + _SECTOR_OF.format("national"))
        if self.csp is not None:
            clauses.append("v.csp = ? COLLATE NOCASE")
            params.append(self.csp)
        if self.review is not None:
            clauses.append("v.id = ?")
            params.append(catalogue.review_row(self.review)["id"])
        if self.since is not None:
            clauses.append("CAST(substr(v.published, 1, 4) AS INTEGER) >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append("CAST(substr(v.published, 1, 4) AS INTEGER) <= ?")
            params.append(self.until)
        return clauses, params


class Queries:
    """Read-only queries over `self.db` (an open sqlite3 connection)."""

    # -- looking things up --------------------------------------------------------------------

    def agency_ids(self, name: str, with_predecessors: bool = False) -> tuple[list[int], list[int]]:
        """The catalogue's agency for a name or alias (any spelling), and with_predecessors the
        agencies it took over from. A body the registry knows but no review has addressed gives
        no ids; a name nobody knows is a DhrError naming the closest known names."""
        registry = self.registry
        known = registry.lookup(name)
        key = known.key if known else registry.resolve(name).key
        row = self.db.execute("SELECT id FROM agencies WHERE key = ?", (key,)).fetchone()
        if row is None and known is None:
            names = [r[0] for r in self.db.execute("SELECT name FROM agencies ORDER BY name")]
            canonical = {n: (registry.lookup(n) or registry.resolve(n)).name
                         for n in names + registry.names()}
            raise DhrError(f"no agency named {name!r} in the catalogue or the registry"
                           + _did_you_mean(name, list(canonical), canonical)
                           + "; 'dhr by-agency' lists the agencies in the catalogue")
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
        return self._find("reviews", "key", "review with id", key.strip(), "dhr reviews")

    def _find(self, table: str, column: str, what: str, value: str, lister: str) -> sqlite3.Row:
        row = self.db.execute(f"SELECT * FROM {table} WHERE {column} = ? COLLATE NOCASE",
                              (value,)).fetchone()
        if row:
            return row
        known = [r[0] for r in self.db.execute(f"SELECT {column} FROM {table} ORDER BY 1")]
        raise DhrError(f"no {what} {value!r} in the catalogue" + _did_you_mean(value, known)
                       + f"; '{lister}' lists them all")

    # -- queries ------------------------------------------------------------------------------

    def recommendations(self, filters: Filters) -> Iterator[dict]:
        """Recommendation rows (REC_COLUMNS), in review order and natural number order."""
        clauses, params = filters.where(self)
        extra, extra_params = "", []
        if filters.agency is not None and filters.with_predecessors:
            own, predecessors = self.agency_ids(filters.agency, True)
            extra = (f", CASE WHEN r.id IN (SELECT recommendation FROM recommendation_agencies "
                     f"WHERE agency IN ({', '.join('?' * len(own))})) THEN NULL ELSE "
                     f"(SELECT group_concat(a.name, ' | ') FROM recommendation_agencies ra "
                     f"JOIN agencies a ON a.id = ra.agency WHERE ra.recommendation = r.id AND "
                     f"ra.agency IN ({', '.join('?' * len(predecessors))})) END AS predecessor")
            extra_params = own + predecessors
        sql = _REC_SELECT.format(extra=extra, source="recommendations r")
        params = extra_params + params
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY {_REC_ORDER}"
        rows = self.db.execute(sql, params)
        if extra:
            return ({**_rec_row(row), "predecessor": row["predecessor"]} for row in rows)
        return (_rec_row(row) for row in rows)

    def search(self, match: str, filters: Filters, limit: int | None) -> Iterator[dict]:
        """Rows (SEARCH_COLUMNS) matching an FTS5 query, best first by bm25.

        QueryError for a query FTS5 cannot parse."""
        clauses, params = filters.where(self)
        open_mark, close_mark = HIGHLIGHT
        sql = _REC_SELECT.format(
            extra=f", bm25(recommendations_fts) AS score, snippet(recommendations_fts, 0, "
                  f"'{open_mark}', '{close_mark}', '…', 24) AS snippet",
            source="recommendations_fts JOIN recommendations r ON r.id = recommendations_fts.rowid",
        )
        sql += " WHERE recommendations_fts MATCH ?"
        for clause in clauses:
            sql += " AND " + clause
        sql += f" ORDER BY score, {_REC_ORDER}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        try:
            cursor = self.db.execute(sql, [match, *params])
        except sqlite3.OperationalError as error:
            raise QueryError(str(error)) from None
        return ({**_rec_row(row), "rank": rank, "snippet": row["snippet"]}
                for rank, row in enumerate(cursor, start=1))

    def agency_counts(self, sector: str | None = None, unmatched: bool = False) -> list[dict]:
        """Every agency with its sector, scope, where its sector came from, its aliases in the
        registry, the spellings reviews used, and its recommendations and reviews; most first."""
        registry = self.registry
        aliases: dict[str, int] = {}
        for canonical in registry.aliases.values():
            aliases[canonical] = aliases.get(canonical, 0) + 1
        clauses, params = [], []
        if sector:
            clauses.append("a.sector = ?")
            params.append(sector)
        if unmatched:
            clauses.append("a.matched IN ('rules', 'other')")
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.db.execute(
            "SELECT a.key, a.name AS agency, a.sector, "
            "CASE WHEN a.national THEN 'national' ELSE 'local' END AS scope, a.matched, "
            "count(DISTINCT ra.written) AS spellings, "
            "count(DISTINCT ra.recommendation) AS recommendations, "
            "count(DISTINCT r.review) AS reviews "
            "FROM agencies a JOIN recommendation_agencies ra ON ra.agency = a.id "
            f"JOIN recommendations r ON r.id = ra.recommendation {where} "
            "GROUP BY a.id ORDER BY recommendations DESC, reviews DESC, a.name", params)
        return [{"agency": row["agency"], "sector": row["sector"], "scope": row["scope"],
                 "matched": row["matched"], "aliases": aliases.get(row["key"], 0),
                 "spellings": row["spellings"], "recommendations": row["recommendations"],
                 "reviews": row["reviews"]} for row in rows]

    def sector_counts(self) -> list[dict]:
        """Every sector with its recommendations, reviews and agencies; most first."""
        from .agencies import SECTORS

        counts = {row["sector"]: dict(row) for row in self.db.execute(
            "SELECT a.sector, count(DISTINCT ra.recommendation) AS recommendations, "
            "count(DISTINCT r.review) AS reviews, count(DISTINCT a.id) AS agencies "
            "FROM agencies a JOIN recommendation_agencies ra ON ra.agency = a.id "
            "JOIN recommendations r ON r.id = ra.recommendation GROUP BY a.sector")}
        rows = [counts.get(sector, {"sector": sector, "recommendations": 0, "reviews": 0,
                                    "agencies": 0}) for sector in SECTORS]
        return sorted(rows, key=lambda row: (-row["recommendations"], SECTORS.index(row["sector"])))

    def reviews(self) -> list[dict]:
        """One row per review with its counts, in review order."""
        return [dict(row) for row in self.db.execute(
            "SELECT v.key AS review_id, v.csp, v.title, v.review_type, v.published, "
            "v.year_of_death, "
            "(SELECT count(*) FROM recommendations r WHERE r.review = v.id) AS recommendations, "
            "(SELECT count(DISTINCT ra.agency) FROM recommendations r "
            " JOIN recommendation_agencies ra ON ra.recommendation = r.id "
            " WHERE r.review = v.id) AS agencies "
            "FROM reviews v ORDER BY v.published, v.key")]

    def review(self, key: str) -> dict:
        """One review's fields in review-file order (id first)."""
        row = self.review_row(key)
        return {"review_id": row["key"], "csp": row["csp"], "title": row["title"],
                "review_type": row["review_type"], "published": row["published"],
                "year_of_death": row["year_of_death"], "basis": row["basis"],
                "source_url": row["source_url"], "summary": row["summary"]}

    def info(self) -> dict:
        def count(table: str) -> int:
            return self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        version = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return {
            "database": str(self.path) if self.exists else f"{self.path} (not created yet)",
            "schema_version": int(version[0]),
            "reviews": count("reviews"),
            "recommendations": count("recommendations"),
            "agencies": count("agencies"),
            "addressee_links": count("recommendation_agencies"),
            "unaddressed": self.db.execute(
                "SELECT count(*) FROM recommendations WHERE id NOT IN "
                "(SELECT recommendation FROM recommendation_agencies)").fetchone()[0],
            "aliases_file": str(self.aliases_path) if self.aliases_path else None,
            "sqlite_version": sqlite3.sqlite_version,
        }


def _rec_row(row: sqlite3.Row) -> dict:
    record = {column: row[column] for column in REC_COLUMNS}
    record["agencies"] = json.loads(record["agencies"])
    record["sectors"] = json.loads(record["sectors"])
    return record


def _did_you_mean(wanted: str, known: list[str], canonical: dict | None = None) -> str:
    """' (did you mean A, B, C?)' with the three known names closest to `wanted`; with
    `canonical` (name -> the name of its body), each body is named once, by that name."""
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
