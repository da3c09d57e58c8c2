"""One command surface: every listing command takes the same filters (or says why one does not
apply), and -o means the same on every command that has it."""

import json

import pytest

from conftest import run

LISTING = {"search": ["training"], "by-agency": ["Norfolk Constabulary"], "by-theme": ["training"],
           "themes": [], "sectors": [], "agencies": [], "reviews": [], "export": [], "report": [],
           "stats": []}
FILTERS = [["--agency", "Norfolk Constabulary"], ["--sector", "police"], ["--national"],
           ["--local"], ["--theme", "training"], ["--csp", "Norfolk"],
           ["--review", "norfolk-2023-04"], ["--since", "2020"], ["--until", "2024"]]


@pytest.mark.parametrize("command", sorted(LISTING))
def test_every_listing_command_takes_every_filter_or_says_why_not(norfolk, command):
    for flag in FILTERS:
        result = run(command, *LISTING[command], *flag)
        if result.exit_code == 2:
            assert "is not for this command: " in result.stderr, (command, flag, result.stderr)
            assert f"{command} takes the" in result.stderr or "themes counts every" in result.stderr
        else:
            assert result.exit_code == 0, (command, flag, result.stderr)


def test_filters_narrow_the_counts(norfolk):
    def total(*args):
        return sum(r["recommendations"] for r in json.loads(run(*args, "--json").stdout))

    assert total("reviews") == 31
    assert total("reviews", "--since", "2030") == 0
    assert total("reviews", "--sector", "police") == 5
    police = json.loads(run("sectors", "--sector", "police", "--json").stdout)
    assert [(r["sector"], r["recommendations"]) for r in police] == [("police", 5)]
    themes = {r["theme"]: r for r in json.loads(run("themes", "--sector", "police", "--json").stdout)}
    assert themes["justice-legal"]["recommendations"] == 4
    assert themes["justice-legal"]["share"] == 80.0  # of the five police recommendations


def test_by_theme_without_a_theme_points_to_themes(norfolk):
    result = run("by-theme")
    assert result.exit_code == 2 and "'dhr themes' lists them" in result.stderr
    assert run("by-theme", "--by-agency").exit_code == 0


def test_o_is_always_the_file_to_write(norfolk, tmp_path):
    rows = tmp_path / "rows.csv"
    assert run("export", "-o", rows).exit_code == 0
    assert rows.read_text(encoding="utf-8") == run("export").stdout
    stream = tmp_path / "all.yaml"
    assert run("export", "--yaml", "-o", stream).exit_code == 0
    assert stream.read_text(encoding="utf-8") == run("export", "--yaml").stdout
    report = tmp_path / "r.md"
    assert run("report", "-o", report).exit_code == 0 and report.read_text().startswith("# DHR")
    for command in ("export", "report"):
        result = run(command, "-o", tmp_path)
        assert result.exit_code == 2 and "is a folder; -o names the file to write" in result.stderr
    assert "--folder DIR" in run("export", "-o", tmp_path).stderr
    folder = tmp_path / "reviews"
    assert run("export", "--yaml", "--folder", folder).exit_code == 0
    assert [p.name for p in folder.iterdir()] == ["norfolk-2023-04.yaml"]
    assert run("export", "--folder", folder).exit_code == 2  # a folder of rows means nothing


def test_convert_writes_one_stream_with_o(tmp_path):
    from test_pages import SEED

    target = tmp_path / "out.yaml"
    assert run("convert", SEED, "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8") == run("convert", SEED).stdout
    assert run("convert", SEED, "-o", target, "--folder", tmp_path / "x").exit_code == 2
    assert run("import", target).exit_code == 0
