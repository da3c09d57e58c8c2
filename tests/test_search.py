import csv
import io
import json

import pytest

from conftest import numbers, run, write


def test_dvds_finds_recs_2_6_7(norfolk):
    assert sorted(numbers(run("search", "DVDS", "--exact", "--json")), key=int) == ["2", "6", "7"]
    table = run("search", "DVDS")
    assert table.exit_code == 0
    assert "norfolk-2023-04" in table.stdout


def test_clares_law_as_csv_holds_recs_3_and_5(norfolk):
    result = run("search", "Clare's Law", "--exact", "--csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["number"] for r in rows) == ["3", "5"]
    assert list(rows[0]) == ["review_id", "csp", "title", "published", "year_of_death", "number",
                             "text", "agencies", "sectors", "scope", "status", "themes", "source_url", "rank", "snippet"]
    assert [r["rank"] for r in rows] == ["1", "2"]
    assert all("\x02" not in r["snippet"] and "Clare’s Law" in r["snippet"] for r in rows)


def test_best_match_comes_first(norfolk, tmp_path):
    text = ("csp: A\nrecommendations:\n  - text: Review the GP pathway.\n"
            "  - text: GP training, GP supervision and GP audits for every GP.\n")
    run("import", write(tmp_path / "a.yaml", text))
    rows = json.loads(run("search", "GP", "--json").stdout)
    assert rows[0]["text"].startswith("GP training")
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


def test_stemming_finds_other_forms(norfolk):
    found = numbers(run("search", "campaign", "--json"))
    assert "1" in found and "2" in found  # "campaigns" in both


@pytest.mark.parametrize("query", [
    'POL-358 "unbalanced', '"', "A&E", "Clare's", "NEAR(", "AND AND", "a OR", "*", "^start",
    "col:umn", "(", "))", "'", "-", "NOT", "😀", "über", "x\"y\"z", "“quoted”", "{a b}", "a+b", "nul\x00byte", "tab\tand\nline",
])
def test_plain_queries_never_raise(norfolk, query):
    result = run("search", query, "--json")
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)


def test_punctuation_is_searched_as_written(norfolk, tmp_path):
    run("import", write(tmp_path / "p.yaml",
                        "csp: P\nrecommendations: [{text: Update POL-358 for A&E triage.}]\n"))
    assert numbers(run("search", "POL-358", "--json")) == ["1"]
    assert numbers(run("search", "A&E triage", "--json")) == ["1"]
    assert numbers(run("search", "A&E", "--csp", "Norfolk", "--json"))  # A&E in Norfolk recs too


def test_raw_mode_passes_fts5_syntax(norfolk):
    assert sorted(numbers(run("search", "--raw", "DVDS OR Clare*", "--json")), key=int) == ["2", "3", "5", "6", "7"]
    assert numbers(run("search", "--raw", '"Right to Ask"', "--json")) == ["2"]
    assert sorted(numbers(run("search", "--raw", "DVDS NOT panel", "--json")), key=int) == ["2", "7"]


def test_bad_raw_query_is_one_line(norfolk):
    result = run("search", "--raw", "AND AND")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "bad search query" in result.stderr and "Hint:" in result.stderr
    assert "Traceback" not in result.stderr


def test_filters(norfolk, tmp_path):
    run("import", write(tmp_path / "b.yaml",
                        "csp: Safer Leeds\npublished: 2019\nrecommendations:\n"
                        "  - {text: Raise awareness of DVDS with GPs., to: Leeds GP Federation}\n"))
    assert len(numbers(run("search", "DVDS", "--exact", "--json"))) == 4
    assert numbers(run("search", "DVDS", "--exact", "--csp", "safer leeds", "--json")) == ["1"]
    assert numbers(run("search", "DVDS", "--exact", "--agency", "leeds gp federation", "--json")) == ["1"]
    assert numbers(run("search", "DVDS", "--exact", "--until", "2020", "--json")) == ["1"]
    assert len(numbers(run("search", "DVDS", "--exact", "--since", "2023", "--json"))) == 3
    assert len(numbers(run("search", "DVDS", "--exact", "--review", "norfolk-2023-04", "--json"))) == 3
    unknown = run("search", "DVDS", "--exact", "--agency", "Leeds GP Fed")
    assert unknown.exit_code == 1 and "did you mean 'Leeds GP Federation'" in unknown.stderr


def test_limit(norfolk):
    assert len(numbers(run("search", "recommended", "--json"))) == 20
    assert len(numbers(run("search", "recommended", "--limit", "3", "--json"))) == 3
    assert len(numbers(run("search", "recommended", "--limit", "0", "--json"))) > 20
    assert run("search", "x", "--limit", "-1").exit_code == 2


def test_nothing_to_search_for(norfolk):
    result = run("search", '" "', "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert "nothing to search for" in result.stderr


def test_search_on_an_empty_catalogue_creates_nothing(catalogue_path):
    result = run("search", "DVDS", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert not catalogue_path.exists()
