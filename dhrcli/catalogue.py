"""The SQLite catalogue: opening and creating it, writing reviews into it, and the queries.

Every write of one input file happens in one transaction; every query has an ORDER BY so the
output is the same each time.
"""

from __future__ import annotations

import difflib
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .records import DhrError, InputError, Raw, Review, build_review

SCHEMA_VERSION = 1

REC_COLUMNS = ["review_id", "csp", "title", "published", "year_of_death", "number", "text",
               "agencies", "source_url"]
SEARCH_COLUMNS = REC_COLUMNS + ["rank", "snippet"]
HIGHLIGHT = ("\x02", "\x03")  # around each match in a snippet; output.py shows or drops them

_REC_SELECT = """
SELECT v.key AS review_id, v.csp, v.title, v.published, v.year_of_death, r.number, r.text,
       (SELECT json_group_array(written) FROM (
            SELECT written FROM recommendation_agencies
            WHERE recommendation = r.id ORDER BY position)) AS agencies,
       v.source_url{extra}
FROM {source}
JOIN reviews v ON v.id = r.review
"""
_REC_ORDER = "v.published, v.key, r.sort_key, r.position"


def schema_sql() -> str:
    """schema.sql: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schema.sql", here.parent / "schema.sql"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise DhrError("schema.sql is missing from this installation of dhr; reinstall it")


def default_path() -> Path:
    """The per-user catalogue: $XDG_DATA_HOME/dhr/dhr.db, else ~/.local/share/dhr/dhr.db
    (on Windows, %LOCALAPPDATA%\\dhr\\dhr.db)."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "dhr" / "dhr.db"
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "dhr" / "dhr.db"


class QueryError(DhrError):
    """A full-text query that FTS5 cannot parse."""


@dataclass
class Filters:
    """What a query is narrowed to; every part optional."""

    agency: str | None = None
    csp: str | None = None
    review: str | None = None
    since: int | None = None
    until: int | None = None

    def where(self, catalogue: "Catalogue") -> tuple[list[str], list]:
        clauses, params = [], []
        if self.agency is not None:
            clauses.append("r.id IN (SELECT recommendation FROM recommendation_agencies "
                           "WHERE agency = ?)")
            params.append(catalogue.agency_id(self.agency))
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


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    recommendations: int = 0
    warnings: list[str] = field(default_factory=list)

    def add(self, other: "ImportResult") -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.recommendations += other.recommendations


