"""Files dhr writes (-o, --chart): never over the catalogue in use, whole or not at all, and a
one-line error for a place that cannot be written."""

import json
import os

import pytest

from conftest import run


@pytest.mark.parametrize("args", [
    ["report", "-o", "{db}"], ["report", "-o", "{db}-wal"], ["stats", "--chart", "{db}"],
    ["stats", "--chart", "{db}-shm"],
])
def test_no_command_writes_over_the_catalogue(norfolk, catalogue_path, args):
    before = catalogue_path.read_bytes()
    result = run(*[a.format(db=catalogue_path) for a in args])
    assert result.exit_code == 1 and "that is the catalogue in use" in result.stderr
    assert catalogue_path.read_bytes() == before
    assert run("check").exit_code == 0


def test_a_missing_folder_is_one_line(norfolk, tmp_path):
    for args in (["report", "-o", tmp_path / "no" / "r.md"], ["stats", "--chart", tmp_path / "no" / "c.svg"]):
        result = run(*args)
        assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "does not exist" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_failed_write_leaves_the_old_file(norfolk, tmp_path, monkeypatch):
    target = tmp_path / "r.md"
    target.write_text("the old report", encoding="utf-8")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    result = run("report", "-o", target)
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert target.read_text(encoding="utf-8") == "the old report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.md")] == []


def test_a_report_is_written_whole(norfolk, tmp_path):
    target = tmp_path / "r.md"
    assert run("report", "-o", target).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("#")
    assert oct(target.stat().st_mode & 0o777) != "0o600"


HOSTILE = ('id: evil\ncsp: "Evil\\n# Injected heading"\nsource_url: "javascript:alert(1)"\n'
           'recommendations:\n  - {text: "Use <script>alert(1)</script> and [a](javascript:x) *now*", to: "<b>Bold</b> Trust"}\n'
           '---\nid: data\ncsp: Fine\nsource_url: "data:text/html,<script>x</script>"\nrecommendations: [{text: ok, to: Home Office}]\n'
           '---\nid: good\ncsp: Good\nsource_url: "https://example.org/r.pdf"\nrecommendations: [{text: fine, to: Home Office}]\n')


def test_reports_make_links_of_http_only_and_show_markup_as_text(tmp_path):
    from conftest import write

    assert run("import", write(tmp_path / "evil.yaml", HOSTILE)).exit_code == 0
    markdown = run("report", "--by", "csp").stdout
    import re

    assert "\n# Injected" not in markdown and not re.search(r"(?<!\\)\]\(<?javascript", markdown)
    assert "data:text" not in markdown and "## Evil \\# Injected heading (1)" in markdown
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown and "<b>" not in markdown
    assert "[source](<https://example.org/r.pdf>)" in markdown
    html = run("report", "--by", "csp", "--html").stdout
    assert 'href="javascript:' not in html and 'href="data:' not in html and "<script>" not in html
    assert 'href="https://example.org/r.pdf"' in html


def test_control_characters_are_shown_escaped_in_tables_and_kept_in_data(tmp_path):
    from xml.dom import minidom

    from conftest import write

    nasty = "Retitle \x1b]0;pwned\x07 and \x1b[2J clear, \u202eesrever"
    path = write(tmp_path / "c.json", json.dumps({"id": "c", "csp": "Ctrl \x07 CSP", "recommendations": [
        {"text": nasty, "to": "Bell\x07 Trust"}]}))
    assert run("import", path).exit_code == 0
    table = run("search", "Retitle").stdout + run("by-agency", "Bell\x07 Trust").stdout
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table
    assert "\\x1b]0;pwned\\x07" in table and "\\u202e" in table
    data = json.loads(run("search", "Retitle", "--json").stdout)
    assert data[0]["text"] == nasty
    chart = tmp_path / "c.svg"
    assert run("stats", "--by", "csp", "--chart", chart).exit_code == 0
    minidom.parse(str(chart))  # well-formed XML
