import json

from dhrcli.migrations import SCHEMA_VERSION
from conftest import NORFOLK, run


def test_reviews_lists_each_with_counts(norfolk):
    rows = json.loads(run("reviews", "--json").stdout)
    assert rows == [{"review_id": "norfolk-2023-04", "csp": "Norfolk", "title": "Norfolk review",
                     "review_type": "DHR", "published": "2023-04", "year_of_death": 2017,
                     "recommendations": 31, "agencies": 13}]


def test_show_prints_the_review_then_its_recommendations(norfolk):
    result = run("show", "NORFOLK-2023-04")
    assert result.exit_code == 0
    head = result.stdout.split("\n\n")[0]
    assert "csp            Norfolk" in head and "year_of_death  2017" in head
    assert "section 9 of the Domestic Violence" in head
    body = result.stdout.split("\n\n", 1)[1]
    assert body.index("│ 2 ") < body.index("│ 10 ") < body.index("│ 31 ")


def test_show_unknown_review(norfolk):
    result = run("show", "norfolk-2023")
    assert result.exit_code == 1
    assert "no review with id 'norfolk-2023'" in result.stderr and "norfolk-2023-04" in result.stderr


def test_info_names_the_database_and_counts(norfolk, catalogue_path):
    record = json.loads(run("info", "--json").stdout)[0]
    assert record["database"] == str(catalogue_path)
    assert record["schema_version"] == SCHEMA_VERSION
    assert (record["reviews"], record["recommendations"]) == (1, 31)
    table = run("info").stdout
    assert str(catalogue_path) in table


def test_db_option_beats_the_environment(tmp_path, catalogue_path):
    other = tmp_path / "other.db"
    assert run("import", "--db", other, NORFOLK).exit_code == 0
    assert json.loads(run("info", "-d", other, "--json").stdout)[0]["reviews"] == 1
    assert json.loads(run("info", "--json").stdout)[0]["reviews"] == 0
    assert not catalogue_path.exists()


def test_default_path_is_per_user(monkeypatch, tmp_path):
    monkeypatch.delenv("DHR_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    record = json.loads(run("info", "--json").stdout)[0]
    assert record["database"] == f"{tmp_path}/data/dhr/dhr.db (not created yet)"


def test_a_file_that_is_not_a_catalogue(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = run("info", "--db", junk)
    assert result.exit_code == 1 and "not a dhr catalogue" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_newer_catalogue_is_refused(norfolk, catalogue_path):
    import sqlite3

    db = sqlite3.connect(catalogue_path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    result = run("search", "DVDS")
    assert result.exit_code == 1
    assert "schema version 99" in result.stderr and f"({SCHEMA_VERSION})" in result.stderr


def test_help_has_an_example_for_every_command():
    from dhrcli.cli import load_commands

    for name in load_commands():
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.stdout, name


def test_dhr_home_puts_every_user_file_in_one_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DHR_DB")
    monkeypatch.delenv("DHR_ALIASES")
    home = tmp_path / "home"
    monkeypatch.setenv("DHR_HOME", str(home))
    assert run("import", NORFOLK).exit_code == 0
    record = json.loads(run("info", "--json").stdout)[0]
    assert record["database"] == f"{home}/dhr.db"
    assert record["aliases_file"] == f"{home}/aliases.yaml (not created yet)"
    assert record["taxonomy_file"] == f"{home}/taxonomy.yaml (not created yet)"
    assert (home / "dhr.db").exists() and any((home / "cache").glob("*.pickle"))
