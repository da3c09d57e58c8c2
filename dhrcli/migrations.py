"""The catalogue's schema over time, the llm way: named steps, each recorded in the `migrations`
table when it is applied, and one schema version (how many steps there are).

schema.sql is the source of truth for tables, indexes, the full-text index and triggers: a new
catalogue is made from it and records every step as applied. An older catalogue runs the steps
it has not recorded (the data changes a schema change needs), then schema.sql again, whose
statements all say IF NOT EXISTS, to add what it lacks; so both end with the same schema (a test
compares them for every earlier version, kept as fixtures).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from . import followup
from .records import DhrError, base_key


def schema_sql() -> str:
    """schema.sql: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schema.sql", here.parent / "schema.sql"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise DhrError("schema.sql is missing from this installation of dhr; reinstall it")


# The current state of each addressee of recommendation r (of review v), in order: its latest
# status event by date that is not withdrawn, else awaiting-response. A recommendation with no
# addressee has one, '' (the recommendation as a whole).
STATES_OF = """SELECT coalesce((SELECT e.status FROM status_events e WHERE e.review = v.key
    AND e.number = r.number AND e.occurrence = r.occurrence AND e.addressee = w.written
    AND e.withdrawn_at IS NULL ORDER BY e.date DESC, e.id DESC LIMIT 1), 'awaiting-response') AS state
  FROM (SELECT written, position FROM recommendation_agencies WHERE recommendation = r.id
        UNION ALL SELECT '', 0 WHERE NOT EXISTS (
            SELECT 1 FROM recommendation_agencies WHERE recommendation = r.id)) w"""
# What every listing shows of recommendation r (of review v) beyond its own columns: JSON lists
# of its addressees as written, their sectors, its themes and each addressee's state, and its
# scope (national when any addressee is). queries.py and the view below both use it.
_LISTS = """(SELECT json_group_array(written) FROM (
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
       """
_STATES = f"(SELECT json_group_array(state) FROM ({STATES_OF} ORDER BY w.position))"
LIST_COLUMNS = f"{_LISTS}{_STATES} AS statuses"
# LIST_COLUMNS as dhr's listings read them: each addressee's state is looked up only where some
# status has been recorded. With none, every state is awaiting-response, which followup.overall
# makes of [] too (the lookup was a sixth of by-agency's query at L). The view keeps the lookup.
LISTED = (f"{_LISTS}CASE WHEN (SELECT 1 FROM status_events LIMIT 1) IS NULL THEN '[]' "
          f"ELSE {_STATES} END AS statuses")
# One readable row per recommendation, for Datasette (dhr's web view) and anyone reading the
# file by hand: review, number, text, the columns above, and the review's CSP, year and date.
# `search` is the full-text index's own column, so that "search MATCH ..." searches the list
# and `rank` is then how well each row matches (bm25: lower is better).
LIST_VIEW = f"""CREATE VIEW IF NOT EXISTS recommendation_list AS
SELECT r.id AS id, v.key AS review, r.number AS number, r.text AS text,
       {LIST_COLUMNS},
       v.csp AS csp, substr(v.published, 1, 4) AS year, v.published AS published,
       v.source_url AS source_url, f.rank AS rank, f.recommendations_fts AS search
FROM recommendations_fts f
JOIN recommendations r ON r.id = f.rowid
JOIN reviews v ON v.id = r.review"""


def _base_keys_for_all(db: sqlite3.Connection) -> None:
    """Reviews given an id get the base key too, so that a record without an id (the same
    review from another source, or exported and imported again) can find them."""
    db.executemany("UPDATE reviews SET base_key = ? WHERE id = ?", [
        (base_key(csp, published), row) for row, csp, published in db.execute(
            "SELECT id, csp, published FROM reviews WHERE base_key IS NULL").fetchall()])


def _reasons_as_json(db: sqlite3.Connection) -> None:
    """A rule theme's reason was lines of "cue<TAB>words"; it is a JSON list of {cue, words},
    which Datasette and sqlite-utils can read."""
    from .themes import reason_json

    rows = db.execute("SELECT rowid, reason FROM recommendation_themes "
                      "WHERE source = 'rules' AND reason IS NOT NULL").fetchall()
    db.executemany("UPDATE recommendation_themes SET reason = ? WHERE rowid = ?", [
        (reason_json([tuple(line.split("\t", 1)) + ("",) for line in reason.splitlines()]), row)
        for row, reason in rows if not reason.startswith("[")])


