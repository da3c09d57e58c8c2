import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import NORFOLK, ROOT, keyed, numbers, run, snapshot, write
from dhrcli.agencies import load, name_index
from dhrcli.readers import read
from dhrcli.building import build_review

DATA = Path(__file__).resolve().parent / "data"
PAGES = DATA / "pages"
SEED = Path(os.environ.get("DHR_SHARED", ROOT.parent / "shared")) / "seeds" / "000_71d187d9a2ee4d85.txt"
NORFOLK_PAGE_MD = DATA / "norfolk-page.md"
NORFOLK_PAGE_HTML = DATA / "norfolk-page.html"


def norfolk_rows():
    """The Norfolk review's recommendations in the catalogue: (number, text, addressees)."""
    rows = json.loads(run("show", "norfolk-2023-04", "--json").stdout)
    return [(r["number"], r["text"], r["agencies"]) for r in rows]


@pytest.fixture
def expected():
    assert run("import", NORFOLK).exit_code == 0
    rows = norfolk_rows()
    review = json.loads(run("reviews", "--json").stdout)
    return rows, review


def fresh(catalogue_path):
    for suffix in ("", "-wal", "-shm"):
        Path(str(catalogue_path) + suffix).unlink(missing_ok=True)


@pytest.mark.skipif(not SEED.is_file(), reason="shared/seeds is not beside the checkout")
def test_the_seed_page_gives_the_norfolk_review(expected, catalogue_path):
    rows, review = expected
    fresh(catalogue_path)
    result = run("import", SEED)
    assert result.exit_code == 0, result.stderr
    assert "uncertain" not in result.stderr
    assert norfolk_rows() == rows
    got = json.loads(run("reviews", "--json").stdout)
    assert got == review


@pytest.mark.parametrize("page", [NORFOLK_PAGE_MD, NORFOLK_PAGE_HTML], ids=["markdown", "html"])
def test_the_table_and_html_pages_give_the_norfolk_review(expected, catalogue_path, page):
    rows, review = expected
    fresh(catalogue_path)
    result = run("import", page)
    assert result.exit_code == 0, result.stderr
    assert norfolk_rows() == rows
    assert json.loads(run("reviews", "--json").stdout) == review


@pytest.mark.skipif(not SEED.is_file(), reason="shared/seeds is not beside the checkout")
def test_convert_then_import_gives_the_norfolk_review(expected, catalogue_path, tmp_path):
    rows, review = expected
    fresh(catalogue_path)
    converted = run("convert", SEED, "--folder", tmp_path / "out")
    assert converted.exit_code == 0, converted.stderr
    written = tmp_path / "out" / "000_71d187d9a2ee4d85.yaml"
    assert written.read_text(encoding="utf-8").startswith("# Converted by dhr from")
    assert run("import", written).exit_code == 0
    assert norfolk_rows() == rows
    assert json.loads(run("reviews", "--json").stdout) == review


def _pages():
    for expected in sorted(PAGES.glob("*.expected.yaml")):
        base = expected.name[: -len(".expected.yaml")]
        page = next(p for p in PAGES.glob(base + ".*") if not p.name.endswith(".expected.yaml"))
        yield page, yaml.safe_load(expected.read_text(encoding="utf-8"))


def test_pages_written_for_the_tests():
    """At least 10 pages in both layouts with their quirks; the header is read right, and at
    least 97% of text/addressee boundaries are exactly right (the figure is printed)."""
    known, first_words = name_index(load(None).names())
    pages = list(_pages())
    assert len(pages) >= 10 and {p.suffix for p, _ in pages} >= {".txt", ".md"}
    right = total = 0
    for page, truth in pages:
        raw = next(read(page.read_bytes(), page.name, known, first_words))
        review, problems, _ = build_review(raw, page.name)
        assert review is not None, problems
        assert (review.csp, review.title, review.published, review.year_of_death) == (
            truth["csp"], truth["title"], str(truth["published"]), truth["year_of_death"]), page.name
        assert review.source_url == truth.get("source_url"), page.name
        stated_note = any("the page says it lists" in note for _, note in raw.notes)
        assert stated_note == (truth["stated"] is not None and truth["stated"] != len(truth["recommendations"]))
        got = keyed(raw.data["recommendations"])
        want = keyed(truth["recommendations"])
        assert got.keys() == want.keys(), page.name
        for key, rec in want.items():
            total += 1
            right += got[key]["text"] == rec["text"] and got[key]["to"] == rec["to"]
    print(f"\npages: {right}/{total} text/addressee boundaries exactly right ({right / total:.1%}) "
          f"in {len(pages)} pages")
    assert right / total >= 0.97


