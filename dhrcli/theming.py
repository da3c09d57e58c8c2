"""Themes written into the catalogue: a recommendation's themes (the review file's, else the
rules'; then what people decided, which always wins), classifying again after a taxonomy change,
and people's decisions. Functions over an open catalogue."""

from __future__ import annotations

import json


def decisions(catalogue, review_key: str) -> dict[tuple[str, int], dict[str, str]]:
    """(number, occurrence) -> {theme: 'add' or 'remove'}: what people decided."""
    decided: dict[tuple[str, int], dict[str, str]] = {}
    for number, occurrence, theme, action in catalogue.db.execute(
            "SELECT number, occurrence, theme, action FROM theme_decisions WHERE review = ?",
            (review_key,)):
        decided.setdefault((number, occurrence), {})[theme] = action
    return decided


def themes_for(catalogue, text: str, given: list[str] | None,
               decided: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """theme -> (source, reason) for one recommendation: the review file's themes if it
    gave any, else the rules'; then what people added or removed, which always wins."""
    known = catalogue.taxonomy.themes
    if given is not None:  # a theme the taxonomy has since lost is left out (and kept)
        found = {theme: ("file", None) for theme in given if theme in known}
    else:
        from .pipeline import reasons

        rules = catalogue.rules_done.get(text)
        if rules is None:
            rules = reasons(catalogue.taxonomy, text)
        found = {theme: ("rules", why) for theme, why in rules.items()}
    for theme, action in decided.items():
        if action == "add" and theme in known:
            found[theme] = ("person", None)
        else:
            found.pop(theme, None)
    return found


def _insert_themes(catalogue, rec_row: int, found: dict[str, tuple[str, str | None]]) -> None:
    catalogue.db.executemany(
        "INSERT INTO recommendation_themes (recommendation, theme, source, reason) "
        "VALUES (?, ?, ?, ?)",
        [(rec_row, theme, source, reason) for theme, (source, reason) in found.items()])


def retheme(catalogue, only: list[int] | None = None) -> int:
    """Classify every recommendation (or those rows) again under the current taxonomy,
    keeping what the review files and people said, in one transaction. Returns how many
    recommendations' themes changed."""
    from . import themes

    changed = 0
    with catalogue.transaction():
        rows = catalogue.db.execute(
            "SELECT r.id, r.text, r.themes_given, r.number, r.occurrence, v.key, "
            "(SELECT json_group_array(theme) FROM (SELECT theme FROM recommendation_themes "
            " WHERE recommendation = r.id ORDER BY theme)) AS current "
            "FROM recommendations r JOIN reviews v ON v.id = r.review "
            + (f"WHERE r.id IN ({', '.join('?' * len(only))}) " if only else "")
            + "ORDER BY r.id", only or []).fetchall()
        decided: dict[str, dict] = {}
        for rec_id, text, given, number, occurrence, key, current in rows:
            if key not in decided:
                decided[key] = decisions(catalogue, key)
            given = json.loads(given) if given is not None else None
            found = themes_for(catalogue, text, given, decided[key].get((number, occurrence), {}))
            if sorted(found) != json.loads(current):
                changed += 1
            catalogue.db.execute("DELETE FROM recommendation_themes WHERE recommendation = ?",
                                 (rec_id,))
            _insert_themes(catalogue, rec_id, found)
        if not only:
            catalogue.set_meta("taxonomy", themes.fingerprint(catalogue.taxonomy_path))
    return changed


def decide(catalogue, reference: str, themes: list[str], action: str) -> dict:
    """Record that a person adds ('add') or removes ('remove') themes on a recommendation,
    and apply it at once. Returns the recommendation's row."""
    row = catalogue.recommendation_row(reference)
    held = {r[0] for r in catalogue.db.execute(  # what untag may take off, known or not
        "SELECT theme FROM recommendation_themes WHERE recommendation = ? UNION "
        "SELECT theme FROM theme_decisions WHERE review = ? AND number = ? AND occurrence = ?",
        (row["id"], row["review_id"], row["number"], row["occurrence"]))}
    for theme in themes:
        if action == "add" or theme not in held:
            catalogue.taxonomy.check(theme)
    with catalogue.transaction():
        catalogue.db.executemany(
            "INSERT OR REPLACE INTO theme_decisions (review, number, occurrence, theme, action) "
            "VALUES (?, ?, ?, ?, ?)",
            [(row["review_id"], row["number"], row["occurrence"], theme, action)
             for theme in themes])
    retheme(catalogue, only=[row["id"]])
    return row
