"""Hostile use of the command line and of the catalogue file: each a one-line error (or a wait),
never a traceback, and nothing changed that should not be."""

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from conftest import NORFOLK, run, snapshot, write

DHR = [sys.executable, "-m", "dhrcli"]


def _dhr(args, catalogue_path, **kwargs):
    env = {**os.environ, "DHR_DB": str(catalogue_path)}
    return subprocess.run(DHR + args, env=env, capture_output=kwargs.pop("capture", True), **kwargs)


def _one_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    lines = [line for line in text.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, text
    return lines[0]


def test_output_to_a_full_device(norfolk, catalogue_path):
    with open("/dev/full", "w") as full:
        result = _dhr(["search", "DVDS"], catalogue_path, stdout=full, stderr=subprocess.PIPE, capture=False)
    assert result.returncode == 1 and "No space left on device" in _one_line(result.stderr)


def test_a_closed_standard_output(norfolk, catalogue_path):
    result = _dhr(["search", "DVDS"], catalogue_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                  capture=False, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1 and "standard output is closed" in _one_line(result.stderr)
    quiet = _dhr(["import", "-q", str(NORFOLK)], catalogue_path, stdout=subprocess.DEVNULL,
                 stderr=subprocess.PIPE, capture=False, preexec_fn=lambda: os.close(1))
    assert quiet.returncode == 0  # a command that prints nothing does not need it


def test_an_argument_that_is_not_utf8(norfolk, catalogue_path):
    env = {**os.environ, "DHR_DB": str(catalogue_path)}
    result = subprocess.run([os.fsencode(sys.executable), b"-m", b"dhrcli", b"search", b"\xff\xfe"],
                            env=env, capture_output=True)
    assert result.returncode == 2 and "argument 2 is not UTF-8 text" in _one_line(result.stderr)


@pytest.mark.parametrize("text, line", [
    ('{"csp": "A\\ud800", "recommendations": [{"text": "a"}]}', 1),
    ('{"csp": "A",\n"recommendations": [{"text": "ok \\ud83d\\ude00 then \\udc00"}]}', 2),
])
def test_a_lone_surrogate_in_json(tmp_path, catalogue_path, text, line):
    path = write(tmp_path / "s.json", text)
    for command in ("validate", "import"):
        result = run(command, path)
        assert result.exit_code == 1 and f"{path}:{line}: " in result.stderr and "lone UTF-16 surrogate" in result.stderr


@pytest.mark.parametrize("value", [None, "abc", "0", "-3", ""])
def test_a_catalogue_with_a_bad_schema_version(tmp_path, value):
    path = tmp_path / "bad.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    if value is not None:
        db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (value,))
    db.commit()
    db.close()
    before = path.read_bytes()
    for args in (["search", "x"], ["import", NORFOLK], ["check"], ["info"]):
        result = run(*args, "--db", path)
        assert result.exit_code == 1 and "not a dhr catalogue" in result.stderr, args
    assert path.read_bytes() == before


def test_a_foreign_sqlite_file_with_its_own_meta_table(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (name TEXT, size INTEGER)")
    db.commit()
    db.close()
    result = run("search", "x", "--db", path)
    assert result.exit_code == 1 and "not a dhr catalogue" in result.stderr


def test_years_out_of_range_are_a_usage_error(norfolk):
    result = run("search", "DVDS", "--since", "99999999999999999999")
    assert result.exit_code == 2 and "--since" in result.stderr


def test_deeply_nested_brackets_in_an_addressee(tmp_path):
    name = "(" * 1000 + "X" + ")" * 1000
    path = write(tmp_path / "b.yaml", f'id: br\ncsp: A\nrecommendations: [{{text: a, to: "{name}"}}]\n')
    assert run("import", path).exit_code == 0
    page = write(tmp_path / "p.txt", "CSP: A Extracted: 1 recs\n# Recommendation Addressed to\n"
                 f"1 That the thing is done {name}\n")
    result = run("import", page)
    assert "Traceback" not in result.stderr and result.exit_code in (0, 1)


def test_an_over_long_path_and_an_over_long_id(tmp_path, catalogue_path):
    result = run("search", "x", "--db", tmp_path / ("a" * 300 + ".db"))
    assert result.exit_code == 1 and "too long" in result.stderr.lower()
    long_id = write(tmp_path / "l.yaml", f"id: {'a' * 300}\ncsp: A\nrecommendations: [{{text: a}}]\n")
    result = run("import", long_id)
    assert result.exit_code == 1 and "dhr takes at most 120" in result.stderr


def test_a_write_waits_for_another_writer_and_says_so(norfolk, catalogue_path):
    from dhrcli.store import Store

    catalogue = Store(catalogue_path, write=True)
    catalogue.db.execute("PRAGMA busy_timeout = 50")
    said = []
    catalogue.notice = said.append
    other = sqlite3.connect(catalogue_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.6, lambda: other.execute("COMMIT"))
    releaser.start()
    start = time.monotonic()
    with catalogue.transaction():
        catalogue.db.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
    assert time.monotonic() - start >= 0.5
    assert said == [f"{catalogue_path}: waiting for another dhr to finish writing it"]
    releaser.join()
    other.close()
    catalogue.close()


def test_a_locked_catalogue_is_not_called_foreign(norfolk, catalogue_path, monkeypatch):
    from dhrcli.store import _what_happened

    assert "busy" in _what_happened(sqlite3.OperationalError("database is locked"))
    assert "disk is full" in _what_happened(sqlite3.OperationalError("database or disk is full"))


@pytest.fixture
def small_disk(tmp_path):
    """A 400 KB tmpfs, where the machine lets the tests mount one (CI runs as root)."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(where)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("tmpfs cannot be mounted here (mount needs root): the full-disk case is not run")
    yield where
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.mark.parametrize("room_kb", [12, 64])
def test_a_full_disk_is_one_line_and_loses_nothing(small_disk, room_kb):
    from conftest import ROOT

    db = small_disk / "c.db"
    assert run("import", "--db", db, ROOT / "tests" / "data" / "pages" / "leeds_2022.txt").exit_code == 0
    before = snapshot(db)
    free = shutil.disk_usage(small_disk).free // 1024
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * max(0, (free - room_kb) * 1024))
    result = run("import", "--db", db, NORFOLK)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "disk" in result.stderr and len(result.stderr.strip().splitlines()) <= 2
    assert "not a dhr catalogue" not in result.stderr  # it was called one
    filler.unlink()
    assert snapshot(db) == before
    assert run("check", "--db", db).exit_code == 0
