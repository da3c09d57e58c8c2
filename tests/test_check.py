import sqlite3

from conftest import run


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
