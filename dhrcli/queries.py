"""Reading the catalogue: recommendation rows (all, filtered, or by full-text search), reviews,
why a recommendation has its themes, and the catalogue's figures. Every query has an ORDER BY,
so the same catalogue gives the same output every time. Counts and groupings are in counts.py."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from . import followup
from .fts import HIGHLIGHT
from .lookup import Names
from .migrations import LISTED, STATES_OF
from .records import DhrError
from .store import Store, fts_missing

REC_COLUMNS = ["review_id", "csp", "title", "published", "year_of_death", "number", "text",
               "agencies", "sectors", "scope", "status", "themes", "source_url"]
SEARCH_COLUMNS = REC_COLUMNS + ["rank", "snippet"]

_REC_SELECT = f"""
SELECT r.id AS _id, v.key AS review_id, v.csp, v.title, v.published, v.year_of_death, r.number, r.text,
       {LISTED.replace("{", "{{").replace("}", "}}")},
       v.source_url{{extra}}
FROM {{source}}
JOIN reviews v ON v.id = r.review
"""
_REC_ORDER = "v.published, v.key, r.sort_key, r.position"
_TIES = "v.published AS published, v.key AS key, r.sort_key AS sort_key, r.position AS position"
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
    status: tuple[str, ...] = ()  # open, closed or states: a recommendation with any of them

    def describe(self) -> str:
        """The selection in words, for the top of a report."""
        parts = [f"{name} {value}" for name, value in (
            ("agency", self.agency), ("sector", self.sector), ("theme", self.theme),
            ("CSP", self.csp), ("review", self.review), ("published from", self.since),
            ("published to", self.until)) if value]
        if self.national is not None:
            parts.append("national only" if self.national else "local only")
        if self.status:
            parts.append("status " + " or ".join(self.status))
        return ", ".join(parts) or "every recommendation in the catalogue"


class Queries:
    """Read-only queries over an open store; `names` finds what filters and references name."""

    def __init__(self, store: Store, names: Names):
        self.store = store
        self.names = names

    @property
    def db(self):
        return self.store.db

    def clauses(self, filters: Filters) -> tuple[list[str], list]:
        """SQL clauses and parameters for a Filters (recommendation r, review v)."""
        clauses, params = [], []
        if filters.agency is not None:
            ids = sum(self.names.agency_ids(filters.agency, filters.with_predecessors), [])
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
            params.append(self.store.taxonomy.check(filters.theme))
        if filters.csp is not None:
            clauses.append("v.csp = ? COLLATE NOCASE")
            params.append(filters.csp)
        if filters.review is not None:
            clauses.append("v.id = ?")
            params.append(self.names.review_row(filters.review)["id"])
        if filters.since is not None:
            clauses.append("CAST(substr(v.published, 1, 4) AS INTEGER) >= ?")
            params.append(filters.since)
        if filters.until is not None:
            clauses.append("CAST(substr(v.published, 1, 4) AS INTEGER) <= ?")
            params.append(filters.until)
        if filters.status:
            clauses.append("(" + " OR ".join(self._status_clause(want, params)
                                              for want in filters.status) + ")")
        return clauses, params

    def agency_clauses(self, filters: Filters) -> tuple[list[str], list]:
        """For rows per agency (or per addressee): the filters about agencies - agency (with
        its predecessors if the filters say so), sector, national - as SQL clauses on the
        agency `a`, so that they choose the agencies rather than the recommendations."""
        clauses, params = [], []
        if filters.agency is not None:
            ids = sum(self.names.agency_ids(filters.agency, filters.with_predecessors), [])
            clauses.append(f"a.id IN ({', '.join('?' * len(ids))})")
            params.extend(ids)
        if filters.sector is not None:
            clauses.append("a.sector = ?")
            params.append(filters.sector)
        if filters.national is not None:
            clauses.append("a.national" if filters.national else "NOT coalesce(a.national, 0)")
        return clauses, params

    @staticmethod
    def _status_clause(want: str, params: list) -> str:
        """SQL true for a recommendation r with an addressee in state `want` (open: any open
        state; closed: every addressee closed)."""
        from . import followup

        open_states = ", ".join(f"'{name}'" for name in followup.OPEN)
        if want == "open":
            return f"EXISTS (SELECT 1 FROM ({STATES_OF}) WHERE state IN ({open_states}))"
        if want == "closed":
            return f"NOT EXISTS (SELECT 1 FROM ({STATES_OF}) WHERE state IN ({open_states}))"
        params.append(followup.state(want))
        return f"EXISTS (SELECT 1 FROM ({STATES_OF}) WHERE state = ?)"

    def kept(self, filters: Filters) -> tuple[str, list]:
        """SQL for the ids of the recommendations the filters keep, and its parameters."""
        clauses, params = self.clauses(filters)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return f"SELECT r.id FROM recommendations r JOIN reviews v ON v.id = r.review{where}", params

    # -- queries ------------------------------------------------------------------------------

    def recommendations(self, filters: Filters, ids: list[int] | None = None) -> Iterator[dict]:
        """Recommendation rows (REC_COLUMNS), in review order and natural number order; with
        `ids`, only those recommendations."""
        clauses, params = self.clauses(filters)
        if ids is not None:
            clauses.append(f"r.id IN ({', '.join('?' * len(ids))})")
            params.extend(ids)
        extra, extra_params = "", []
        if filters.agency is not None and filters.with_predecessors:
            own, predecessors = self.names.agency_ids(filters.agency, True)
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
        clauses, params = self.clauses(filters)
        open_mark, close_mark = HIGHLIGHT
        # Rank first on the cheap columns, then make snippets and full rows for the best few.
        order = " ORDER BY score, published, key, sort_key, position" + (
            f" LIMIT {int(limit)}" if limit else "")
        if limit and not clauses:
            # The index alone finds the score of the last row shown; only the matches that
            # score as well (ties included) are joined to their rows, for the order between
            # equal scores. A common word matches a third of a large catalogue.
            head = ("WITH scored AS MATERIALIZED (SELECT rowid AS id, bm25(recommendations_fts) "
                    "AS score FROM recommendations_fts WHERE recommendations_fts MATCH ?), "
                    f"cut AS (SELECT score FROM scored ORDER BY score LIMIT 1 OFFSET "
                    f"{int(limit) - 1}), ")
            ranked = ("SELECT r.id AS id, scored.score AS score, " + _TIES + " FROM scored "
                      "JOIN recommendations r ON r.id = scored.id "
                      "JOIN reviews v ON v.id = r.review "
                      "WHERE scored.score <= coalesce((SELECT score FROM cut), 1e308)" + order)
        else:
            head = "WITH "
            ranked = ("SELECT r.id AS id, bm25(recommendations_fts) AS score, " + _TIES +
                      " FROM recommendations_fts "
                      "JOIN recommendations r ON r.id = recommendations_fts.rowid "
                      "JOIN reviews v ON v.id = r.review WHERE recommendations_fts MATCH ?"
                      + "".join(" AND " + clause for clause in clauses) + order)
        snippet = f"snippet(recommendations_fts, 0, '{open_mark}', '{close_mark}', '…', 24)"
        if limit:
            # One pass over the matches, a snippet for the rows of m only: asked for by rowid,
            # a query of several phrases (a glossary term's) costs FTS5 milliseconds a row.
            # Made once: left to the planner, s may be made again for each row of m.
            snippets = (f"MATERIALIZED (SELECT id, snippet FROM (SELECT rowid AS id, CASE WHEN "
                        f"rowid IN (SELECT id FROM m) THEN {snippet} END AS snippet FROM "
                        f"recommendations_fts WHERE recommendations_fts MATCH ?) "
                        f"WHERE snippet IS NOT NULL)")
        else:
            snippets = (f"(SELECT rowid AS id, {snippet} AS snippet FROM recommendations_fts "
                        f"WHERE recommendations_fts MATCH ? AND rowid IN (SELECT id FROM m))")
        sql = head + f"m AS ({ranked}), s AS {snippets} " \
            + _REC_SELECT.format(
                extra=", m.score AS score, s.snippet AS snippet",
                source="m JOIN s ON s.id = m.id JOIN recommendations r ON r.id = m.id",
            ) + f" ORDER BY m.score, {_REC_ORDER}"
        try:
            cursor = self.db.execute(sql, [match, *params, match])
        except sqlite3.OperationalError as error:
            missing = fts_missing(self.db)
            if missing:
                raise DhrError(f"{self.store.path}: the full-text index is damaged (its table "
                               f"{missing[0]} is missing)", hint="repair") from None
            raise QueryError(str(error)) from None
        return ({**_rec_row(row), "rank": rank, "snippet": row["snippet"]}
                for rank, row in enumerate(cursor, start=1))

    def explanation(self, reference: str) -> tuple[dict, list[dict]]:
        """A recommendation and every signal about its themes: for each theme it has, where it
        came from and why (each cue and the words it matched, each addressee that was a
        signal); rule themes a person removed, as removed; and the matches that did not count,
        as blocked (by a not-cue, or for want of a companion word)."""
        rec = self.names.recommendation_row(reference)
        taxonomy = self.store.taxonomy
        rows = []
        have = set()
        for theme, source, reason in self.db.execute(
                "SELECT theme, source, reason FROM recommendation_themes WHERE recommendation = ?",
                (rec["id"],)):
            have.add(theme)
            rows.extend(_explained(theme, source, reason))
        removed = {t for (t, action) in self.db.execute(
            "SELECT theme, action FROM theme_decisions WHERE review = ? AND number = ? AND "
            "occurrence = ?", (rec["review_id"], rec["number"], rec["occurrence"]))
            if action == "remove"}
        addressees = [tuple(row) for row in self.db.execute(
            "SELECT ra.written, a.sector FROM recommendation_agencies ra JOIN agencies a "
            "ON a.id = ra.agency WHERE ra.recommendation = ? ORDER BY ra.position", (rec["id"],))]
        blocked: list = []
        for theme, matches in taxonomy.classify(rec["text"], addressees, blocked).items():
            if theme in removed and theme not in have:
                rows.extend({"theme": theme, "source": "removed by a person", "signal": m.signal,
                             "cue": m.cue, "words": m.words} for m in matches)
        if rec["themes_given"] is None:
            rows.extend({"theme": theme, "source": "blocked", "signal": match.blocked,
                         "cue": match.cue, "words": match.words} for theme, match in blocked)
        order = list(taxonomy.themes)
        stage = {"blocked": 2}
        rows.sort(key=lambda r: (order.index(r["theme"]) if r["theme"] in order else 99,
                                 1 if r["source"].startswith("removed") else stage.get(r["source"], 0)))
        return rec, rows

    def _themes_state(self) -> str:
        from . import themes

        stored = self.db.execute("SELECT value FROM meta WHERE key = 'taxonomy'").fetchone()
        if stored is None or stored[0] == themes.fingerprint(self.store.taxonomy_path):
            return "up to date"
        return "taxonomy changed since the last classification: themes are due again"

    def export_reviews(self, filters: Filters) -> Iterator[dict]:
        """Each review with the recommendations the filters keep, in review-file form (id
        first, recommendations in the order of the file, addressees as written, and themes where
        a person gave them), one at a time."""
        kept, params = self.kept(filters)
        reviews = self.db.execute(
            "SELECT * FROM reviews v WHERE v.id IN (SELECT r.review FROM recommendations r "
            f"WHERE r.id IN ({kept})) ORDER BY v.published, v.key", params).fetchall()
        for review in reviews:
            decided = {(row[0], row[1]) for row in self.db.execute(
                "SELECT number, occurrence FROM theme_decisions WHERE review = ?", (review["key"],))}
            follow_up = self._follow_up(review["key"])
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
                rec.update(follow_up.get((number, occurrence), {}))
                recs.append(rec)
            yield {"id": review["key"], **{field: review[field] for field in (
                "csp", "title", "review_type", "basis", "source_url", "summary", "published",
                "year_of_death")}, "recommendations": recs}

    def _follow_up(self, review: str) -> dict[tuple, dict]:
        """(number, occurrence) -> the recommendation's targets and status events in
        review-file form, for one review: every event, withdrawn ones too, so that an export
        loses nothing."""
        from .records import target_form

        found: dict[tuple, dict] = {}
        targets: dict[tuple, dict] = {}
        for number, occurrence, addressee, target in self.db.execute(
                "SELECT number, occurrence, addressee, target FROM targets WHERE review = ? "
                "ORDER BY number, occurrence, addressee", (review,)):
            targets.setdefault((number, occurrence), {})[addressee] = target
        for rec, held in targets.items():
            found.setdefault(rec, {})["target"] = target_form(held)
        for row in self.db.execute(
                "SELECT number, occurrence, addressee, status, date, note, evidence, recorded_by, "
                "source, recorded_at, withdrawn_at FROM status_events WHERE review = ? "
                "ORDER BY date, id", (review,)):
            event = {"to": row[2], "status": row[3], "date": row[4], "note": row[5],
                     "evidence": row[6], "by": row[7], "source": row[8], "recorded": row[9],
                     "withdrawn": row[10]}
            found.setdefault((row[0], row[1]), {}).setdefault("status", []).append(
                {k: v for k, v in event.items() if v not in (None, "") or k == "status"})
        return found

    def reviews(self, filters: Filters | None = None) -> list[dict]:
        """One row per review with its counts, in review order. With filters, the reviews
        with at least one recommendation they keep, and the counts of those."""
        kept, params = self.kept(filters) if filters and filters != Filters() else ("", [])
        only = f" AND r.id IN ({kept})" if kept else ""
        return [dict(row) for row in self.db.execute(
            "SELECT v.key AS review_id, v.csp, v.title, v.review_type, v.published, "
            "v.year_of_death, "
            f"(SELECT count(*) FROM recommendations r WHERE r.review = v.id{only}) AS recommendations, "
            "(SELECT count(DISTINCT ra.agency) FROM recommendations r "
            " JOIN recommendation_agencies ra ON ra.recommendation = r.id "
            f" WHERE r.review = v.id{only}) AS agencies "
            "FROM reviews v" + (f" WHERE v.id IN (SELECT r.review FROM recommendations r "
                                f"WHERE r.id IN ({kept}))" if kept else "")
            + " ORDER BY v.published, v.key", params * 3 if kept else [])]

    def review(self, key: str) -> dict:
        """One review's fields in review-file order (id first)."""
        row = self.names.review_row(key)
        return {"review_id": row["key"], **{field: row[field] for field in (
            "csp", "title", "review_type", "published", "year_of_death", "basis", "source_url",
            "summary")}}

    def info(self) -> dict:
        def count(table: str) -> int:
            return self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        version = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return {
            "database": str(self.store.path) if self.store.exists else f"{self.store.path} (not created yet)",
            "schema_version": int(version[0]),
            "reviews": count("reviews"),
            "recommendations": count("recommendations"),
            "agencies": count("agencies"),
            "addressee_links": count("recommendation_agencies"),
            "unaddressed": self.db.execute(
                "SELECT count(*) FROM recommendations WHERE id NOT IN "
                "(SELECT recommendation FROM recommendation_agencies)").fetchone()[0],
            "aliases_file": str(self.store.aliases_path) if self.store.aliases_path else None,
            "taxonomy_file": str(self.store.taxonomy_path) if self.store.taxonomy_path else None,
            "themes": self._themes_state(),
            "sqlite_version": sqlite3.sqlite_version,
        }


