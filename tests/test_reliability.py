"""Crashes and concurrency: a killed import leaves every review wholly present or absent, and
searches and imports running at once neither fail nor see a locked database."""

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

DHR = Path(sys.executable).parent / "dhr"
pytestmark = pytest.mark.skipif(not DHR.exists(), reason="the dhr command is not installed here")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import generate  # noqa: E402
from conftest import run  # noqa: E402


def _expected(folder: Path) -> dict[str, int]:
    """Each review's title -> its number of recommendations, from the generated files."""
    import yaml

    found = {}
    for path in sorted(folder.glob("*.yaml")):
        for review in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            found[review["title"]] = len(review["recommendations"])
    return found


def _env(tmp_path, db):
    return {**os.environ, "DHR_DB": str(db), "DHR_ALIASES": str(tmp_path / "none.yaml"),
            "DHR_TAXONOMY": str(tmp_path / "none.yaml"), "XDG_CACHE_HOME": str(tmp_path / "cache")}


def _contents(db: Path) -> dict[str, tuple[int, int, int]]:
    """Each review's title -> (recommendations, addressee links, themes), after checking
    SQLite's integrity, the full-text index and the foreign keys."""
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.execute("INSERT INTO recommendations_fts (recommendations_fts, rank) VALUES ('integrity-check', 1)")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    rows = con.execute(
        "SELECT v.title, (SELECT count(*) FROM recommendations r WHERE r.review = v.id), "
        "(SELECT count(*) FROM recommendation_agencies ra JOIN recommendations r "
        " ON r.id = ra.recommendation WHERE r.review = v.id), "
        "(SELECT count(*) FROM recommendation_themes t JOIN recommendations r "
        " ON r.id = t.recommendation WHERE r.review = v.id) FROM reviews v").fetchall()
    con.close()
    return {title: (recs, links, themes) for title, recs, links, themes in rows}


def _sound(db: Path, whole: dict[str, tuple[int, int, int]]) -> int:
    """Checks the catalogue after a crash; returns how many reviews are in it. A kill while the
    catalogue was being made leaves an empty SQLite file (its schema rolled back whole), which
    dhr makes the catalogue in on the next run."""
    con = sqlite3.connect(db)
    tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    con.close()
    if tables == 0:
        return 0
    found = _contents(db)
    for title, counts in found.items():
        assert counts == whole[title], title  # the whole review, agencies and themes, or none
    return len(found)


@pytest.mark.slow
def test_killed_imports_leave_whole_reviews(tmp_path):
    data = tmp_path / "data"
    generate(data, 240, seed=3, per_file=40)  # six files, one transaction each
    complete = tmp_path / "complete.db"
    assert subprocess.run([str(DHR), "import", "-q", str(data)], env=_env(tmp_path, complete)).returncode == 0
    expected = _contents(complete)
    assert len(expected) == len(_expected(data)) == 240
    db = tmp_path / "crash.db"
    env = _env(tmp_path, db)
    rng = random.Random(5)
    seen = set()
    for trial in range(20):
        for suffix in ("", "-wal", "-shm", "-journal"):  # each trial starts from no catalogue
            Path(str(db) + suffix).unlink(missing_ok=True)
        process = subprocess.Popen([str(DHR), "import", "-q", str(data)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if db.exists():
            seen.add(_sound(db, expected))
    assert len(seen) > 1  # the kills landed at different moments
    finished = subprocess.run([str(DHR), "import", "-q", str(data)], env=env)
    assert finished.returncode == 0
    assert _sound(db, expected) == len(expected)


@pytest.mark.slow
def test_searches_during_an_import_and_two_imports_at_once(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    generate(first, 200, seed=1, per_file=50)
    generate(second, 200, seed=2, per_file=50)
    db = tmp_path / "busy.db"
    env = _env(tmp_path, db)
    seed = subprocess.run([str(DHR), "import", "-q", str(first / "reviews-00000.yaml")], env=env)
    assert seed.returncode == 0
    importers = [subprocess.Popen([str(DHR), "import", "-q", str(folder)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for folder in (first, second)]
    searches = 0
    while any(p.poll() is None for p in importers) or searches < 3:
        result = subprocess.run([str(DHR), "search", "training", "--json", "--limit", "5"], env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "locked" not in result.stderr
        assert len(json.loads(result.stdout)) == 5
        searches += 1
    for process in importers:
        out, err = process.communicate()
        assert process.returncode == 0, err
        assert "locked" not in err
    con = sqlite3.connect(db)
    titles = {row[0] for row in con.execute("SELECT title FROM reviews")}
    assert titles == set(_expected(first)) | set(_expected(second))
    assert searches >= 3


@pytest.mark.slow
def test_many_files_import_the_same_as_one_at_a_time(tmp_path):
    """With more than two files, import reads and classifies the next file in a second process;
    the catalogue must come out the same as importing the files one command at a time."""
    data = tmp_path / "data"
    generate(data, 90, seed=4, per_file=20)  # five files
    together, apart = tmp_path / "together.db", tmp_path / "apart.db"
    assert subprocess.run([str(DHR), "import", "-q", str(data)], env=_env(tmp_path, together)).returncode == 0
    for path in sorted(data.iterdir()):
        assert subprocess.run([str(DHR), "import", "-q", str(path)], env=_env(tmp_path, apart)).returncode == 0
    exports = [subprocess.run([str(DHR), "export", "--json"], env=_env(tmp_path, db), capture_output=True,
                              text=True).stdout for db in (together, apart)]
    assert exports[0] == exports[1] and len(json.loads(exports[0])) > 90 * 6


def _folder_of_pages(tmp_path, count=6, copies=1):
    folder = tmp_path / "in"
    folder.mkdir()
    pages = Path(__file__).resolve().parent / "data" / "pages"
    for copy in range(copies):
        for page in sorted(pages.glob("*.txt"))[:count]:
            shutil.copy(page, folder / f"{copy}-{page.name}")
    return folder


def _die(data, name):
    os._exit(3)  # as a helper killed by the system would


def test_when_the_helper_process_dies_the_import_goes_on(tmp_path, catalogue_path, monkeypatch):
    """The helper that reads files ahead died and the import stopped with a traceback."""
    from dhrcli import pipeline

    monkeypatch.setattr(pipeline, "prepare", _die)
    folder = _folder_of_pages(tmp_path)
    result = run("import", folder)
    assert result.exit_code == 0, result.stderr
    assert "the helper process reading files stopped; reading the rest here" in result.stderr
    assert "6 files imported, 0 failed" in result.stderr


@pytest.mark.slow
def test_killing_an_import_ends_its_helper_too(tmp_path, catalogue_path):
    import signal

    folder = _folder_of_pages(tmp_path, 14, copies=6)
    env = {**os.environ, "DHR_DB": str(catalogue_path)}
    parent = subprocess.Popen([sys.executable, "-m", "dhrcli", "import", str(folder)], env=env,
                              stderr=subprocess.DEVNULL)

    def children():
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent.pid:
                found.append(int(stat.parent.name))
        return found

    deadline = time.monotonic() + 30
    helpers = []
    while not helpers and time.monotonic() < deadline and parent.poll() is None:
        helpers = children()
        time.sleep(0.01)
    assert helpers, "the import ended before its helper could be seen"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
              for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [pid for pid in helpers if Path(f"/proc/{pid}").exists()
             and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    assert alive == []
