import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest

from conftest import run, write

MORE = """id: leeds-adult-d
csp: Safer Leeds
title: Adult D
published: 2021-07-02
recommendations:
  - {number: 1, text: "=HYPERLINK(\\"http://example.org\\", \\"click\\")", to: [Leeds CCG]}
  - {number: 1, text: Audit the MARAC., to: "West Yorkshire Police | Home Office", themes: [multi-agency]}
  - {number: 9.1 a, text: "Train GPs.\\n• in the IRIS model"}
"""


@pytest.fixture
def two(norfolk, tmp_path):
    assert run("import", write(tmp_path / "more.yaml", MORE)).exit_code == 0
    assert run("tag", "norfolk-2023-04/4", "specialist-services").exit_code == 0
    assert run("untag", "norfolk-2023-04/16", "children").exit_code == 0


def test_yaml_export_then_import_reproduces_the_catalogue(two, tmp_path):
    out = tmp_path / "out"
    result = run("export", "--yaml", "--folder", out)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["leeds-adult-d.yaml", "norfolk-2023-04.yaml"]
    other = tmp_path / "other.db"
    assert run("import", "--db", other, out).exit_code == 0
    first = run("export", "--json").stdout
    second = run("export", "--json", "--db", other).stdout
    assert first == second and len(json.loads(first)) == 34
    assert run("export", "--yaml").stdout == run("export", "--yaml", "--db", other).stdout


def test_a_yaml_stream_reads_back(two, tmp_path):
    stream = run("export", "--yaml").stdout
    assert stream.count("\n---\n") == 1
    assert run("import", "--db", tmp_path / "o.db", "-", input=stream).exit_code == 0


def test_excel_neutralises_formulas_and_plain_csv_does_not(two):
    plain = run("export", "--csv", "--csp", "Safer Leeds").stdout
    rows = list(csv.DictReader(io.StringIO(plain)))
    assert rows[0]["text"].startswith('=HYPERLINK(')
    raw = run("export", "--excel", "--csp", "Safer Leeds").stdout_bytes
    assert raw.startswith("\ufeff".encode("utf-8"))
    assert raw.count(b"\r\n") == 4  # the header and three rows; a line break inside a cell stays
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0]["text"].startswith("'=HYPERLINK(")
    assert rows[2]["text"] == "Train GPs.\n• in the IRIS model"
    tsv = run("by-agency", "Leeds CCG", "--tsv", "--excel").stdout
    assert "\t\"'=HYPERLINK(" in tsv
    assert run("export", "--json", "--excel").exit_code == 2


def test_export_filters_and_default_format(two):
    lines = run("export", "--sector", "police").stdout.splitlines()
    assert lines[0].startswith("review_id,csp,") and len(lines) >= 6
    nl = run("export", "--nl", "--national").stdout.splitlines()
    assert {json.loads(line)["scope"] for line in nl} == {"national"} and len(nl) == 5
    assert len(run("export", "--json", "--theme", "multi-agency", "--since", "2022").stdout) > 2


class _Checker(HTMLParser):
    """Fails on unbalanced tags; collects headings, sections and table headers."""

    VOID = {"meta", "br", "hr", "img", "link", "input", "rect"}

    def __init__(self):
        super().__init__()
        self.stack, self.headings, self.sections, self.th = [], [], [], 0
        self.scripts, self.text, self.current = 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag == "th":
            self.th += 1
            assert ("scope", "col") in attrs
        if tag in ("h1", "h2", "h3"):
            self.current = [tag, ""]
        if tag == "section":
            self.sections.append("")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
        self.stack.pop()
        if tag in ("h1", "h2", "h3") and self.current:
            self.headings.append(tuple(self.current))
            if self.sections and self.current[0] == "h2" and "section" in self.stack:
                self.sections[-1] = self.current[1]
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current[1] += data
        self.text.append(data)


def _report_html(tmp_path):
    target = tmp_path / "r.html"
    result = run("report", "--by", "agency", "--html", "-o", target)
    assert result.exit_code == 0, result.stderr
    return target


def test_html_report_is_valid_with_a_section_per_agency(norfolk, tmp_path):
    html = _report_html(tmp_path).read_text(encoding="utf-8")
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.stack == [] and checker.scripts == 0
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert [level for level, _ in checker.headings][:2] == ["h1", "h2"]
    agencies = json.loads(run("agencies", "--json").stdout)
    assert len(checker.sections) == len(agencies) == 13
    expected = [f"{a['agency']} ({a['recommendations']})" for a in agencies]
    assert [" ".join(s.split()) for s in checker.sections] == expected
    assert checker.th >= 5 * 13
    assert "<title id=\"chart-title\">" in html and "@media print" in html


def test_markdown_report(norfolk):
    text = run("report", "--by", "theme", "--sector", "police").stdout
    assert text.startswith("# DHR recommendations by theme\n")
    assert "Selection: sector police." in text
    assert "## Justice and legal measures (justice-legal) (4)" in text
    assert "- **Recommendations:** 5" in text


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
@pytest.mark.slow
def test_html_report_prints_to_pdf_with_every_agency(norfolk, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    html = _report_html(tmp_path)
    pdf = tmp_path / "r.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()],
                   check=True, timeout=180, capture_output=True)
    reader = pypdf.PdfReader(str(pdf))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    names = [a["agency"] for a in json.loads(run("agencies", "--json").stdout)]
    for name in names:
        assert "".join(name.split()) in text, name
    assert len(reader.pages) >= len(names)  # a page break before each group


def test_sectors_chart_has_a_bar_per_sector(norfolk, tmp_path):
    chart = tmp_path / "s.svg"
    result = run("sectors", "--chart", chart)
    assert result.exit_code == 0, result.stderr
    root = ElementTree.parse(chart).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    bars = root.findall(".//svg:rect[@class='bar']", ns)
    sectors = json.loads(run("sectors", "--json").stdout)
    assert len(bars) == len(sectors) == 17
    assert root.find("svg:title", ns).text == "Recommendations by sector"
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[0] == max(widths)


def test_stats_figures(norfolk):
    rows = json.loads(run("stats", "--json").stdout)
    assert {r["breakdown"] for r in rows} == {"year", "death", "csp", "addressees"}
    addressees = {r["group"]: r["recommendations"] for r in rows if r["breakdown"] == "addressees"}
    assert addressees == {"1": 28, "2": 2, "3": 1}
    table = run("stats", "--by", "year").stdout
    assert "2023" in table and "█" in table
    police = json.loads(run("stats", "--by", "addressees", "--sector", "police", "--json").stdout)
    assert sum(r["recommendations"] for r in police) == 5  # the filters narrow the figures


def test_stats_points_to_the_commands_that_count_sectors_and_themes(norfolk):
    for name in ("sector", "theme"):
        result = run("stats", "--by", name)
        assert result.exit_code == 2 and f"'dhr {name}s' gives the counts per {name}" in result.stderr
    assert run("stats", "--by", "colour").exit_code == 2
