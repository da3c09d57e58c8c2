"""Themes written into the catalogue: a recommendation's themes (the review file's, else the
rules'; then what people decided, which always wins), classifying again after a taxonomy change,
and people's decisions. Functions over an open store (store.py)."""

from __future__ import annotations

import json


def decisions(db, review_key: str) -> dict[tuple[str, int], dict[str, str]]:
    """(number, occurrence) -> {theme: 'add' or 'remove'}: what people decided."""
    decided: dict[tuple[str, int], dict[str, str]] = {}
    for number, occurrence, theme, action in db.execute(
            "SELECT number, occurrence, theme, action FROM theme_decisions WHERE review = ?",
            (review_key,)):
        decided.setdefault((number, occurrence), {})[theme] = action
    return decided


def themes_for(taxonomy, text: str, given: list[str] | None, decided: dict[str, str],
               rules_done: dict | None = None, addressees=()) -> dict[str, tuple[str, str | None]]:
    """theme -> (source, reason) for one recommendation: the review file's themes if it
    gave any, else the rules' from the text (from `rules_done` where worked out elsewhere) and
    its addressees, (name, sector) pairs; then what people added or removed, which always wins."""
    known = taxonomy.themes
    if given is not None:  # a theme the taxonomy has since lost is left out (and kept)
        found = {theme: ("file", None) for theme in given if theme in known}
    else:
        from .themes import reason_json, reasons

        rules = (rules_done or {}).get(text)
        if rules is None:
            rules = reasons(taxonomy, text)
        found = {theme: ("rules", why) for theme, why in rules.items()}
        for theme, matches in taxonomy.signals(addressees).items():
            signal = reason_json((m.cue, m.words, m.signal) for m in matches)
            if theme in found:  # both JSON lists: one list of the text's reasons, then these
                signal = found[theme][1][:-1] + ", " + signal[1:]
            found[theme] = ("rules", signal)
    for theme, action in decided.items():
        if action == "add" and theme in known:
            found[theme] = ("person", None)
        else:
            found.pop(theme, None)
    return found


def _insert_themes(db, rec_row: int, found: dict[str, tuple[str, str | None]]) -> None:
    db.executemany(
        "INSERT INTO recommendation_themes (recommendation, theme, source, reason) "
        "VALUES (?, ?, ?, ?)",
        [(rec_row, theme, source, reason) for theme, (source, reason) in found.items()])


def retheme(store, only: list[int] | None = None) -> int:
    """Classify every recommendation (or those rows) again under the current taxonomy,
    keeping what the review files and people said, in one transaction. Returns how many
    recommendations' themes changed."""
    from . import themes

    changed = 0
    with store.transaction():
        rows = store.db.execute(
            "SELECT r.id, r.text, r.themes_given, r.number, r.occurrence, v.key, "
            "(SELECT json_group_array(theme) FROM (SELECT theme FROM recommendation_themes "
            " WHERE recommendation = r.id ORDER BY theme)) AS current, "
            "(SELECT json_group_array(json_array(written, sector)) FROM (SELECT ra.written, "
            " a.sector FROM recommendation_agencies ra JOIN agencies a ON a.id = ra.agency "
            " WHERE ra.recommendation = r.id ORDER BY ra.position)) AS addressees "
            "FROM recommendations r JOIN reviews v ON v.id = r.review "
            + (f"WHERE r.id IN ({', '.join('?' * len(only))}) " if only else "")
            + "ORDER BY r.id", only or []).fetchall()
        decided: dict[str, dict] = {}
        for rec_id, text, given, number, occurrence, key, current, addressees in rows:
            if key not in decided:
                decided[key] = decisions(store.db, key)
            given = json.loads(given) if given is not None else None
            found = themes_for(store.taxonomy, text, given, decided[key].get((number, occurrence), {}),
                               addressees=[tuple(pair) for pair in json.loads(addressees)])
            if sorted(found) != json.loads(current):
                changed += 1
            store.db.execute("DELETE FROM recommendation_themes WHERE recommendation = ?",
                                 (rec_id,))
            _insert_themes(store.db, rec_id, found)
        if not only:
            store.set_meta("taxonomy", themes.fingerprint(store.taxonomy_path))
    return changed


def decide(store, row: dict, themes: list[str], action: str) -> None:
    """Record that a person adds ('add') or removes ('remove') themes on a recommendation
    (a row from lookup.Names.recommendation_row), and apply it at once."""
    held = {r[0] for r in store.db.execute(  # what untag may take off, known or not
        "SELECT theme FROM recommendation_themes WHERE recommendation = ? UNION "
        "SELECT theme FROM theme_decisions WHERE review = ? AND number = ? AND occurrence = ?",
        (row["id"], row["review_id"], row["number"], row["occurrence"]))}
    for theme in themes:
        if action == "add" or theme not in held:
            store.taxonomy.check(theme)
    with store.transaction():
        store.db.executemany(
            "INSERT OR REPLACE INTO theme_decisions (review, number, occurrence, theme, action) "
            "VALUES (?, ?, ?, ?, ?)",
            [(row["review_id"], row["number"], row["occurrence"], theme, action)
             for theme in themes])
    retheme(store, only=[row["id"]])
