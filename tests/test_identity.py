"""Nothing lost: which review a record is, dry runs that do exactly what the import would do and
leave nothing behind, and validate as the same pipeline."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import NORFOLK, run, write

DATA = Path(__file__).resolve().parent / "data"
PAGES = DATA / "pages"

KENT = """csp: Kent
title: Kent review
published: April 2023
year_of_death: {year}
recommendations:
{recs}"""


def kent(tmp_path, name, year, *texts):
    recs = "".join(f"  - {{text: {text}, to: Kent Police}}\n" for text in texts)
    return write(tmp_path / name, KENT.format(year=year, recs=recs))


def reviews():
    return {row["review_id"]: row for row in json.loads(run("reviews", "--json").stdout)}


def test_two_reviews_of_one_csp_month_and_title_with_other_years_of_death_are_kept(tmp_path):
    first = kent(tmp_path, "a.yaml", 2019, "Review DASH training for call handlers",
                 "Audit the use of body-worn video at incidents")
    second = kent(tmp_path, "b.yaml", 2020, "Ask about domestic abuse at routine appointments",
                  "Adopt DAHA accreditation for the housing service")
    assert run("import", first).exit_code == 0
    result = run("import", second)
    assert result.exit_code == 0 and "1 added" in result.stderr
    assert {key: row["year_of_death"] for key, row in reviews().items()} == {
        "kent-2023-04": 2019, "kent-2023-04-2": 2020}
    for word, key in (("body-worn", "kent-2023-04"), ("DAHA", "kent-2023-04-2")):
        found = json.loads(run("search", word, "--exact", "--json").stdout)
        assert [row["review_id"] for row in found] == [key]


def test_a_record_that_would_replace_a_review_is_refused_unless_replace(tmp_path, catalogue_path,
                                                                       monkeypatch):
    first = kent(tmp_path, "a.yaml", 2019, "Review DASH training for call handlers",
                 "Audit the use of body-worn video at incidents")
    run("import", first)
    run("import", kent(tmp_path, "b.yaml", 2020, "Ask about domestic abuse at routine appointments"))
    before = run("export", "--json").stdout
    other = kent(tmp_path, "c.yaml", 2019, "Plan the release of high-risk offenders")
    result = run("import", other)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if not line.startswith("dhr:")]
    assert len(lines) == 1 and lines[0].startswith(f"{other}:1: ") and "--replace" in lines[0]
    assert "2 of the 2 recommendations of review kent-2023-04" in lines[0]
    assert run("export", "--json").stdout == before
    # the same check in a dry run and in validate against the catalogue
    assert run("import", "--dry-run", other).exit_code == 1
    monkeypatch.delenv("DHR_DB")
    assert run("validate", "--db", catalogue_path, other).exit_code == 1
    assert run("validate", other).exit_code == 0  # against an empty catalogue it is a new review
    monkeypatch.setenv("DHR_DB", str(catalogue_path))
    replaced = run("import", "--replace", other)
    assert replaced.exit_code == 0
    assert "kent-2023-04: 0 recommendations added, 1 changed, 1 removed" in replaced.stderr
    assert reviews()["kent-2023-04"]["recommendations"] == 1


def test_an_id_always_decides(tmp_path):
    run("import", write(tmp_path / "a.yaml", "id: k1\ncsp: Kent\nrecommendations: [{text: one thing}]\n"))
    result = run("import", write(tmp_path / "b.yaml", "id: k1\ncsp: Kent\nrecommendations: [{text: another}]\n"))
    assert result.exit_code == 0 and "k1: 0 recommendations added, 1 changed, 0 removed" in result.stderr


def test_the_same_review_from_another_source_updates_it(tmp_path):
    """Its library page, then its report: the same CSP, month and year of death with mostly the
    same recommendations, whatever the title and source URL."""
    texts = ["Review DASH training for call handlers", "Audit the use of body-worn video",
             "Share MARAC minutes with GPs", "Offer IDVA support at A&E"]
    run("import", kent(tmp_path, "page.yaml", 2019, *texts))
    report = KENT.format(year=2019, recs="".join(
        f"  - {{text: '{text}.', to: Kent Police}}\n" for text in texts[:3] + ["A new one"]))
    report = report.replace("title: Kent review", "title: Overview report\nsource_url: https://example.org/kent.pdf")
    result = run("import", write(tmp_path / "report.yaml", report))
    assert result.exit_code == 0 and "1 updated" in result.stderr
    assert "kent-2023-04: 0 recommendations added, 4 changed, 0 removed; title, source_url changed" in result.stderr
    assert list(reviews()) == ["kent-2023-04"]


def test_a_change_to_a_review_field_alone_is_reported(tmp_path):
    run("import", NORFOLK)
    text = NORFOLK.read_text(encoding="utf-8").replace("summary: The review identifies", "summary: It finds")
    result = run("import", write(tmp_path / "n.yaml", text))
    assert "norfolk-2023-04: 0 recommendations added, 0 changed, 0 removed; summary changed" in result.stderr
    assert "1 updated" in result.stderr


def test_exported_and_imported_elsewhere_the_file_still_finds_its_review(tmp_path, catalogue_path):
    """The identity survives the round trip (export, import into a new catalogue, then the
    original file without an id again): no second review."""
    run("import", NORFOLK)
    run("export", "--yaml", "--folder", tmp_path / "out")
    other = tmp_path / "other.db"
    assert run("import", "--db", other, tmp_path / "out").exit_code == 0
    again = run("import", "--db", other, NORFOLK)
    assert again.exit_code == 0 and "1 unchanged" in again.stderr
    assert [r["review_id"] for r in json.loads(run("reviews", "--db", other, "--json").stdout)] == ["norfolk-2023-04"]


def test_agency_links_stay_right_when_an_agency_is_removed_within_one_import(tmp_path):
    """Issue: a cache of agency ids outlived the deletion of an agency whose id SQLite then
    gave to a new one, merging Zebra Trust into Xylophone Trust."""
    one = write(tmp_path / "1.yaml", "id: r0\ncsp: A\nrecommendations: [{text: zero, to: Yellow Trust}]\n"
                "---\nid: r1\ncsp: A\nrecommendations: [{text: one, to: Xylophone Trust}]\n")
    two = write(tmp_path / "2.yaml", "id: r1\ncsp: A\nrecommendations: [{text: one v2, to: Yellow Trust}]\n")
    three = write(tmp_path / "3.yaml", "id: r2\ncsp: B\nrecommendations: [{text: two, to: Zebra Trust}, "
                  "{text: three, to: Xylophone Trust}]\n")
    assert run("import", one, two, three).exit_code == 0
    rows = json.loads(run("agencies", "--json").stdout)
    assert {row["agency"]: row["recommendations"] for row in rows} == {
        "Yellow Trust": 2, "Xylophone Trust": 1, "Zebra Trust": 1}
    assert run("check").exit_code == 0


def test_check_finds_the_wrong_links_an_earlier_dhr_made(tmp_path):
    """catalogue-wrong-links.db was made by dhr before the fix, from the three files above."""
    old = tmp_path / "old.db"
    shutil.copy(DATA / "catalogue-wrong-links.db", old)
    result = run("check", "--db", old)
    assert result.exit_code == 1
    assert "1 addressee link to an agency their written name is not" in result.stderr
    assert "'Xylophone Trust' linked to" in result.stderr and "'zebra trust'" in result.stderr
    assert run("check", "--repair", "--db", old).exit_code == 0
    rows = json.loads(run("agencies", "--db", old, "--json").stdout)
    assert {row["agency"] for row in rows} == {"Yellow Trust", "Xylophone Trust", "Zebra Trust"}


def test_a_dry_run_with_shared_addressees_and_a_review_twice(tmp_path, catalogue_path):
    """Two files that share an addressee not in the catalogue, or hold one review twice, made
    a dry run fail with a FOREIGN KEY error."""
    result = run("import", "--dry-run", NORFOLK, NORFOLK)
    assert result.exit_code == 0, result.stderr
    assert "reviews: 1 added, 0 updated, 1 unchanged; recommendations: 62" in result.stderr
    assert not catalogue_path.exists()


def _folder(tmp_path):
    """20 inputs: the test pages, review files sharing addressees, one review twice."""
    folder = tmp_path / "in"
    folder.mkdir()
    for page in sorted(PAGES.glob("*")):
        if not page.name.endswith(".expected.yaml"):
            shutil.copy(page, folder / page.name)
    shutil.copy(NORFOLK, folder / "norfolk.yaml")
    shutil.copy(NORFOLK, folder / "norfolk-again.yaml")
    for n in range(1, 4):
        write(folder / f"extra-{n}.yaml", f"csp: Extra {n}\nrecommendations:\n"
              "  - {text: Share the learning, to: [Norfolk Constabulary, Brand New Trust]}\n")
    write(folder / "broken.yaml", "csp: Broken\nrecommendations: []\n")
    return folder


def _lines(result):
    return [line.replace("would be imported (dry run: nothing written)", "imported")
            for line in result.stderr.splitlines()]


@pytest.mark.parametrize("existing", [False, True])
def test_a_dry_run_of_a_folder_says_what_the_import_does_and_leaves_nothing(tmp_path, existing):
    folder = _folder(tmp_path)
    assert len(list(folder.iterdir())) >= 20
    db = tmp_path / "db" / "dhr.db"
    if existing:
        run("import", "--db", db, PAGES / "leeds_2022.txt")
    place = tmp_path / "db"
    before = {p.name: p.read_bytes() for p in place.iterdir()} if place.exists() else None
    dry = run("import", "--dry-run", "--db", db, folder)
    after = {p.name: p.read_bytes() for p in place.iterdir()} if place.exists() else None
    assert after == before  # no catalogue, no -wal or -journal files, nothing changed
    real = run("import", "--db", db, folder)
    assert dry.exit_code == real.exit_code == 1  # broken.yaml
    assert _lines(dry) == _lines(real)
    assert f"{1 + existing} unchanged" in real.stderr


def _problems(result):
    return [line for line in result.stderr.splitlines() if not line.startswith("dhr: ")]


def _inputs():
    return sorted(p for p in DATA.rglob("*") if p.is_file())


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: str(p.relative_to(DATA)))
def test_validate_and_dry_run_agree_on_every_test_input(path, catalogue_path):
    validated = run("validate", path)
    dry = run("import", "--dry-run", path)
    assert validated.exit_code == dry.exit_code
    assert _problems(validated) == _problems(dry)
    assert not catalogue_path.exists()


def test_validate_finds_a_review_twice_in_a_file(tmp_path):
    twice = write(tmp_path / "twice.yaml", "id: x\ncsp: A\nrecommendations: [{text: a}]\n---\n"
                                           "id: x\ncsp: A\nrecommendations: [{text: b}]\n")
    validated = run("validate", twice)
    assert validated.exit_code == 1 and "review 'x' is in this file twice" in validated.stderr
    assert _problems(validated) == _problems(run("import", "--dry-run", twice))


def test_a_dry_run_on_a_read_only_catalogue_works(norfolk, catalogue_path, monkeypatch):
    import os

    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode == os.W_OK else real(path, mode, **kw))
    result = run("import", "--dry-run", PAGES / "leeds_2022.txt")
    assert result.exit_code == 0 and "1 added" in result.stderr


def test_import_of_a_folder_in_a_terminal_draws_progress_and_imports(tmp_path, catalogue_path):
    """Under a pseudo-terminal (CliRunner never takes that path): the progress bar was used
    outside a with block and the import crashed."""
    import os
    import pty
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    for page in sorted(PAGES.glob("*.txt"))[:6]:
        shutil.copy(page, folder / page.name)
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "dhrcli", "import", str(folder)],
                               stdin=follower, stdout=follower, stderr=follower,
                               env={**os.environ, "DHR_DB": str(catalogue_path)})
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    assert process.wait(timeout=120) == 0, out.decode(errors="replace")
    os.close(leader)
    text = out.decode(errors="replace")
    assert "Traceback" not in text and "importing" in text and "6 files imported" in text
    count = sqlite3.connect(catalogue_path).execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert count == 6
