import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from dhrcli.cli import cli

ROOT = Path(__file__).resolve().parent.parent
NORFOLK = ROOT / "samples" / "norfolk.yaml"


@pytest.fixture(autouse=True)
def catalogue_path(tmp_path, monkeypatch):
    """Every test gets its own empty catalogue; none touches a real one."""
    path = tmp_path / "catalogue.db"
    monkeypatch.setenv("DHR_DB", str(path))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return path


@pytest.fixture(autouse=True)
def aliases_file(tmp_path, monkeypatch):
    """Every test has its own aliases file (not there until a test writes it)."""
    path = tmp_path / "config" / "aliases.yaml"
    monkeypatch.setenv("DHR_ALIASES", str(path))
    return path


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def norfolk():
    result = run("import", NORFOLK)
    assert result.exit_code == 0, result.stderr
    return NORFOLK


def numbers(result):
    """The recommendation numbers in a --json result, in order."""
    assert result.exit_code == 0, result.stderr
    return [row["number"] for row in json.loads(result.stdout)]


def snapshot(path):
    """Everything in a catalogue, to compare before and after."""
    if not Path(path).exists():
        return None
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'recommendations_fts%' ORDER BY name")]
    state = {t: db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    db.close()
    return state


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def keyed(recs):
    """Recommendations by (number, which of those with that number): how page tests match
    what was read with what was expected."""
    from dhrcli.records import by_number

    return by_number((str(rec["number"]), rec) for rec in recs)
