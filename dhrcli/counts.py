"""Counting the catalogue: agencies, sectors and themes with their recommendations and
reviews, cross-tabs of agencies and themes, groups for reports, and breakdowns for stats; each
over the recommendations a Filters keeps (queries.py)."""

from __future__ import annotations

import dataclasses

from .queries import Filters, Queries


class Counts:
    """Counts over the recommendations `queries` selects."""

    def __init__(self, queries: Queries):
        self.queries = queries
        self.store = queries.store

    @property
    def db(self):
        return self.store.db

    def _by_agency(self, filters: Filters) -> tuple[list[str], list]:
        """For counts with a row per agency or sector: the filters about agencies (agency,
        sector, national) as SQL clauses on the agency `a`, so that they choose the rows, and
        the rest as a clause keeping the recommendations `ra.recommendation` counted."""
        clauses, params = self.queries.agency_clauses(filters)
        rest = dataclasses.replace(filters, agency=None, sector=None, national=None,
                                   with_predecessors=False)
        if rest != Filters():
            kept, kept_params = self.queries.kept(rest)
            clauses.append(f"ra.recommendation IN ({kept})")
            params.extend(kept_params)
        return clauses, params

    def agency_counts(self, filters: Filters | None = None, unmatched: bool = False,
                      with_aliases: bool = False) -> list[dict]:
        """Every agency with its sector, scope, where its sector came from, the spellings
        reviews used, and its recommendations and reviews; most first. The filters about
        agencies choose the agencies; the others, the recommendations counted. `unmatched`
        keeps the agencies the registry does not know; `with_aliases` adds how many aliases
        the registry knows for each (and so loads the registry)."""
        aliases: dict[str, int] = {}
        for canonical in self.store.registry.aliases.values() if with_aliases else ():
            aliases[canonical] = aliases.get(canonical, 0) + 1
        clauses, params = self._by_agency(filters or Filters())
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
        found = [{"agency": row["agency"], "sector": row["sector"], "scope": row["scope"],
                  "matched": row["matched"], "aliases": aliases.get(row["key"], 0),
                  "spellings": row["spellings"], "recommendations": row["recommendations"],
                  "reviews": row["reviews"]} for row in rows]
        if unmatched:  # what the rules could not place: a sector to suggest, and why
            from .agencies import suggest

            known = [(a.name, a.sector) for a in self.store.registry.agencies.values()] + [
                tuple(r) for r in self.db.execute("SELECT name, sector FROM agencies "
                                                  "WHERE sector != 'other' ORDER BY name")]
            for row in found:
                row["suggested"] = suggest(row["agency"], known) if row["sector"] == "other" else ""
        return found

    def sector_counts(self, filters: Filters | None = None) -> list[dict]:
        """Every sector with its recommendations, reviews and agencies; most first. The
        filters about agencies choose the agencies counted (and so the sectors); the others,
        the recommendations."""
        from .sectors import SECTORS

        filters = filters or Filters()
        clauses, params = self._by_agency(filters)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        counts = {row["sector"]: dict(row) for row in self.db.execute(
            "SELECT a.sector, count(DISTINCT ra.recommendation) AS recommendations, "
            "count(DISTINCT r.review) AS reviews, count(DISTINCT a.id) AS agencies "
            "FROM agencies a JOIN recommendation_agencies ra ON ra.agency = a.id "
            f"JOIN recommendations r ON r.id = ra.recommendation {where} GROUP BY a.sector",
            params)}
        shown = [filters.sector] if filters.sector else SECTORS
        rows = [counts.get(sector, {"sector": sector, "recommendations": 0, "reviews": 0,
                                    "agencies": 0}) for sector in shown]
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

    STATS = ("year", "death", "csp", "addressees")

    def stats(self, by: str, filters: Filters | None = None) -> list[dict]:
        """Recommendations and reviews in each group of one breakdown of the recommendations
        the filters keep: year (of publication), death (year of death), csp, or addressees
        (how many a recommendation has). Sectors and themes have counts of their own."""
        kept, params = self.queries.kept(filters or Filters())
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
                    f"WHERE r.id IN ({kept}) GROUP BY g ORDER BY {order}", params)]
