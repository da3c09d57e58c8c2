"""Checking a catalogue and mending what can be mended: SQLite's integrity, the full-text index
(and its tables), the links between reviews, recommendations, agencies and themes. Functions
over an open store (store.py); `dhr check` calls them."""

from __future__ import annotations

import sqlite3

from . import migrations
from .records import Said
from .store import FTS_TABLES, fts_missing
from .theming import retheme


def problems(store) -> list[str]:
    """What is wrong with the catalogue: SQLite's integrity check, the full-text index,
    foreign keys, and links that lead nowhere. Empty when all is well."""
    found = [f"SQLite: {row[0]}" for row in store.db.execute("PRAGMA integrity_check")
             if row[0] != "ok"]
    missing = fts_missing(store.db)
    if missing:
        found.append(Said(f"the full-text index is missing its table"
                          f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}: search "
                          f"finds nothing", hint="repair"))
    try:  # a write, so on a read-only store it is run on a copy in memory
        checked = store.db if not store.read_only else store.copy_in_memory()
        checked.execute("INSERT INTO recommendations_fts (recommendations_fts, rank) "
                        "VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as error:
        found.append(f"the full-text index does not match the recommendations ({error})")
    for table, rowid, parent, _ in store.db.execute("PRAGMA foreign_key_check"):
        found.append(f"{table} row {rowid} points to a missing row of {parent}")
    checks = (
        ("SELECT count(*) FROM agencies WHERE id NOT IN "
         "(SELECT agency FROM recommendation_agencies)", "agencies with no recommendations"),
        ("SELECT count(*) FROM reviews WHERE id NOT IN (SELECT review FROM recommendations)",
         "reviews with no recommendations"),
    )
    for sql, what in checks:
        count = store.db.execute(sql).fetchone()[0]
        if count:
            found.append(f"{count} {what}")
    wrong = store.db.execute("SELECT ra.written, a.key, a.name, count(*) FROM "
                            "recommendation_agencies ra JOIN agencies a ON a.id = ra.agency "
                            "GROUP BY ra.written, a.key ORDER BY ra.written, a.key").fetchall()
    wrong = [(written, name, key, count) for written, key, name, count in wrong
             if store.registry.resolve(written).key != key]
    if wrong:
        count = sum(c for *_, c in wrong)
        examples = "; ".join(f"{written!r} linked to {name!r} (key {key!r})"
                             for written, name, key, _ in wrong[:3])
        found.append(Said(f"{count} addressee link{'s' if count != 1 else ''} to an agency "
                          f"their written name is not ({examples}"
                          f"{' ...' if len(wrong) > 3 else ''})", hint="repair"))
    orphans = store.db.execute(
        "SELECT count(*), min(e.review || '/' || e.number || ' ' || e.addressee) FROM status_events e "
        "WHERE NOT EXISTS (SELECT 1 FROM recommendations r JOIN reviews v ON v.id = r.review "
        "WHERE v.key = e.review AND r.number = e.number AND r.occurrence = e.occurrence AND ("
        "EXISTS (SELECT 1 FROM recommendation_agencies ra WHERE ra.recommendation = r.id "
        "AND ra.written = e.addressee) OR (e.addressee = '' AND NOT EXISTS ("
        "SELECT 1 FROM recommendation_agencies ra WHERE ra.recommendation = r.id))))").fetchone()
    if orphans[0]:
        found.append(f"{orphans[0]} status event{'s' if orphans[0] != 1 else ''} for a "
                     f"recommendation or addressee no longer in the catalogue (such as "
                     f"{orphans[1].strip()!r}); they are kept, should it come back")
    unknown = [row[0] for row in store.db.execute(
        "SELECT DISTINCT theme FROM recommendation_themes ORDER BY 1")
        if row[0] not in store.taxonomy.themes]
    if unknown:
        found.append(Said(f"themes not in the taxonomy: {', '.join(unknown)}", hint="retheme"))
    return found


def repair(store, links) -> list[str]:
    """Rebuild what can be rebuilt - the full-text index, dangling links, agencies with
    no recommendations, derived sectors and themes - and say what was done."""
    done = []
    if fts_missing(store.db):  # a part of the index is gone: make it again from the schema
        with store.transaction():
            for name in FTS_TABLES:  # the index first; then what is left of its tables
                store.db.execute(f"DROP TABLE IF EXISTS {name}")
            migrations.upgrade(store.db)
    with store.transaction():
        store.db.execute("INSERT INTO recommendations_fts (recommendations_fts) VALUES ('rebuild')")
        done.append("rebuilt the full-text index")
        dangling = store.db.execute(
            "DELETE FROM recommendation_agencies WHERE recommendation NOT IN "
            "(SELECT id FROM recommendations) OR agency NOT IN (SELECT id FROM agencies)").rowcount
        dangling += store.db.execute(
            "DELETE FROM recommendation_themes WHERE recommendation NOT IN "
            "(SELECT id FROM recommendations)").rowcount
        if dangling:
            done.append(f"removed {dangling} links to missing rows")
        orphans = links.drop_unused()
        if orphans:
            done.append(f"removed {orphans} agencies with no recommendations")
    changed = links.relink()
    done.append(f"re-linked the addressees and their sectors ({changed} links changed)")
    changed = retheme(store)
    done.append(f"classified the themes again ({changed} recommendations changed)")
    return done
