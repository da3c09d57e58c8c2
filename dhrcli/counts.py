"""Counting the catalogue: agencies, sectors and themes with their recommendations and
reviews, cross-tabs of agencies and themes, groups for reports, and breakdowns for stats; each
over the recommendations a Filters keeps (queries.py)."""

from __future__ import annotations

from .queries import Filters, Queries


class Counts:
    """Counts over the recommendations `queries` selects."""

    def __init__(self, queries: Queries):
        self.queries = queries
        self.store = queries.store

    @property
    def db(self):
        return self.store.db

    def agency_counts(self, sector: str | None = None, unmatched: bool = False,
                      with_aliases: bool = False) -> list[dict]:
        """Every agency with its sector, scope, where its sector came from, the spellings
        reviews used, and its recommendations and reviews; most first. `with_aliases` adds how
        many aliases the registry knows for each (and so loads the registry)."""
        aliases: dict[str, int] = {}
        for canonical in self.store.registry.aliases.values() if with_aliases else ():
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

    def theme_counts(self, filters: Filters | None = None) -> list[dict]:
        """Every theme with its recommendations and reviews and its share (percent) of all the
        recommendations the filters keep; most first, then in taxonomy order."""
        kept, params = self.queries.kept(filters or Filters())
        total = self.db.execute(f"SELECT count(*) FROM ({kept})", params).fetchone()[0]
        counts = {row[0]: row[1:] for row in self.db.execute(
            "SELECT t.theme, count(DISTINCT t.recommendation), count(DISTINCT r.review) "
            "FROM recommendation_themes t JOIN recommendations r ON r.id = t.recommendation "
            f"WHERE t.recommendation IN ({kept}) GROUP BY t.theme", params)}
        order = list(self.store.taxonomy.themes)
        rows = []
        for slug, theme in self.store.taxonomy.themes.items():
            recs, reviews = counts.get(slug, (0, 0))
            rows.append({"theme": slug, "label": theme.label, "recommendations": recs,
                         "reviews": reviews,
                         "share": round(100 * recs / total, 1) if total else 0.0})
        return sorted(rows, key=lambda row: (-row["recommendations"], order.index(row["theme"])))

    def crosstab(self, rows: str, filters: Filters, only: str | None = None) -> tuple[list[str], list[dict]]:
        """Counts of recommendations by agency and theme. `rows` is "agency" (a row per agency,
        a column per theme) or "theme" (a row per theme, a column per agency); `only` keeps
        one column. Returns (columns, rows); each row also has its own total of recommendations."""
        kept, params = self.queries.kept(filters)
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
        theme_order = list(self.store.taxonomy.themes)
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
        kept, params = self.queries.kept(filters)
        rows = {row["_id"]: row for row in self.queries.recommendations(filters)}
        groups: dict[str, list[dict]] = {}
        for name, rec in self.db.execute(self._GROUPS[by].format(kept=kept), params):
            groups.setdefault(name, []).append(rows[rec])
        order = {rec_id: i for i, rec_id in enumerate(rows)}
        return sorted(((name, sorted(recs, key=lambda r: order[r["_id"]]))
                       for name, recs in groups.items()), key=lambda g: (-len(g[1]), g[0]))

    def headline(self, filters: Filters) -> dict:
        """Reviews, recommendations, agencies, the date range and the national share of the
        recommendations the filters keep."""
        kept, params = self.queries.kept(filters)
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