def _explained(theme: str, source: str, reason: str | None) -> list[dict]:
    if source == "rules":  # the reason is a JSON list of {"cue", "words"[, "signal"]}, a match each
        return [{"theme": theme, "source": "rules", "signal": match.get("signal", "text"),
                 "cue": match["cue"], "words": match["words"]}
                for match in json.loads(reason or "[]")]
    return [{"theme": theme, "source": source, "signal": None, "cue": None, "words": None}]


# SQLite's JSON lists have no space round them: raw_decode skips json.loads's checks for it.
_DECODE = json.JSONDecoder().raw_decode


def _rec_row(row: sqlite3.Row) -> dict:
    """A row of _REC_SELECT as a record of REC_COLUMNS (and _id), its lists decoded; read by
    place, in _REC_SELECT's order (naming each column cost more than the rest of the work)."""
    (rec_id, review_id, csp, title, published, year_of_death, number, text, agencies, sectors,
     scope, themes, statuses, source_url) = row[:14]
    return {"review_id": review_id, "csp": csp, "title": title, "published": published,
            "year_of_death": year_of_death, "number": number, "text": text,
            "agencies": _DECODE(agencies)[0], "sectors": _DECODE(sectors)[0], "scope": scope,
            "status": followup.overall(_DECODE(statuses)[0]), "themes": _DECODE(themes)[0],
            "source_url": source_url, "_id": rec_id}