def _prints_for_all(db: sqlite3.Connection) -> None:
    """Fingerprints for the recommendations already there, so that import finds repeats of
    them too; those of an earlier dhr (hexadecimal text, in recommendation_prints) go."""
    from .lessons import prints

    db.execute("DROP TABLE IF EXISTS recommendation_prints")
    db.executemany("INSERT INTO recommendation_fingerprints (recommendation, print) VALUES (?, ?)", [
        (rec, found) for rec, text in db.execute("SELECT id, text FROM recommendations").fetchall()
        for found in prints(text)])


def _lesson_terms_for_all(db: sqlite3.Connection) -> None:
    """The term counts of the recommendations already there, for similar and recurring (with
    the shipped glossary; imports count with the glossary in use)."""
    from .lessons import Glossary, document_counts
    from .themes import load

    texts = ((text, names) for _, _, text, names in lesson_sources(db))
    add_lesson_terms(db, document_counts(texts, Glossary(load(None).glossary)))


def lesson_sources(db: sqlite3.Connection, where: str = "", params=()):
    """(id, review row, text, names) of the recommendations `where` keeps (SQL over r, the
    recommendations, and v, the reviews), in id order: names are what lessons.terms leaves
    out, the addressees as written and the review's CSP."""
    for rec, review, text, csp, written in db.execute(
            "SELECT r.id, r.review, r.text, v.csp, (SELECT group_concat(written, char(31)) FROM "
            "recommendation_agencies WHERE recommendation = r.id) FROM recommendations r "
            f"JOIN reviews v ON v.id = r.review {where} ORDER BY r.id", params):
        yield rec, review, text, (csp, *(written.split("\x1f") if written else ()))


def add_lesson_terms(db: sqlite3.Connection, counts: dict[str, int]) -> None:
    """Add counts (negative to take away) to lesson_terms, how many recommendations hold each
    term: the weights of similar and recurring."""
    db.executemany("INSERT INTO lesson_terms (term, df) VALUES (?, ?) ON CONFLICT (term) "
                   "DO UPDATE SET df = df + excluded.df",
                   [(term, count) for term, count in counts.items() if count])
    if any(count < 0 for count in counts.values()):
        db.execute("DELETE FROM lesson_terms WHERE df <= 0")


# Each step: (name, what it does to the data). The first is the schema dhr began with.
STEPS: list[tuple[str, Callable[[sqlite3.Connection], None] | None]] = [
    ("001_first_schema", None),
    ("002_index_reviews_by_csp", None),         # the index itself comes from schema.sql
    ("003_base_keys_for_all_reviews", _base_keys_for_all),
    ("004_theme_reasons_as_json", _reasons_as_json),
    ("005_status_events", None),                # the table itself comes from schema.sql
    ("006_recommendation_prints", None),        # made again by 009
    ("007_lesson_terms", _lesson_terms_for_all),
    ("008_recommendation_list", None),          # the view itself is LIST_VIEW, made by _schema
    ("009_integer_fingerprints", _prints_for_all),
]
SCHEMA_VERSION = len(STEPS)


def applied(db: sqlite3.Connection) -> list[str]:
    """The steps a catalogue has: those its `migrations` table records, or for a catalogue made
    before that table, the first `schema_version` steps."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "migrations" in tables:
        return [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY name")]
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return [name for name, _ in STEPS[:int(row[0])]]


def create(db: sqlite3.Connection) -> None:
    """Make a new catalogue's schema, all of it or none of it (a process killed here leaves no
    half-made catalogue)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        _schema(db)
        _record(db, [name for name, _ in STEPS])
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def upgrade(db: sqlite3.Connection) -> list[str]:
    """Apply the steps a catalogue lacks, in order, then schema.sql again; the caller holds a
    transaction. Returns the names applied."""
    done = set(applied(db))
    missing = [(name, step) for name, step in STEPS if name not in done]
    _schema(db)
    for name, step in missing:
        if step is not None:
            step(db)
    _record(db, [name for name, _ in STEPS])  # those it had before the table, and the new
    return [name for name, _ in missing]


def _schema(db: sqlite3.Connection) -> None:
    """Every statement of schema.sql (each says IF NOT EXISTS), inside the caller's transaction."""
    statements, current = [], []
    for line in schema_sql().splitlines():
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            statements.append("\n".join(current))
            current = []
    for statement in statements:
        if statement.strip() and not all(
                line.strip().startswith("--") or not line.strip() for line in statement.splitlines()):
            db.execute(statement)
    db.execute(LIST_VIEW)


def _record(db: sqlite3.Connection, names: list[str]) -> None:
    now = followup.now()
    db.executemany("INSERT OR IGNORE INTO migrations (name, applied_at) VALUES (?, ?)",
                   [(name, now) for name in names])
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
               (str(SCHEMA_VERSION),))
