import sqlite3

import json

from conftest import NORFOLK, run, write


def test_a_sound_catalogue_passes(norfolk):
    result = run("check")
    assert result.exit_code == 0 and "no problems found" in result.stderr


def test_a_broken_index_and_orphans_are_found_and_repaired(norfolk, catalogue_path):
    db = sqlite3.connect(catalogue_path)
    db.execute("INSERT INTO recommendations_fts (recommendations_fts, rowid, text) "
               "VALUES ('delete', 1, 'words that were never there')")
    db.execute("INSERT INTO agencies (key, name) VALUES ('nobody', 'Nobody')")
    db.commit()
    db.close()
    result = run("check")
    assert result.exit_code == 1
    assert "full-text index does not match" in result.stderr
    assert "1 agencies with no recommendations" in result.stderr
    repaired = run("check", "--repair")
    assert repaired.exit_code == 0, repaired.stderr
    assert "rebuilt the full-text index" in repaired.stderr
    assert "removed 1 agencies with no recommendations" in repaired.stderr
    assert run("check").exit_code == 0
    assert run("search", "DVDS", "--exact", "--json").stdout.count('"number"') == 3


def test_a_first_schema_catalogue_is_upgraded_in_place(tmp_path):
    """tests/data/catalogue-v1.db was made by the first schema (version 1), with the Norfolk
    review imported and one theme tagged by a person."""
    import shutil
    from pathlib import Path

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parent / "data" / "catalogue-v1.db", old)
    con = sqlite3.connect(old)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
    con.close()
    info = run("info", "--db", old, "--json")
    assert info.exit_code == 0, info.stderr
    import json

    record = json.loads(info.stdout)[0]
    from dhrcli.migrations import SCHEMA_VERSION

    assert record["schema_version"] == SCHEMA_VERSION and record["recommendations"] == 31
    con = sqlite3.connect(old)
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'reviews_csp'").fetchone() == (1,)
    con.close()
    assert run("check", "--db", old).exit_code == 0
    rows = json.loads(run("explain", "norfolk-2023-04/4", "--json", "--db", old).stdout)
    assert {"theme": "specialist-services", "source": "a person (dhr tag)", "signal": None, "cue": None, "words": None} in rows
    assert run("search", "DVDS", "--exact", "--json", "--db", old).stdout.count('"number"') == 3


def test_a_read_only_catalogue_reads_but_refuses_writes(norfolk, catalogue_path, monkeypatch, tmp_path):
    """As if the file and its folder could not be written (the tests may run as root, whom
    permissions do not stop, so the check dhr makes is answered for it)."""
    import os

    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if mode == os.W_OK and
                        str(path).startswith(str(catalogue_path.parent)) else real(path, mode))
    found = run("search", "DVDS", "--exact", "--json")
    assert found.exit_code == 0 and found.stdout.count('"number"') == 3
    refused = run("import", tmp_path / "x.yaml")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == f"Error: {catalogue_path}: the catalogue is read-only (no permission to write it or its folder); commands that only read it still work"


import pytest


@pytest.mark.parametrize("drop", ["recommendations_fts_idx", "recommendations_fts"])
def test_a_missing_part_of_the_full_text_index_is_found_and_rebuilt(norfolk, catalogue_path, drop):
    """A lost shadow table made search find nothing, silently, and check --repair fail."""
    db = sqlite3.connect(catalogue_path)
    if drop == "recommendations_fts":
        db.execute("PRAGMA writable_schema = ON")
        db.execute("DELETE FROM sqlite_master WHERE name = 'recommendations_fts'")
    else:
        db.execute(f"DROP TABLE {drop}")
    db.commit()
    db.close()
    searched = run("search", "DVDS")
    assert searched.exit_code == 1 and f"its table {drop} is missing" in searched.stderr
    checked = run("check")
    assert checked.exit_code == 1 and "the full-text index is missing" in checked.stderr
    assert run("check", "--repair").exit_code == 0
    assert run("search", "DVDS", "--exact", "--json").stdout.count('"number"') == 3


def test_a_theme_the_taxonomy_lost_does_not_fail_check_for_ever(norfolk, tmp_path):
    taxonomy = tmp_path / "tax.yaml"
    taxonomy.write_text("themes:\n  - slug: xtheme\n    label: X\n    definition: x\n    cues: [zzzz]\n",
                        encoding="utf-8")
    assert run("tag", "--taxonomy", taxonomy, "norfolk-2023-04/3", "xtheme").exit_code == 0
    lost = run("check")
    assert lost.exit_code == 1 and "themes not in the taxonomy: xtheme" in lost.stderr
    assert run("retheme").exit_code == 0
    assert run("check").exit_code == 0
    assert run("untag", "norfolk-2023-04/3", "xtheme").exit_code == 0  # the decision can go too
    assert run("untag", "norfolk-2023-04/3", "nosuch").exit_code == 1
    assert run("retheme", "--taxonomy", taxonomy).exit_code == 0  # with the theme back, it stays off
    assert "xtheme" not in run("explain", "norfolk-2023-04/3", "--taxonomy", taxonomy, "--json").stdout


def _read_only(monkeypatch, *paths):
    """As if these files could not be written (the tests may run as root, whom permissions do
    not stop, so the check dhr makes is answered for it)."""
    import os

    real = os.access
    names = {str(p) for p in paths}
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode == os.W_OK and
                        str(path) in names else real(path, mode, **kw))


