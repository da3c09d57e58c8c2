"""The installed `dhr`, run as a user would: a subprocess, outside the checkout."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NORFOLK

BIN = Path(sys.executable).parent
DHR = shutil.which("dhr", path=str(BIN))
pytestmark = pytest.mark.skipif(DHR is None, reason="the dhr command is not installed in this environment")


def dhr(*args, cwd, env, **kwargs):
    return subprocess.run([DHR, *map(str, args)], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", **kwargs)


@pytest.fixture
def env(tmp_path, catalogue_path):
    return {**os.environ, "DHR_DB": str(catalogue_path), "COLUMNS": "100"}


def test_main_job_from_outside_the_checkout(tmp_path, env):
    shutil.copy(NORFOLK, tmp_path / "norfolk.yaml")
    imported = dhr("import", "norfolk.yaml", cwd=tmp_path, env=env)
    assert imported.returncode == 0, imported.stderr
    found = dhr("search", "DVDS", "--json", cwd=tmp_path, env=env)
    assert sorted(r["number"] for r in json.loads(found.stdout)) == ["2", "3", "5", "6", "7"]
    exact = dhr("search", "DVDS", "--exact", "--json", cwd=tmp_path, env=env)
    assert sorted(r["number"] for r in json.loads(exact.stdout)) == ["2", "6", "7"]
    table = dhr("search", "DVDS", cwd=tmp_path, env=env)
    assert table.returncode == 0 and "norfolk-2023-04" in table.stdout
    assert "\x1b[" not in table.stdout and "\x02" not in table.stdout


def test_schema_is_shipped_in_the_package(tmp_path, env):
    code = "import importlib.resources as r; print(r.files('dhrcli').joinpath('schema.sql').is_file())"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.stdout.strip() == "True", "schema.sql is not inside the installed package"


def test_errors_have_no_traceback(tmp_path, env):
    (tmp_path / "bad.yaml").write_text("csp: A\nrecommendations: []\n")
    result = dhr("import", "bad.yaml", cwd=tmp_path, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    raw = dhr("search", "--raw", "AND AND", cwd=tmp_path, env=env)
    assert raw.returncode == 1 and len(raw.stderr.strip().splitlines()) == 1
    plain = dhr("search", 'POL-358 "unbalanced', cwd=tmp_path, env=env)
    assert plain.returncode == 0, plain.stderr


def test_python_dash_m_and_version(tmp_path, env):
    result = subprocess.run([sys.executable, "-m", "dhrcli", "--version"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("dhr, version ")


def test_catalogue_works_with_sqlite_utils_search(tmp_path, env, catalogue_path):
    dhr("import", NORFOLK, cwd=tmp_path, env=env)
    sqlite_utils = shutil.which("sqlite-utils", path=str(BIN))
    assert sqlite_utils, "sqlite-utils is a dependency of dhr and should be installed beside it"
    result = subprocess.run([sqlite_utils, "search", catalogue_path, "recommendations", "DVDS",
                             "--csv"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 4  # a header and recs 2, 6, 7


def test_catalogue_opens_in_plain_sqlite(tmp_path, env, catalogue_path):
    dhr("import", NORFOLK, cwd=tmp_path, env=env)
    db = sqlite3.connect(catalogue_path)
    rows = db.execute("SELECT r.number FROM recommendations_fts f JOIN recommendations r "
                      "ON r.id = f.rowid WHERE recommendations_fts MATCH 'clare' ORDER BY 1").fetchall()
    assert rows == [("3",), ("5",)]
    assert db.execute("INSERT INTO recommendations_fts(recommendations_fts) VALUES ('integrity-check')")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_closed_pipe_is_quiet(tmp_path, env):
    recs = "".join(f"  - text: It is recommended that agency {n} reviews its training plan.\n"
                   for n in range(3000))
    (tmp_path / "big.yaml").write_text("csp: Big\nrecommendations:\n" + recs)
    assert dhr("import", "big.yaml", cwd=tmp_path, env=env).returncode == 0
    pipeline = subprocess.run(f"'{DHR}' search recommended --limit 0 --nl | head -n 1", shell=True,
                              cwd=tmp_path, env=env, capture_output=True, text=True)
    assert pipeline.stdout.count("\n") == 1
    assert "Traceback" not in pipeline.stderr and "Broken pipe" not in pipeline.stderr


def test_output_is_utf8_whatever_the_locale(tmp_path, env):
    dhr("import", NORFOLK, cwd=tmp_path, env=env)
    plain = {**env, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    result = subprocess.run([DHR, "search", "Clare's Law", "--csv"], cwd=tmp_path, env=plain,
                            capture_output=True)
    assert result.returncode == 0, result.stderr
    assert "Clare’s Law".encode("utf-8") in result.stdout
