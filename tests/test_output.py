import csv
import io
import json

import pytest

from conftest import run, write


@pytest.mark.parametrize("flags", [["--csv", "--json"], ["--tsv", "--nl"], ["--json", "--fmt", "github"]])
def test_two_formats_at_once_is_a_usage_error(norfolk, flags):
    result = run("by-agency", "Home Office", *flags)
    assert result.exit_code == 2
    assert "choose one output format" in result.stderr


def test_unknown_fmt_style_is_a_usage_error(norfolk):
    result = run("reviews", "--fmt", "fancy-nonsense")
    assert result.exit_code == 2 and "unknown --fmt style" in result.stderr


def test_tsv_and_nl(norfolk):
    tsv = run("by-agency", "Ministry of Justice", "--tsv").stdout
    rows = list(csv.reader(io.StringIO(tsv), delimiter="\t"))
    assert rows[0][:2] == ["review_id", "csp"] and len(rows) == 4
    assert rows[2][7] == "Norfolk County Community Safety Partnership | Home Office | Ministry of Justice"
    lines = run("by-agency", "Ministry of Justice", "--nl").stdout.splitlines()
    assert [json.loads(line)["number"] for line in lines] == ["9", "30", "31"]


def test_no_headers(norfolk):
    rows = list(csv.reader(io.StringIO(run("by-agency", "Home Office", "--csv", "--no-headers").stdout)))
    assert [r[5] for r in rows] == ["5", "30"]


def test_markdown_table(norfolk):
    lines = run("by-agency", "Ministry of Justice", "--fmt", "github").stdout.splitlines()
    assert lines[0].startswith("| review_id") and lines[1].startswith("|--")
    assert len(lines) == 5
    assert all(line.count(" | ") - line.count("\\|") == 4 for line in lines[2:])


def test_table_wraps_to_the_terminal(norfolk, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    lines = run("by-agency", "Norfolk Constabulary").stdout.splitlines()
    assert max(len(line) for line in lines) <= 70
    assert "norfolk-2023-04" in "\n".join(lines)


def test_output_is_utf8_and_unescaped(norfolk):
    result = run("search", "children’s social care", "--json")
    assert "Children’s Social Care" in result.stdout and "\\u2019" not in result.stdout


def test_json_of_nothing_is_an_empty_array(norfolk):
    assert json.loads(run("search", "zzzzzz", "--json").stdout) == []
    assert run("search", "zzzzzz", "--csv").stdout.strip() == "review_id,csp,title,published,year_of_death,number,text,agencies,sectors,scope,status,themes,source_url,rank,snippet"


def test_unaddressed_recommendations_have_an_empty_list(tmp_path):
    run("import", write(tmp_path / "u.yaml", "csp: U\nrecommendations: [{text: alone}]\n"))
    assert json.loads(run("show", "u-undated", "--json").stdout)[0]["agencies"] == []
    rows = list(csv.reader(io.StringIO(run("show", "u-undated", "--csv").stdout)))
    assert rows[1][7] == ""


def test_output_is_the_same_every_time(norfolk):
    first = run("by-agency", "--csv").stdout
    assert run("by-agency", "--csv").stdout == first