def test_reading_a_read_only_catalogue_leaves_no_wal_or_shm(norfolk, catalogue_path, monkeypatch):
    """A first read made -wal and -shm files, read-only like the catalogue, that broke later writes."""
    folder = catalogue_path.parent
    before = sorted(p.name for p in folder.iterdir())
    _read_only(monkeypatch, catalogue_path)
    assert run("search", "DVDS", "--exact", "--json").stdout.count('"number"') == 3
    assert sorted(p.name for p in folder.iterdir()) == before


def test_check_on_a_read_only_catalogue_finds_nothing_wrong(norfolk, catalogue_path, monkeypatch):
    _read_only(monkeypatch, catalogue_path)
    result = run("check")
    assert result.exit_code == 0 and "no problems found" in result.stderr


def test_a_read_only_catalogue_of_the_first_schema_can_be_read(tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parent / "data" / "catalogue-v1.db", old)
    before = old.read_bytes()
    _read_only(monkeypatch, old)
    found = run("search", "DVDS", "--exact", "--json", "--db", old)
    assert found.exit_code == 0 and found.stdout.count('"number"') == 3
    assert run("check", "--db", old).exit_code == 0
    assert old.read_bytes() == before


def _schema(path):
    """sqlite_master, each statement without its comments (a comment is not schema: SQLite keeps
    the ones inside a CREATE TABLE as they were first written) and with white space folded."""
    import re

    db = sqlite3.connect(path)
    rows = sorted((type_, name, " ".join(re.sub(r"--[^\n]*", "", (sql or "").replace("IF NOT EXISTS ", "")).split()))
                  for type_, name, sql in db.execute("SELECT type, name, sql FROM sqlite_master"))
    steps = db.execute("SELECT name FROM migrations ORDER BY name").fetchall()
    version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    db.close()
    return rows, steps, version


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_every_earlier_schema_upgrades_to_the_schema_of_a_new_catalogue(tmp_path, version):
    """Fixtures made by dhr at each earlier schema version (the Norfolk review imported and one
    theme tagged); each, opened for writing, ends with exactly the schema a new one has."""
    import shutil
    from pathlib import Path

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parent / "data" / f"catalogue-v{version}.db", old)
    new = tmp_path / "new.db"
    assert run("import", "--db", new, NORFOLK).exit_code == 0
    assert run("import", "--db", old, NORFOLK).exit_code == 0  # a write: it upgrades
    assert _schema(old) == _schema(new)
    rows = json.loads(run("explain", "norfolk-2023-04/4", "--json", "--db", old).stdout)
    assert {"theme": "specialist-services", "source": "a person (dhr tag)", "signal": None, "cue": None, "words": None} in rows
    assert any(row["source"] == "rules" and row["cue"] for row in rows)
    db = sqlite3.connect(old)
    reasons = [r[0] for r in db.execute("SELECT reason FROM recommendation_themes WHERE source = 'rules'")]
    db.close()
    assert reasons and all(isinstance(json.loads(r), list) for r in reasons)  # JSON, as Datasette reads it


def test_reads_never_write_even_when_the_aliases_changed(norfolk, catalogue_path, aliases_file):
    """A changed aliases file made 'dhr search' commit a re-link: reads now apply it to a copy
    in memory, and the next write saves it."""
    aliases_file.parent.mkdir(parents=True, exist_ok=True)
    aliases_file.write_text("agencies:\n  - name: Norfolk Constabulary\n    aliases: [Norfolk Plod]\n",
                            encoding="utf-8")
    before = catalogue_path.read_bytes()
    found = run("search", "DVDS", "--agency", "Norfolk Plod", "--json")
    assert found.exit_code == 0 and found.stdout.count('"number"') >= 1
    assert "changed since the catalogue was last written" in found.stderr
    for args in (["by-agency", "Norfolk Constabulary", "--json"], ["agencies", "--json"], ["check"],
                 ["info", "--json"], ["export", "--json"], ["reviews"], ["sectors"], ["themes"],
                 ["by-theme", "training"], ["stats"], ["show", "norfolk-2023-04"],
                 ["explain", "norfolk-2023-04/13"], ["glossary"], ["report"],
                 ["export", "--yaml"], ["convert", NORFOLK], ["validate", NORFOLK],
                 ["import", "--dry-run", NORFOLK]):
        assert run(*args).exit_code == 0, args
    assert catalogue_path.read_bytes() == before
    assert run("import", NORFOLK).exit_code == 0  # a write: it re-links the file
    assert "changed since" not in run("search", "DVDS").stderr


def test_an_import_indexes_its_rows_in_bulk_and_leaves_the_trigger_as_it_was(norfolk, catalogue_path,
                                                                            tmp_path):
    """Import takes the row-by-row index trigger away inside its transaction and makes it again:
    after an import, and after one that fails, the trigger is there and the index is whole."""
    def trigger():
        with sqlite3.connect(catalogue_path) as db:
            return db.execute("SELECT sql FROM sqlite_master WHERE name = 'recommendations_ai'"
                              ).fetchone()

    made = trigger()
    assert made is not None
    assert run("import", write(tmp_path / "bad.yaml", "csp: X\nrecommendations: []\n")).exit_code == 1
    assert trigger() == made
    assert run("check").exit_code == 0
    with sqlite3.connect(catalogue_path) as db:  # another tool adding a row: indexed as before
        db.execute("INSERT INTO recommendations (id, review, position, number, sort_key, occurrence,"
                   " text) VALUES (999, 1, 99, '99', '99', 1, 'A zebra crossing by the refuge')")
    assert json.loads(run("search", "zebra", "--json").stdout)[0]["number"] == "99"