class Catalogue:
    """An open catalogue. `write=False` never creates a file: a missing one reads as empty."""

    def __init__(self, path: Path, write: bool = False):
        self.path = Path(path)
        self.exists = self.path.is_file()
        if not self.exists and write:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DhrError(f"{self.path}: cannot create the catalogue's folder "
                               f"({error.strerror})") from None
        target = str(self.path) if (self.exists or write) else ":memory:"
        try:
            self.db = sqlite3.connect(target, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._prepare(write)
        except sqlite3.DatabaseError as error:
            raise DhrError(f"{self.path}: not a dhr catalogue ({error})") from None

    def _prepare(self, write: bool) -> None:
        tables = {row[0] for row in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "meta" in tables:
            version = int(self.db.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise DhrError(f"{self.path}: the catalogue has schema version {version}, newer "
                               f"than this dhr knows ({SCHEMA_VERSION}); upgrade dhr")
        elif tables:
            raise DhrError(f"{self.path}: this SQLite file is not a dhr catalogue; "
                           f"give another path with --db")
        else:
            self.db.executescript(schema_sql())
        if write:
            self.db.execute("PRAGMA journal_mode = WAL")

    def close(self) -> None:
        self.db.close()

    # -- writing ------------------------------------------------------------------------------

    def import_file(self, raws: Iterable[Raw], where: str) -> ImportResult:
        """Import every review from one file in one transaction, or none of them.

        Checks every review before it gives up, so that one run lists all the problems;
        raises InputError (with all of them) and leaves the catalogue as it was.
        """
        result = ImportResult()
        problems: list[str] = []
        keys_in_file: dict[str, int] = {}
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for index, raw in enumerate(raws, start=1):
                review, found, warnings = build_review(raw, where)
                result.warnings.extend(warnings)
                problems.extend(found)
                if review is None or problems:
                    continue
                key = self._store(review, result)
                if key in keys_in_file:
                    line = raw.line()
                    problems.append(f"{where}:{line}: review {key!r} is in this file twice "
                                    f"(also review {keys_in_file[key]}); give each its own 'id'")
                keys_in_file[key] = index
            if problems:
                raise InputError(problems)
            if result.updated:
                self.db.execute("DELETE FROM agencies WHERE id NOT IN "
                                "(SELECT agency FROM recommendation_agencies)")
            self.db.execute("COMMIT")
        except InputError as error:
            self.db.execute("ROLLBACK")
            found = problems + [p for p in error.problems if p not in problems]
            raise InputError(found + result.warnings) from None
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return result

    def _store(self, review: Review, result: ImportResult) -> str:
        """Add or update one review; returns its key."""
        db = self.db
        identity = review.identity
        if review.id is not None:
            key, base = review.id, None
            existing = db.execute("SELECT id, content_hash FROM reviews WHERE key = ?",
                                  (key,)).fetchone()
        else:
            base = review.base_key
            existing = db.execute(
                "SELECT id, key, content_hash FROM reviews WHERE base_key = ? AND identity = ?",
                (base, identity)).fetchone()
            key = existing["key"] if existing else self._free_key(base)
        result.recommendations += len(review.recommendations)
        digest = review.content_hash()
        fields = (key, review.csp, review.title, review.review_type, review.basis,
                  review.source_url, review.summary, review.published, review.year_of_death,
                  base, identity, digest)
        if existing is None:
            cursor = db.execute(
                "INSERT INTO reviews (key, csp, title, review_type, basis, source_url, summary, "
                "published, year_of_death, base_key, identity, content_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fields)
            review_row = cursor.lastrowid
            result.added += 1
        elif existing["content_hash"] == digest:
            result.unchanged += 1
            return key
        else:
            review_row = existing["id"]
            db.execute(
                "UPDATE reviews SET key = ?, csp = ?, title = ?, review_type = ?, basis = ?, "
                "source_url = ?, summary = ?, published = ?, year_of_death = ?, base_key = ?, "
                "identity = ?, content_hash = ? WHERE id = ?", fields + (review_row,))
            db.execute("DELETE FROM recommendations WHERE review = ?", (review_row,))
            result.updated += 1
        for position, rec in enumerate(review.recommendations, start=1):
            rec_row = db.execute(
                "INSERT INTO recommendations (review, position, number, sort_key, text) "
                "VALUES (?, ?, ?, ?, ?)",
                (review_row, position, rec.number, rec.sort_key, rec.text)).lastrowid
            db.executemany(
                "INSERT INTO recommendation_agencies (recommendation, position, agency, written) "
                "VALUES (?, ?, ?, ?)",
                [(rec_row, i, self._agency_for(name), name) for i, name in enumerate(rec.to, 1)])
        return key

    def _free_key(self, base: str) -> str:
        key, n = base, 1
        while self.db.execute("SELECT 1 FROM reviews WHERE key = ?", (key,)).fetchone():
            n += 1
            key = f"{base}-{n}"
        return key

    def _agency_for(self, name: str) -> int:
        row = self.db.execute("SELECT id FROM agencies WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        return self.db.execute("INSERT INTO agencies (name) VALUES (?)", (name,)).lastrowid

    # -- looking things up --------------------------------------------------------------------

    def agency_id(self, name: str) -> int:
        """The agency of that name (any case); DhrError with the closest names if none."""
        return self._find("agencies", "name", "agency named", " ".join(name.split()),
                          "dhr by-agency")["id"]

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
        sql = _REC_SELECT.format(extra="", source="recommendations r")
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY {_REC_ORDER}"
        return (_rec_row(row) for row in self.db.execute(sql, params))

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

    def agency_counts(self) -> list[dict]:
        """Every agency with its recommendations and reviews, most first."""
        return [dict(row) for row in self.db.execute(
            "SELECT a.name AS agency, count(DISTINCT ra.recommendation) AS recommendations, "
            "count(DISTINCT r.review) AS reviews "
            "FROM agencies a JOIN recommendation_agencies ra ON ra.agency = a.id "
            "JOIN recommendations r ON r.id = ra.recommendation "
            "GROUP BY a.id ORDER BY recommendations DESC, reviews DESC, a.name")]

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
            "sqlite_version": sqlite3.sqlite_version,
        }


def _rec_row(row: sqlite3.Row) -> dict:
    import json

    record = {column: row[column] for column in REC_COLUMNS}
    record["agencies"] = json.loads(record["agencies"])
    return record


def _did_you_mean(wanted: str, known: list[str]) -> str:
    folded = {name.casefold(): name for name in known}
    close = difflib.get_close_matches(wanted.casefold(), list(folded), n=3, cutoff=0.6)
    close += [f for f in folded if wanted.casefold() in f and f not in close][: 3 - len(close)]
    if not close:  # names that share a word with what was asked, most alike first
        words = {w for w in wanted.casefold().split() if len(w) > 3}
        sharing = [f for f in folded if words & set(f.split())]
        close = sorted(sharing, key=lambda f: -difflib.SequenceMatcher(None, wanted.casefold(), f).ratio())[:3]
    return " (did you mean " + ", ".join(repr(folded[f]) for f in close) + "?)" if close else ""
