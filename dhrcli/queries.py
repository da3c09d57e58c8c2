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
               "agencies", "sectors", "scope", "themes", "source_url"]
SEARCH_COLUMNS = REC_COLUMNS + ["rank", "snippet"]
HIGHLIGHT = ("\x02", "\x03")  # around each match in a snippet; output.py shows or drops them

_REC_SELECT = """
SELECT r.id AS _id, v.key AS review_id, v.csp, v.title, v.published, v.year_of_death, r.number, r.text,
       (SELECT json_group_array(written) FROM (
            SELECT written FROM recommendation_agencies
            WHERE recommendation = r.id ORDER BY position)) AS agencies,
       (SELECT json_group_array(sector) FROM (
            SELECT a.sector FROM recommendation_agencies ra JOIN agencies a ON a.id = ra.agency
            WHERE ra.recommendation = r.id GROUP BY a.sector ORDER BY min(ra.position))) AS sectors,
       CASE WHEN EXISTS (
            SELECT 1 FROM recommendation_agencies ra JOIN agencies a ON a.id = ra.agency
            WHERE ra.recommendation = r.id AND a.national) THEN 'national' ELSE 'local' END AS scope,
       (SELECT json_group_array(theme) FROM (
            SELECT theme FROM recommendation_themes WHERE recommendation = r.id
            ORDER BY theme)) AS themes,
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
    """What a query is narrowed to; every part optional. Plain data: Queries turns it into SQL."""

    agency: str | None = None
    with_predecessors: bool = False
    sector: str | None = None
    national: bool | None = None
    theme: str | None = None
    csp: str | None = None
    review: str | None = None
    since: int | None = None
    until: int | None = None

    def describe(self) -> str:
        """The selection in words, for the top of a report."""
        parts = [f"{name} {value}" for name, value in (
            ("agency", self.agency), ("sector", self.sector), ("theme", self.theme),
            ("CSP", self.csp), ("review", self.review), ("published from", self.since),
            ("published to", self.until)) if value]
        if self.national is not None:
            parts.append("national only" if self.national else "local only")
        return ", ".join(parts) or "every recommendation in the catalogue"


class Queries:
    """Read-only queries over `self.db` (an open sqlite3 connection)."""

    def _where(self, filters: Filters) -> tuple[list[str], list]:
        """SQL clauses and parameters for a Filters (recommendation r, review v)."""
        clauses, params = [], []
        if filters.agency is not None:
            ids = sum(self.agency_ids(filters.agency, filters.with_predecessors), [])
            clauses.append("r.id IN (SELECT recommendation FROM recommendation_agencies "
                           f"WHERE agency IN ({', '.join('?' * len(ids))}))")
            params.extend(ids)
        if filters.sector is not None:
            clauses.append(_SECTOR_OF.format("sector = ?"))
            params.append(filters.sector)
        if filters.national is not None:
            clauses.append(("" if filters.national else "NOT ") + _SECTOR_OF.format("national"))
        if filters.theme is not None:
            clauses.append("r.id IN (SELECT recommendation FROM recommendation_themes "
                           "WHERE theme = ?)")
            params.append(self.taxonomy.check(filters.theme))
        if filters.csp is not None:
            clauses.append("v.csp = ? COLLATE NOCASE")
            params.append(filters.csp)
        if filters.review is not None:
            clauses.append("v.id = ?")
            params.append(self.review_row(filters.review)["id"])
        if filters.since is not None:
            clauses.append("CAST(substr(v.published, 1, 4) AS INTEGER) >= ?")
            params.append(filters.since)
        if filters.until is not None:
            clauses.append("CAST(substr(v.published, 1, 4) AS INTEGER) <= ?")
            params.append(filters.until)
        return clauses, params

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
                           + _did_you_mean(name, list(canonical), canonical), hint="agencies")
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
        raise DhrError(f"no {what} {value!r} in the catalogue" + _did_you_mean(value, known),
                       hint=lister)

    # -- queries ------------------------------------------------------------------------------

    def recommendations(self, filters: Filters) -> Iterator[dict]:
        """Recommendation rows (REC_COLUMNS), in review order and natural number order."""
        clauses, params = self._where(filters)
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
        clauses, params = self._where(filters)
        open_mark, close_mark = HIGHLIGHT
        # Rank first on the cheap columns, then make snippets and full rows for the best few.
        ranked = ("SELECT r.id AS id, bm25(recommendations_fts) AS score, "
                  "v.published AS published, v.key AS key, r.sort_key AS sort_key, "
                  "r.position AS position FROM recommendations_fts "
                  "JOIN recommendations r ON r.id = recommendations_fts.rowid "
                  "JOIN reviews v ON v.id = r.review WHERE recommendations_fts MATCH ?"
                  + "".join(" AND " + clause for clause in clauses)
                  + " ORDER BY score, published, key, sort_key, position"
                  + (f" LIMIT {int(limit)}" if limit else ""))
        snippets = ("SELECT rowid AS id, snippet(recommendations_fts, 0, "
                    f"'{open_mark}', '{close_mark}', '…', 24) AS snippet FROM recommendations_fts "
                    "WHERE recommendations_fts MATCH ? AND rowid IN (SELECT id FROM m)")
        sql = f"WITH m AS ({ranked}), s AS ({snippets}) " + _REC_SELECT.format(
            extra=", m.score AS score, s.snippet AS snippet",
            source="m JOIN s ON s.id = m.id JOIN recommendations r ON r.id = m.id",
        ) + f" ORDER BY m.score, {_REC_ORDER}"
        params = [*params, match]
        try:
            cursor = self.db.execute(sql, [match, *params])
        except sqlite3.OperationalError as error:
            from .checking import fts_missing

            missing = fts_missing(self.db)
            if missing:
                raise DhrError(f"{self.path}: the full-text index is damaged (its table "
                               f"{missing[0]} is missing)", hint="repair") from None
            raise QueryError(str(error)) from None
        return ({**_rec_row(row), "rank": rank, "snippet": row["snippet"]}
                for rank, row in enumerate(cursor, start=1))

    def agency_counts(self, sector: str | None = None, unmatched: bool = False,
                      with_aliases: bool = False) -> list[dict]:
        """Every agency with its sector, scope, where its sector came from, the spellings
        reviews used, and its recommendations and reviews; most first. `with_aliases` adds how
        many aliases the registry knows for each (and so loads the registry)."""
        aliases: dict[str, int] = {}
        for canonical in self.registry.aliases.values() if with_aliases else ():
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
        from .sectors import SECTORS

        counts = {row["sector"]: dict(row) for row in self.db.execute(
            "SELECT a.sector, count(DISTINCT ra.recommendation) AS recommendations, "
            "count(DISTINCT r.review) AS reviews, count(DISTINCT a.id) AS agencies "
            "FROM agencies a JOIN recommendation_agencies ra ON ra.agency = a.id "
            "JOIN recommendations r ON r.id = ra.recommendation GROUP BY a.sector")}
        rows = [counts.get(sector, {"sector": sector, "recommendations": 0, "reviews": 0,
                                    "agencies": 0}) for sector in SECTORS]
        return sorted(rows, key=lambda row: (-row["recommendations"], SECTORS.index(row["sector"])))

    def _filtered(self, filters: Filters) -> tuple[str, list]:
        """SQL for the ids of the recommendations the filters keep, and its parameters."""
        clauses, params = self._where(filters)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return f"SELECT r.id FROM recommendations r JOIN reviews v ON v.id = r.review{where}", params

    def theme_counts(self, filters: Filters | None = None) -> list[dict]:
        """Every theme with its recommendations and reviews and its share (percent) of all the
        recommendations the filters keep; most first, then in taxonomy order."""
        kept, params = self._filtered(filters or Filters())
        total = self.db.execute(f"SELECT count(*) FROM ({kept})", params).fetchone()[0]
        counts = {row[0]: row[1:] for row in self.db.execute(
            "SELECT t.theme, count(DISTINCT t.recommendation), count(DISTINCT r.review) "
            "FROM recommendation_themes t JOIN recommendations r ON r.id = t.recommendation "
            f"WHERE t.recommendation IN ({kept}) GROUP BY t.theme", params)}
        order = list(self.taxonomy.themes)
        rows = []
        for slug, theme in self.taxonomy.themes.items():
            recs, reviews = counts.get(slug, (0, 0))
            rows.append({"theme": slug, "label": theme.label, "recommendations": recs,
                         "reviews": reviews,
                         "share": round(100 * recs / total, 1) if total else 0.0})
        return sorted(rows, key=lambda row: (-row["recommendations"], order.index(row["theme"])))

    def crosstab(self, rows: str, filters: Filters, only: str | None = None) -> tuple[list[str], list[dict]]:
        """Counts of recommendations by agency and theme. `rows` is "agency" (a row per agency,
        a column per theme) or "theme" (a row per theme, a column per agency); `only` keeps
        one column. Returns (columns, rows); each row also has its own total of recommendations."""
        kept, params = self._filtered(filters)
        cells: dict[tuple[str, str], int] = {}
        totals: dict[str, set] = {}
        for agency, theme, rec in self.db.execute(
                "SELECT a.name, t.theme, t.recommendation FROM recommendation_themes t "
                "JOIN recommendation_agencies ra ON ra.recommendation = t.recommendation "
                "JOIN agencies a ON a.id = ra.agency "
                f"WHERE t.recommendation IN ({kept})", params):
            row, column = (agency, theme) if rows == "agency" else (theme, agency)
            if only is not None and column != only:
                continue
            cells[row, column] = cells.get((row, column), 0) + 1
            totals.setdefault(row, set()).add(rec)
        columns: dict[str, int] = {}
        for (_, column), count in cells.items():
            columns[column] = columns.get(column, 0) + count
        theme_order = list(self.taxonomy.themes)
        if rows == "agency":  # columns are themes: taxonomy order
            names = sorted(columns, key=lambda c: theme_order.index(c) if c in theme_order else 99)
        else:
            names = sorted(columns, key=lambda c: (-columns[c], c))
        label = "agency" if rows == "agency" else "theme"
        table = [{label: row, "recommendations": len(recs),
                  **{column: cells.get((row, column), 0) for column in names}}
                 for row, recs in totals.items()]
        table.sort(key=lambda r: (-r["recommendations"], r[label]))
        return [label, "recommendations"] + names, table

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
                           + _did_you_mean(number.strip(), numbers), hint="show", review=review["key"])
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

    def explanation(self, reference: str) -> tuple[dict, list[dict]]:
        """A recommendation and, for each of its themes, where the theme came from and why;
        rule themes a person removed are listed too, as removed."""
        rec = self.recommendation_row(reference)
        rows = []
        have = set()
        for theme, source, reason in self.db.execute(
                "SELECT theme, source, reason FROM recommendation_themes WHERE recommendation = ?",
                (rec["id"],)):
            have.add(theme)
            rows.extend(_explained(theme, source, reason, self.taxonomy))
        removed = {t for (t, action) in self.db.execute(
            "SELECT theme, action FROM theme_decisions WHERE review = ? AND number = ? AND "
            "occurrence = ?", (rec["review_id"], rec["number"], rec["occurrence"]))
            if action == "remove"}
        for theme, matches in self.taxonomy.classify(rec["text"]).items():
            if theme in removed and theme not in have:
                rows.append({"theme": theme, "source": "removed by a person",
                             "cue": matches[0].cue, "words": matches[0].words})
        order = list(self.taxonomy.themes)
        rows.sort(key=lambda r: (order.index(r["theme"]) if r["theme"] in order else 99,
                                 r["source"].startswith("removed")))
        return rec, rows

    def _themes_state(self) -> str:
        from . import themes

        stored = self.db.execute("SELECT value FROM meta WHERE key = 'taxonomy'").fetchone()
        if stored is None or stored[0] == themes.fingerprint(self.taxonomy_path):
            return "up to date"
        return "taxonomy changed since the last classification: themes are due again"

    # -- exports, reports and statistics -----------------------------------------------------

    def export_reviews(self, filters: Filters) -> Iterator[dict]:
        """Each review with the recommendations the filters keep, in review-file form (id
        first, recommendations in the order of the file, addressees as written, and themes where
        a person gave them), one at a time."""
        kept, params = self._filtered(filters)
        reviews = self.db.execute(
            "SELECT * FROM reviews v WHERE v.id IN (SELECT r.review FROM recommendations r "
            f"WHERE r.id IN ({kept})) ORDER BY v.published, v.key", params).fetchall()
        for review in reviews:
            decided = {(row[0], row[1]) for row in self.db.execute(
                "SELECT number, occurrence FROM theme_decisions WHERE review = ?", (review["key"],))}
            recs = []
            for row in self.db.execute(
                    "SELECT r.number, r.text, r.occurrence, r.themes_given, "
                    "(SELECT json_group_array(written) FROM (SELECT written FROM "
                    " recommendation_agencies WHERE recommendation = r.id ORDER BY position)), "
                    "(SELECT json_group_array(theme) FROM (SELECT theme FROM "
                    " recommendation_themes WHERE recommendation = r.id ORDER BY theme)) "
                    f"FROM recommendations r WHERE r.review = ? AND r.id IN ({kept}) "
                    "ORDER BY r.position", [review["id"], *params]):
                number, text, occurrence, given, to, themes = row
                rec = {"number": number, "text": text, "to": json.loads(to)}
                if given is not None or (number, occurrence) in decided:
                    rec["themes"] = json.loads(themes)
                recs.append(rec)
            yield {"id": review["key"], "csp": review["csp"], "title": review["title"],
                   "review_type": review["review_type"], "basis": review["basis"],
                   "source_url": review["source_url"], "summary": review["summary"],
                   "published": review["published"], "year_of_death": review["year_of_death"],
                   "recommendations": recs}

    _GROUPS = {
        "agency": "SELECT a.name, ra.recommendation FROM recommendation_agencies ra "
                  "JOIN agencies a ON a.id = ra.agency WHERE ra.recommendation IN ({kept})",
        "sector": "SELECT DISTINCT a.sector, ra.recommendation FROM recommendation_agencies ra "
                  "JOIN agencies a ON a.id = ra.agency WHERE ra.recommendation IN ({kept})",
        "theme": "SELECT theme, recommendation FROM recommendation_themes "
                 "WHERE recommendation IN ({kept})",
        "csp": "SELECT v.csp, r.id FROM recommendations r JOIN reviews v ON v.id = r.review "
               "WHERE r.id IN ({kept})",
    }

    def grouped(self, by: str, filters: Filters) -> list[tuple[str, list[dict]]]:
        """(group, recommendation rows) for each agency, sector, theme or CSP among the
        recommendations the filters keep; largest group first. A recommendation is in every
        group it belongs to."""
        kept, params = self._filtered(filters)
        rows = {row["_id"]: row for row in self.recommendations(filters)}
        groups: dict[str, list[dict]] = {}
        for name, rec in self.db.execute(self._GROUPS[by].format(kept=kept), params):
            groups.setdefault(name, []).append(rows[rec])
        order = {rec_id: i for i, rec_id in enumerate(rows)}
        return sorted(((name, sorted(recs, key=lambda r: order[r["_id"]]))
                       for name, recs in groups.items()), key=lambda g: (-len(g[1]), g[0]))

    def headline(self, filters: Filters) -> dict:
        """Reviews, recommendations, agencies, the date range and the national share of the
        recommendations the filters keep."""
        kept, params = self._filtered(filters)
        reviews, recs, first, last = self.db.execute(
            "SELECT count(DISTINCT r.review), count(*), min(v.published), max(v.published) "
            f"FROM recommendations r JOIN reviews v ON v.id = r.review WHERE r.id IN ({kept})",
            params).fetchone()
        agencies = self.db.execute(
            f"SELECT count(DISTINCT agency) FROM recommendation_agencies WHERE recommendation IN "
            f"({kept})", params).fetchone()[0]
        national = self.db.execute(
            f"SELECT count(DISTINCT ra.recommendation) FROM recommendation_agencies ra "
            f"JOIN agencies a ON a.id = ra.agency WHERE a.national AND ra.recommendation IN "
            f"({kept})", params).fetchone()[0]
        return {"reviews": reviews, "recommendations": recs, "agencies": agencies,
                "first_published": first, "last_published": last, "national": national,
                "national_share": round(100 * national / recs, 1) if recs else 0.0}

    STATS = ("year", "death", "sector", "theme", "csp", "addressees")

    def stats(self, by: str) -> list[dict]:
        """Recommendations and reviews in each group of one breakdown: year (of publication),
        death (year of death), sector, theme, csp, or addressees (how many a recommendation has)."""
        if by == "sector":
            return [{"group": r["sector"], "recommendations": r["recommendations"],
                     "reviews": r["reviews"]} for r in self.sector_counts()]
        if by == "theme":
            return [{"group": r["theme"], "recommendations": r["recommendations"],
                     "reviews": r["reviews"]} for r in self.theme_counts()]
        expression, order = {
            "year": ("coalesce(substr(v.published, 1, 4), 'unknown')", "1"),
            "death": ("coalesce(CAST(v.year_of_death AS TEXT), 'unknown')", "1"),
            "csp": ("v.csp", "2 DESC, 1"),
            "addressees": ("(SELECT count(*) FROM recommendation_agencies ra "
                           "WHERE ra.recommendation = r.id)", "1"),
        }[by]
        return [{"group": str(row[0]), "recommendations": row[1], "reviews": row[2]}
                for row in self.db.execute(
                    f"SELECT {expression} AS g, count(*), count(DISTINCT r.review) "
                    f"FROM recommendations r JOIN reviews v ON v.id = r.review "
                    f"GROUP BY g ORDER BY {order}")]

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
            "taxonomy_file": str(self.taxonomy_path) if self.taxonomy_path else None,
            "themes": self._themes_state(),
            "sqlite_version": sqlite3.sqlite_version,
        }


def _explained(theme: str, source: str, reason: str | None, taxonomy) -> list[dict]:
    if source == "rules":  # the reason is a JSON list of {"cue", "words"}, one per match
        return [{"theme": theme, "source": "rules", "cue": match["cue"], "words": match["words"]}
                for match in json.loads(reason or "[]")]
    return [{"theme": theme, "source": source, "cue": None, "words": None}]


def _rec_row(row: sqlite3.Row) -> dict:
    record = {column: row[column] for column in REC_COLUMNS}
    record["_id"] = row["_id"]
    record["agencies"] = json.loads(record["agencies"])
    record["sectors"] = json.loads(record["sectors"])
    record["themes"] = json.loads(record["themes"])
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