def test_a_cut_short_page_is_reported(tmp_path):
    result = run("import", PAGES / "hull_cut_short.txt")
    assert result.exit_code == 0
    assert "says it lists 12 recommendations but 9 were read" in result.stderr


def test_repeated_numbers_are_kept_apart():
    result = run("import", PAGES / "norfolk_agency_lists.txt")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(run("reviews", "--json").stdout)
    truth = yaml.safe_load((PAGES / "norfolk_agency_lists.expected.yaml").read_text(encoding="utf-8"))
    assert rows[0]["recommendations"] == len(truth["recommendations"]) == 13
    ones = [r for r in json.loads(run("show", rows[0]["review_id"], "--json").stdout) if r["number"] == "1"]
    assert len(ones) == sum(1 for r in truth["recommendations"] if str(r["number"]) == "1") > 1


def test_the_source_url_gives_the_id():
    assert run("import", PAGES / "manchester_table.md").exit_code == 0
    assert json.loads(run("reviews", "--json").stdout)[0]["review_id"] == "644be64c-manchester"


def _odd_page(tmp_path):
    """The Leeds page with one more row whose text ends in capitalised words that could be
    the start of its addressee's name."""
    text = PAGES.joinpath("leeds_2022.txt").read_text(encoding="utf-8").replace(
        "Extracted: 14 recs", "Extracted: 15 recs")
    text = text.replace("\n9 ", "\n15 That staff complete the Safe and Together Model Riverside Project\n9 ", 1)
    return write(tmp_path / "odd.txt", text)


def test_convert_marks_uncertain_splits(tmp_path):
    result = run("convert", _odd_page(tmp_path))
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    checks = [line for line in text.splitlines() if line.lstrip().startswith("# check:")]
    assert len(checks) == 1 and "Riverside Project' (uncertain" in checks[0]
    data = yaml.safe_load(text)
    assert data["csp"] and len(data["recommendations"]) == 15


def test_import_says_how_many_splits_were_uncertain(tmp_path):
    result = run("import", _odd_page(tmp_path))
    assert result.exit_code == 0
    assert "odd.txt: 1 uncertain text/addressee split: check them with 'dhr convert" in result.stderr


def test_a_cut_short_table_row_is_flagged(tmp_path):
    page = write(tmp_path / "cut.md", "Source · Domestic Homicide Review\n\nA review\n\nCSP: A\n\n"
                 "| # | Recommendation | Addressed to |\n|---|---|---|\n| 1 | Train staff | Home Office |\n"
                 "| 2 | Share the learn\n")
    result = run("convert", page)
    assert result.exit_code == 0
    assert "# check: the table row is cut short (no closing '|')" in result.stdout
    imported = run("import", page)
    assert "cut.md: 1 uncertain text/addressee split" in imported.stderr


JSON_ONE = {"csp": "Safer Leeds", "published": "2021-03", "recommendations": [
    {"number": "1", "text": "Train GPs.", "to": ["Leeds CCG"]}, {"text": "Audit MARAC."}]}


def test_json_in_its_three_forms(tmp_path):
    write(tmp_path / "one.json", json.dumps(JSON_ONE))
    two = [dict(JSON_ONE, csp="A"), dict(JSON_ONE, csp="B")]
    write(tmp_path / "list.json", json.dumps(two, indent=2))
    write(tmp_path / "lines.jsonl", "\n".join(json.dumps(dict(JSON_ONE, csp=c)) for c in "CD") + "\n")
    for name in ("one.json", "list.json", "lines.jsonl"):
        assert run("import", tmp_path / name).exit_code == 0, name
    assert sorted(r["csp"] for r in json.loads(run("reviews", "--json").stdout)) == ["A", "B", "C", "D", "Safer Leeds"]
    bad = write(tmp_path / "bad.json", '[{"csp": "A", "recommendations": [{"text": "x"}]},\n {"csp": "B", "recommendations": []}]')
    result = run("import", bad)
    assert result.exit_code == 1 and "bad.json:2: review 'B': 'recommendations' is empty" in result.stderr
    broken = write(tmp_path / "broken.json", '{"csp": "A",\n "recommendations": [}')
    result = run("import", broken)
    assert result.exit_code == 1 and "broken.json:2:" in result.stderr and "JSON error" in result.stderr


