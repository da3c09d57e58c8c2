"""Action plans in: the template's table from Excel and CSV, headings found by their words,
rows matched by number or text, outcomes read as statuses (issue 15)."""

import csv
import json

import pytest

from conftest import run, snapshot, write

# Headings renamed and reordered, with an extra column, as real plans have them.
HEADINGS = ["Lead", "Rec No.", "Recommendation", "Action to take", "Target", "Notes",
            "Completion date / outcome"]
ROWS = [
    ["Norfolk County Community Safety Partnership", "1", "Awareness campaigns...", "Run two campaigns", "2024-03-31", "", "Completed 12/02/2024"],
    ["Norfolk Constabulary", "2", "", "Review DVDS publicity", "2023-12-31", "", "Complete"],
    ["Norfolk Constabulary", "3", "", "Athena flag", "31/01/2024", "x", "On track"],
    ["Leeway Domestic Abuse and Violence Services", "4", "", "Evaluate the post", "2024-06-30", "", "In progress"],
    ["Home Office", "5", "", "Commission evaluation", "2025-03-31", "", "Not started"],
    ["Norfolk Constabulary", "6", "", "Referral back to panel", "2024-01-31", "", "Rejected"],
    ["Norfolk Constabulary", "7", "", "Repeat perpetrators", "2024-09-30", "", ""],
    ["Crown Prosecution Service (East of England)", "8", "", "Evidence-led prosecutions", "2024-04-30", "", "Already in place"],
    ["Ministry of Justice", "9", "", "Probation staffing", "2025-12-31", "", "Partly implemented"],
    ["NHS Norfolk and Waveney ICB", "",
     "It is recommended that the existing programme of domestic abuse awareness raising across all GP practices in Norfolk is stepped up for adult safeguarding",
     "GP awareness", "2024-05-31", "", "Done 01/05/2024"],
    ["Norfolk and Norwich University Hospital NHS Foundation Trust", "",
     "It is recommended that A&E staff are trained in domestic abuse, including how to ask the abuse question",
     "A&E training", "2024-07-31", "", "Green"],
    ["Norfolk Constabulary", "", "That all bicycles are painted blue before the end of the year", "n/a",
     "2024-01-01", "", "Completed"],
]


def _xlsx(path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    sheet.append(["Norfolk DHR action plan"])  # a title row above the headings
    sheet.append(HEADINGS)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def _csv(path):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        writer.writerows(ROWS)
    return path


def _events():
    return json.loads(run("export", "--events", "--json").stdout)


@pytest.mark.parametrize("make, unmatched", [(_xlsx, "sheet 'Action plan' row 14"), (_csv, ":13")])
def test_an_action_plan_is_read_matched_and_not_read_twice(norfolk, tmp_path, make, unmatched):
    plan = make(tmp_path / ("plan.xlsx" if make is _xlsx else "plan.csv"))
    result = run("plan", plan, "--review", "norfolk-2023-04")
    assert result.exit_code == 0, result.stderr
    assert "11 rows matched (2 by text), 1 unmatched" in result.stderr
    assert f"{unmatched}: matches no recommendation of norfolk-2023-04" in result.stderr
    assert "'Complete' read as implemented" in result.stderr
    events = {(e["number"], e["addressee"]): (e["status"], e["date"]) for e in _events()}
    assert events[("1", "Norfolk County Community Safety Partnership")] == ("implemented", "2024-02-12")
    assert events[("11", "NHS Norfolk and Waveney ICB")] == ("implemented", "2024-05-01")
    assert events[("4", "Leeway Domestic Abuse and Violence Services")][0] == "in-progress"
    assert ("4", "Norfolk Constabulary") not in events  # the lead agency's part only
    assert events[("6", "Norfolk Constabulary")][0] == "not-accepted"
    assert events[("8", "Crown Prosecution Service (East of England)")][0] == "already-in-place"
    assert events[("9", "Ministry of Justice")][0] == "partly-implemented"
    assert ("7", "Norfolk Constabulary") not in events  # no outcome yet: a target only
    assert len(events) == 10
    overdue = json.loads(run("overdue", "--as-of", "2025-01-01", "--json").stdout)
    assert ("7", "Norfolk Constabulary", "past target", 93) in [
        (r["number"], r["addressee"], r["reason"], r["days_overdue"]) for r in overdue]
    again = run("plan", plan, "--review", "norfolk-2023-04")
    assert again.exit_code == 0 and "added 0 status events" in again.stderr
    assert len(_events()) == 10


def test_a_dry_run_records_nothing(norfolk, catalogue_path, tmp_path):
    before = snapshot(catalogue_path)
    result = run("plan", _csv(tmp_path / "plan.csv"), "--review", "norfolk-2023-04", "--dry-run")
    assert result.exit_code == 0 and "would add 10 status events" in result.stderr
    assert snapshot(catalogue_path) == before


@pytest.mark.parametrize("change, said", [
    (lambda rows: rows[2].__setitem__(4, "31/02/2024"), "plan.csv:4: target date: '31/02/2024' is not a date"),
    (lambda rows: rows[1].__setitem__(0, "Home Office"),
     "plan.csv:3: 'Home Office' is not an addressee of norfolk-2023-04/2"),
])
def test_a_bad_row_stops_the_plan_and_records_nothing(norfolk, catalogue_path, tmp_path, change, said):
    rows = [list(r) for r in ROWS]
    change(rows)
    path = tmp_path / "plan.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADINGS] + rows)
    before = snapshot(catalogue_path)
    result = run("plan", path, "--review", "norfolk-2023-04")
    assert result.exit_code == 1 and said in result.stderr, result.stderr
    assert snapshot(catalogue_path) == before


def test_a_table_with_no_recognisable_headings_is_one_line(norfolk, catalogue_path, tmp_path):
    path = write(tmp_path / "plan.csv", "colour,size\nred,large\n")
    before = snapshot(catalogue_path)
    result = run("plan", path, "--review", "norfolk-2023-04")
    assert result.exit_code == 1 and "plan.csv: no recognisable headings" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(catalogue_path) == before


def test_junk_a_broken_workbook_and_a_folder_are_one_line_each(norfolk, catalogue_path, tmp_path):
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "fake.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    before = snapshot(catalogue_path)
    for name, said in (("junk.bin", "not UTF-8 text, nor an Excel workbook"),
                       ("fake.xlsx", "not a readable Excel workbook")):
        result = run("plan", tmp_path / name, "--review", "norfolk-2023-04")
        assert result.exit_code == 1 and said in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    folder = run("plan", tmp_path, "--review", "norfolk-2023-04")
    assert "Traceback" not in folder.stderr and folder.exit_code in (0, 1)
    assert snapshot(catalogue_path) == before


def test_a_lead_agencys_target_survives_an_export_imported_again(norfolk, tmp_path):
    assert run("plan", _csv(tmp_path / "plan.csv"), "--review", "norfolk-2023-04").exit_code == 0
    exported = run("export", "--yaml").stdout
    assert "    Leeway Domestic Abuse and Violence Services: '2024-06-30'" in exported
    other = tmp_path / "other.db"
    assert run("import", "--db", other, write(tmp_path / "all.yaml", exported)).exit_code == 0
    for args in (["export", "--yaml"], ["overdue", "--as-of", "2025-01-01", "--json"]):
        assert run(*args).stdout == run(*args, "--db", other).stdout, args
