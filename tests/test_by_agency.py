import csv
import io
import json

from conftest import numbers, run, write

REC_COLUMNS = ["review_id", "csp", "title", "published", "year_of_death", "number", "text",
               "agencies", "sectors", "scope", "status", "themes", "source_url"]


def test_norfolk_constabulary_as_csv(norfolk):
    result = run("by-agency", "Norfolk Constabulary", "--csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == REC_COLUMNS
    assert [r[5] for r in rows[1:]] == ["2", "3", "4", "6", "7"]
    assert rows[3][7] == "Leeway Domestic Abuse and Violence Services | Norfolk Constabulary"


def test_ministry_of_justice_any_case_as_json(norfolk):
    result = run("by-agency", "ministry of justice", "--json")
    rows = json.loads(result.stdout)
    assert [r["number"] for r in rows] == ["9", "30", "31"]
    assert list(rows[0]) == REC_COLUMNS
    assert rows[1]["agencies"] == ["Norfolk County Community Safety Partnership", "Home Office",
                                   "Ministry of Justice"]


def test_counts_most_first(norfolk):
    rows = json.loads(run("agencies", "--json").stdout)
    assert {k: rows[0][k] for k in ("agency", "sector", "scope", "recommendations", "reviews")} \
        == {"agency": "Norfolk and Norwich University Hospitals NHS Foundation Trust",
            "sector": "health-provider", "scope": "local", "recommendations": 7, "reviews": 1}
    assert len(rows) == 13
    assert [r["recommendations"] for r in rows] == sorted((r["recommendations"] for r in rows), reverse=True)
    assert sum(r["recommendations"] for r in rows) == 35


def test_counts_across_reviews(norfolk, tmp_path):
    run("import", write(tmp_path / "b.yaml", "csp: B\nrecommendations:\n"
                        "  - {text: a, to: HOME OFFICE}\n  - {text: b, to: Home Office}\n"))
    rows = {r["agency"]: r for r in json.loads(run("agencies", "--json").stdout)}
    assert rows["Home Office"]["recommendations"] == 4 and rows["Home Office"]["reviews"] == 2
    assert numbers(run("by-agency", "home office", "--json")) == ["1", "2", "5", "30"]


def test_unknown_agency_suggests_close_names(norfolk):
    result = run("by-agency", "Norfolk Constabularly")
    assert result.exit_code == 1
    assert "no agency named 'Norfolk Constabularly'" in result.stderr
    assert "did you mean 'Norfolk Constabulary'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_natural_order_within_a_review(tmp_path):
    text = "csp: A\nrecommendations:\n" + "".join(
        f"  - {{number: '{n}', text: t{n}, to: X}}\n" for n in ["10", "9.1 b", "2", "8.10", "8.2", "9.1 a", "1"])
    run("import", write(tmp_path / "a.yaml", text))
    assert numbers(run("by-agency", "X", "--json")) == ["1", "2", "8.2", "8.10", "9.1 a", "9.1 b", "10"]
    assert numbers(run("show", "a-undated", "--json")) == ["1", "2", "8.2", "8.10", "9.1 a", "9.1 b", "10"]


def test_by_agency_without_an_agency_or_a_filter_points_to_agencies(norfolk):
    result = run("by-agency")
    assert result.exit_code == 2 and "'dhr agencies' lists the agencies" in result.stderr
    police = numbers(run("by-agency", "--sector", "police", "--json"))
    assert police == numbers(run("export", "--sector", "police", "--json"))


def test_by_agency_takes_every_filter_and_refuses_a_second_agency(norfolk):
    since = numbers(run("by-agency", "Norfolk Constabulary", "--theme", "justice-legal", "--json"))
    assert since and set(since) <= {"2", "3", "4", "6", "7"}
    assert since == numbers(run("by-theme", "justice-legal", "--agency", "Norfolk Constabulary",
                                "--json"))
    result = run("by-agency", "Norfolk Constabulary", "--agency", "Home Office")
    assert result.exit_code == 2
    assert "--agency is not for this command: by-agency takes the agency as its argument" \
        in result.stderr


def test_agencies_filters_choose_agencies_and_recommendations(norfolk):
    police = json.loads(run("agencies", "--sector", "police", "--json").stdout)
    assert [r["agency"] for r in police] == ["Norfolk Constabulary"]
    training = json.loads(run("agencies", "--theme", "training", "--json").stdout)
    everything = {r["agency"]: r["recommendations"]
                  for r in json.loads(run("agencies", "--json").stdout)}
    assert training and all(r["recommendations"] <= everything[r["agency"]] for r in training)
    assert sum(r["recommendations"] for r in training) < sum(everything.values())


def test_rows_read_by_place_match_the_columns_by_name(norfolk, catalogue_path):
    """Queries reads a row of its select by place: each field must be the column of its name."""
    import sqlite3

    from dhrcli.catalogue import Catalogue
    from dhrcli.queries import _REC_SELECT, Filters, _rec_row

    catalogue = Catalogue(catalogue_path)
    db = catalogue.store.db
    rows = db.execute(_REC_SELECT.format(extra="", source="recommendations r")).fetchall()
    assert len(rows) > 10
    for row in rows:
        record = _rec_row(row)
        for column in ("review_id", "csp", "title", "published", "year_of_death", "number",
                       "text", "scope", "source_url"):
            assert record[column] == row[column], column
        assert record["_id"] == row["_id"]
        assert record["agencies"] == json.loads(row["agencies"])
        assert record["themes"] == json.loads(row["themes"])
    assert db.row_factory is sqlite3.Row
    assert [r["number"] for r in catalogue.read.recommendations(Filters(agency="Home Office"))]
