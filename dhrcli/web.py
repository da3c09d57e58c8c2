"""The web view's metadata: what `dhr serve` tells Datasette - titles, descriptions, hidden
tables, facets and canned queries (none of which writes). Plain data: web_plugin.py holds the
plugin, the command line starts Datasette."""

from __future__ import annotations

LIST = "recommendation_list"  # the readable view (schema.sql)
HIDDEN = ["meta", "migrations", "theme_decisions", "recommendation_fingerprints", "lesson_terms",
          "recommendations_fts"]
# Canned queries: the questions people ask. Every one reads; none is marked "write".
QUERIES = {
    "to_agency": {
        "title": "Recommendations to an agency, with those to the bodies it took over from",
        "description": "Give the agency's name or an alias, for example Norfolk Constabulary or "
                       "ICB. Bodies merged into it (a CCG into an ICB, say) count as well.",
        "sql": f"SELECT l.review, l.csp, l.year, l.number, l.text, l.agencies, l.themes, "
               f"l.statuses FROM {LIST} l WHERE l.id IN (SELECT ra.recommendation FROM "
               "recommendation_agencies ra JOIN agencies a ON a.id = ra.agency WHERE a.key IN "
               "(SELECT value FROM json_each(dhr_agency_keys(:agency)))) "
               "ORDER BY l.published, l.review, l.id",
    },
    "by_theme": {
        "title": "Recommendations on a theme",
        "description": "Give a theme's slug, for example training or information-sharing "
                       "(the themes table lists them).",
        "sql": f"SELECT l.review, l.csp, l.year, l.number, l.text, l.agencies, l.themes FROM {LIST} l "
               "WHERE EXISTS (SELECT 1 FROM json_each(l.themes) WHERE value = :theme) "
               "ORDER BY l.published, l.review, l.id",
    },
    "open": {
        "title": "Open recommendations, oldest first, with any target date",
        "description": "Recommendations with an addressee whose latest status is open "
                       "(awaiting-response, accepted, in-progress, partly-implemented).",
        "sql": f"SELECT l.review, l.csp, l.year, l.number, l.text, l.agencies, l.statuses, "
               "(SELECT min(t.target) FROM targets t JOIN recommendations r ON r.id = l.id "
               "WHERE t.review = l.review AND t.number = r.number AND t.occurrence = r.occurrence)"
               f" AS target FROM {LIST} l WHERE EXISTS (SELECT 1 FROM json_each(l.statuses) "
               "WHERE value IN ('awaiting-response', 'accepted', 'in-progress', "
               "'partly-implemented')) ORDER BY l.published, l.review, l.id",
    },
    "overdue": {
        "title": "Overdue recommendations: open, and past their target date",
        "description": "Open recommendations whose target date (from the review file or a "
                       "plan) has passed. The command line's overdue list also counts six "
                       "months without a response.",
        "sql": f"SELECT l.review, l.csp, l.number, l.text, l.agencies, l.statuses, t.addressee, "
               f"t.target FROM {LIST} l JOIN recommendations r ON r.id = l.id JOIN targets t ON "
               "t.review = l.review AND t.number = r.number AND t.occurrence = r.occurrence "
               "WHERE t.target < date('now') AND EXISTS (SELECT 1 FROM json_each(l.statuses) "
               "WHERE value IN ('awaiting-response', 'accepted', 'in-progress', "
               "'partly-implemented')) ORDER BY t.target, l.review, l.id",
    },
    "repeated": {
        "title": "Recommendations repeated almost word for word by other reviews",
        "description": "Pairs of recommendations of different reviews that share a fingerprint "
                       "of half their words. The command line's recurring finds lessons "
                       "repeated in other words.",
        "sql": "SELECT va.key AS review, ra.number, ra.text, vb.key AS repeated_in, "
               "rb.number AS as_number, rb.text AS repeated_text FROM recommendation_fingerprints pa "
               "JOIN recommendation_fingerprints pb ON pb.print = pa.print "
               "AND pb.recommendation > pa.recommendation "
               "JOIN recommendations ra ON ra.id = pa.recommendation "
               "JOIN recommendations rb ON rb.id = pb.recommendation "
               "JOIN reviews va ON va.id = ra.review JOIN reviews vb ON vb.id = rb.review "
               "WHERE va.id != vb.id GROUP BY ra.id, rb.id ORDER BY va.published, va.key, ra.id",
    },
}


def metadata(database: str) -> dict:
    """Datasette metadata for a catalogue served under the name `database`."""
    tables: dict = {name: {"hidden": True} for name in HIDDEN}
    tables[LIST] = {
        "title": "Recommendations",
        "description": "Every recommendation with its review, addressees, sectors, themes and "
                       "status. The search box applies dhr's glossary (DVDS also finds Clare's "
                       "Law) and lists the best match first; facets narrow what is shown.",
        "sort": "rank",
        "facets": [{"array": "agencies"}, {"array": "sectors"}, {"array": "themes"}, "scope",
                   "csp", "year", {"array": "statuses"}],
        "columns": {
            "id": "The recommendation's number in this catalogue (links to its own page).",
            "review": "The review's id (links to the review).",
            "csp": "The Community Safety Partnership that commissioned the review.",
            "published": "When the review was published, as precisely as known.",
            "year": "The year it was published.",
            "number": "The recommendation's number, as the review gives it.",
            "agencies": "The bodies it is addressed to, as the review names them.",
            "sectors": "The sectors of those bodies (police, health-provider, csp, ...).",
            "scope": "national when any addressee is a national body, else local.",
            "themes": "What it is about, by dhr's rules or as the review file gave them.",
            "statuses": "Each addressee's latest status (awaiting-response until one is recorded).",
            "rank": "How well it matches the search (lower is better); empty without a search.",
            "search": "The full-text index (use the search box).",
        },
    }
    tables["reviews"] = {
        "title": "Reviews", "label_column": "key",
        "description": "One row per review; its key links to its recommendations.",
    }
    tables["recommendations"] = {
        "title": "Recommendations (as stored)", "label_column": "number",
        "description": "The stored rows; the Recommendations list reads better.",
    }
    tables["agencies"] = {"title": "Agencies", "label_column": "name", "description": "The bodies recommendations are "
                          "addressed to, as dhr's registry names them, with sector and scope."}
    tables["status_events"] = {"title": "Status events", "description": "Follow-up: each "
                               "change of status recorded for an addressee (by hand or from a "
                               "plan)."}
    tables["targets"] = {"title": "Targets", "description": "When recommendations are due."}
    tables["recommendation_agencies"] = {
        "title": "Addressees", "description": "Which recommendation went to which agency; "
        "written is the name as the review gave it."}
    tables["recommendation_themes"] = {
        "title": "Themes of recommendations", "description": "Each recommendation's themes: "
        "source says whether the rules or a person gave it, reason what matched (JSON)."}
    return {
        "title": "dhr: recommendations of Domestic Homicide Reviews",
        "description_html": (f'A catalogue of Domestic Homicide Review recommendations, made by '
                             f'dhr. Start with <a href="/{database}/{LIST}">Recommendations</a>: '
                             f'search them, narrow them by agency, sector, theme, CSP, year or '
                             f'status, or open a canned query of the {database} database.'),
        "source": "dhr catalogue",
        "databases": {database: {"tables": tables, "queries": QUERIES}},
    }