def test_the_csv_dhr_writes_reads_back(norfolk, tmp_path, catalogue_path):
    exported = run("by-agency", "Norfolk Constabulary", "--csv").stdout
    write(tmp_path / "police.csv", exported)
    other = tmp_path / "other.db"
    result = run("import", "--db", other, tmp_path / "police.csv")
    assert result.exit_code == 0, result.stderr
    again = run("by-agency", "Norfolk Constabulary", "--csv", "--db", other).stdout
    drop = ("themes", "sectors", "scope")
    def rows(text):
        return [{k: v for k, v in r.items() if k not in drop} for r in csv.DictReader(io.StringIO(text))]
    assert rows(again) == rows(exported) and len(rows(again)) == 5
    write(tmp_path / "dvds.csv", run("search", "DVDS", "--exact", "--csv").stdout)
    third = tmp_path / "third.db"
    assert run("import", "--db", third, tmp_path / "dvds.csv").exit_code == 0
    assert sorted(numbers(run("show", "norfolk-2023-04", "--json", "--db", third)), key=int) == ["2", "6", "7"]


def test_tsv_reads(tmp_path):
    tsv = "review_id\tcsp\tnumber\ttext\tagencies\nx-1\tA\t1\tTrain GPs.\tLeeds CCG | NHS England\n"
    assert run("import", write(tmp_path / "a.tsv", tsv)).exit_code == 0
    rows = json.loads(run("show", "x-1", "--json").stdout)
    assert rows[0]["agencies"] == ["Leeds CCG", "NHS England"]


def test_a_folder_with_three_good_files_and_one_bad(tmp_path, catalogue_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PAGES / "leeds_2022.txt", folder / "leeds.txt")
    shutil.copy(PAGES / "bristol_table.md", folder / "bristol.md")
    write(folder / "a.yaml", "csp: A\nrecommendations: [{text: a}]\n")
    write(folder / "bad.yaml", "csp: B\nrecommendations: []\n")
    write(folder / "notes.odt", "not read")
    result = run("import", folder)
    assert result.exit_code == 1
    assert "bad.yaml:2: review 'B': 'recommendations' is empty" in result.stderr
    assert "dhr: 3 files imported, 1 failed, 1 skipped" in result.stderr
    assert len(json.loads(run("reviews", "--json").stdout)) == 3


def test_dry_run_writes_nothing(norfolk, tmp_path, catalogue_path):
    before = snapshot(catalogue_path)
    result = run("import", "--dry-run", PAGES / "leeds_2022.txt")
    assert result.exit_code == 0
    assert "1 file would be imported (dry run: nothing written)" in result.stderr
    assert "reviews: 1 added" in result.stderr
    assert snapshot(catalogue_path) == before


def test_validate_needs_no_catalogue(tmp_path, catalogue_path):
    good = write(tmp_path / "good.yaml", "csp: A\nrecommendations: [{text: a}]\n")
    bad = write(tmp_path / "bad.yaml", "csp: A\nrecommendations: [{text: a, themes: [nope]}]\n")
    assert run("validate", good, PAGES / "leeds_2022.txt").exit_code == 0
    result = run("validate", good, bad)
    assert result.exit_code == 1 and "no theme 'nope'" in result.stderr
    assert not catalogue_path.exists()


def test_reimport_reports_what_changed(norfolk, tmp_path):
    text = NORFOLK.read_text(encoding="utf-8").replace("mandatory reporting field", "required field")
    text = text.replace("- number: 31\n", "- number: 32\n  text: A new one.\n- number: 31\n")
    text = text.replace("- number: 5\n  text: It is recommended that evaluation", "- number: 5\n  text: XX evaluation")
    result = run("import", write(tmp_path / "n.yaml", text))
    assert "norfolk-2023-04: 1 recommendation added, 2 changed, 0 removed" in result.stderr
    fewer = NORFOLK.read_text(encoding="utf-8").split("- number: 30\n")[0]
    result = run("import", write(tmp_path / "fewer.yaml", fewer))
    assert "norfolk-2023-04: 0 recommendations added, 2 changed, 3 removed" in result.stderr  # 5 and 16 back; 30-32


def test_a_text_page_that_mentions_markup_is_not_html():
    """Found by hypothesis: a recommendation text with "<P" in it made a Markdown page read
    as HTML, and its table was lost."""
    page = ("Source · Domestic Homicide Review\n\nA review\n\nCSP: A Extracted: 1 recs\n\n"
            "| # | Recommendation | Addressed to |\n|---|---|---|\n| 1 | Use <P> tags <div | Home Office |\n")
    raw = next(read(page.encode(), "x.md"))
    assert raw.data["recommendations"] == [{"number": "1", "text": "Use <P> tags <div", "to": ["Home Office"]}]
