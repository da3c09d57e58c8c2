"""Make the documents the document reader is tested on, from review files: each is written as
the HTML of an overview report and printed to PDF by headless Chromium (Debian's chromium),
with the running header and footer Chromium prints (the date, the title, the file's address
and "page N of M") left on, as a real report has its own. The same review file gives the same
text; the PDFs are committed, so the tests need no Chromium to read them.

    python tests/documents/make_corpus.py        # writes tests/documents/*.pdf

Each document's ground truth is the review file it is made from (samples/norfolk.yaml for
norfolk-report.pdf; NAME.truth.yaml beside the others), and a sidecar `NAME.pdf.yaml` gives
what a document does not state. corpus/ is what the reader was developed on; holdout/ (other
texts, groupings and line breaks, the same layouts) was measured once, after."""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FILLER = ("The panel met on several occasions and considered the chronology prepared from the "
          "records of each agency. Its findings are set out below, with the learning for each "
          "agency that was involved with the victim and the perpetrator. ") * 3


def _groups(recs: list[dict]) -> list[tuple[str, list[dict]]]:
    """Runs of recommendations with the same addressees, in number order: one heading each."""
    groups: list[tuple[str, list[dict]]] = []
    for rec in recs:
        to = rec.get("to") or []
        heading = "; ".join([to] if isinstance(to, str) else to)
        if groups and groups[-1][0] == heading:
            groups[-1][1].append(rec)
        else:
            groups.append((heading, [rec]))
    return groups


def _front(csp: str, cover: str, published: str, lead_in: str, listed: list[dict],
           section: str) -> list[str]:
    """A report's cover, an executive summary that lists `listed` again, its background, and
    the heading of its recommendations section, as HTML parts."""
    e = html.escape
    return [f"<h1>Domestic Homicide Review</h1><p>{e(csp)}</p>", f"<p>{e(cover)}</p>",
            f"<p>Published {e(published)}</p>", "<div style='page-break-after: always'></div>",
            "<h2>1. Executive summary</h2>", f"<p>{FILLER}</p>", lead_in,
            *(f"<p>{e(str(r['number']))}. {e(r['text'])}</p>" for r in listed),
            "<h2>2. Background</h2>", f"<p>{FILLER * 2}</p>",
            "<div style='page-break-after: always'></div>", f"<h2>{e(section)}</h2>"]


def agency_headings_html(review: dict, csp_line: str) -> str:
    """Numbered paragraphs under agency headings, after an executive summary that lists the
    first few again (as reports do), with a page break in the middle of the list."""
    recs = review["recommendations"]
    parts = _front(csp_line, "Overview report", str(review["published"]),
                   "<p>The review makes 31 recommendations, set out in section 9. Among them:</p>",
                   recs[:2], "9. Recommendations")
    for count, (heading, group) in enumerate(_groups(recs)):
        parts.append(f"<h3>{html.escape(heading)}</h3>")
        for rec in group:
            parts.append(f"<p>{html.escape(str(rec['number']))}. {html.escape(rec['text'])}</p>")
        if count == 6:
            parts.append("<div style='page-break-after: always'></div>")
    parts += ["<h2>Appendix A: Terms of reference</h2>", f"<p>{FILLER}</p>"]
    style = ("body { font-family: serif; font-size: 12pt; margin: 2cm; } "
             "h3 { font-size: 13pt; margin-top: 1.2em; }")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>DHR overview report"
            f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")


def print_pdf(page: str, out: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("make_corpus: needs Chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.html"
        source.write_text(page, encoding="utf-8")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        f"--print-to-pdf={out}", source.as_uri()],
                       check=True, capture_output=True, timeout=120)


PLACES = ["Wyvern", "Avondale", "Tamarside", "Brackley", "Eastmoor", "Fenwick", "Glenholme",
          "Harrowden", "Ivybridge", "Kestwick", "Larkfield", "Marston"]
LAYOUTS = ["headings", "restart", "two-column", "word", "appendix", "headings", "restart",
           "two-column", "word", "appendix", "headings", "two-column"]
OUTCOMES = ["Completed 12/01/2025", "In progress", "", "Not accepted"]  # the plan's outcomes
MONTHS = ["January", "March", "May", "June", "September", "November"]


HOLDOUT_PLACES = ["Northby", "Oakhurst", "Pennington", "Queensmoor", "Redcastle", "Stourley"]
HOLDOUT_LAYOUTS = ["headings", "restart", "two-column", "word", "appendix", "two-column"]


def corpus_reviews(seed: int = 16, places=None, layouts=None) -> list[tuple[str, str, dict]]:
    """(name, layout, review) for each corpus document: real recommendation texts and
    addressees (tests/data/real_sets), twenty to a made-up review, grouped by addressee as
    reports group them. The ground truth of each document is its review."""
    import random

    items = yaml.safe_load((ROOT / "tests" / "data" / "real_sets" / "recommendations.yaml")
                           .read_text(encoding="utf-8"))["recommendations"]
    pool = [(item["text"].strip(), list(item.get("to") or [])) for item in items]
    random.Random(seed).shuffle(pool)
    reviews = []
    for index, place in enumerate(places or PLACES):
        chunk = sorted(pool[index * 20:(index + 1) * 20], key=lambda rec: ("; ".join(rec[1]) or "~"))
        layout = (layouts or LAYOUTS)[index]
        recs, counts = [], {}
        for text, to in chunk:
            key = "; ".join(to)
            counts[key] = counts.get(key, 0) + 1
            number = (str(counts[key]) if layout == "restart" else
                      f"9.{len(recs) + 1}" if layout == "appendix" else str(len(recs) + 1))
            recs.append({"number": number, "text": text, **({"to": to} if to else {})})
        year = 2019 + index % 6
        reviews.append((f"{place.lower()}-{layout}", layout, {
            "csp": f"{place} Community Safety Partnership",
            "published": f"{MONTHS[index % 6]} {year + 2}", "year_of_death": year,
            "recommendations": recs}))
    return reviews


def report_html(review: dict, layout: str) -> str:
    """An overview report: a cover, an executive summary that lists the first recommendations
    again, background, the recommendations under agency headings (in two columns for
    "two-column", as a table for "table"), and an appendix (an action plan table for
    "appendix")."""
    recs = review["recommendations"]
    e = html.escape
    parts = _front(review["csp"], f"Overview report into the death of Adult A, who died in "
                   f"{review['year_of_death']}", review["published"], "<h3>Recommendations</h3>",
                   recs[:3], "9. Summary of recommendations")
    body = []
    if layout == "table":  # the section is a table: No. | Recommendation | Agency
        rows = "".join(f"<tr><td>{e(r['number'])}</td><td>{e(r['text'])}</td>"
                       f"<td>{e('; '.join(r.get('to', [])))}</td></tr>" for r in recs)
        body.append("<table border='1' style='border-collapse: collapse'><tr><th>No.</th>"
                    f"<th>Recommendation</th><th>Agency</th></tr>{rows}</table>")
    for heading, group in _groups(recs) if layout != "table" else ():
        body.append(f"<h3>{e(heading) if heading else 'Multi-agency recommendations'}</h3>")
        body += [f"<p>{e(r['number'])}. {e(r['text'])}</p>" for r in group]
    if layout == "two-column":
        parts.append("<div style='column-count: 2; column-gap: 1.5em'>" + "".join(body) + "</div>")
    else:
        parts += body
    parts += ["<h2>Appendix A: Action plan</h2>"]
    if layout == "appendix":
        rows = "".join(f"<tr><td>{e(r['number'])}</td><td>{e(r['text'])}</td><td>Local</td>"
                       f"<td>Agree a plan and carry it out</td><td>"
                       f"{e('; '.join(r.get('to', [])))}</td><td>31/03/2025</td>"
                       f"<td>{OUTCOMES[i % len(OUTCOMES)]}</td></tr>" for i, r in enumerate(recs))
        parts.append("<table border='1' style='border-collapse: collapse; font-size: 9pt'><tr>"
                     "<th>No.</th><th>Recommendation</th><th>Scope</th><th>Action to take</th>"
                     "<th>Lead agency</th><th>Target date</th><th>Date of completion and "
                     f"outcome</th></tr>{rows}</table>")
    else:
        parts.append(f"<p>{FILLER}</p>")
    style = ("body { font-family: serif; font-size: 11pt; margin: 1.5cm; } "
             "h3 { font-size: 12pt; margin-top: 1em; } td { vertical-align: top; }")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>DHR overview report"
            f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")


def word_report(review: dict, out: Path) -> None:
    """The same report as a Word document (headings in Word's heading styles)."""
    import docx

    document = docx.Document()
    document.add_heading("Domestic Homicide Review", 0)
    document.add_paragraph(review["csp"])
    document.add_paragraph(f"Overview report into the death of Adult A, who died in "
                           f"{review['year_of_death']}")
    document.add_paragraph(f"Published {review['published']}")
    document.add_heading("1. Executive summary", 1)
    document.add_paragraph(FILLER)
    document.add_heading("9. Recommendations", 1)
    for heading, group in _groups(review["recommendations"]):
        document.add_heading(heading or "Multi-agency recommendations", 2)
        for rec in group:
            document.add_paragraph(f"{rec['number']}. {rec['text']}")
    document.add_heading("Appendix A: Glossary", 1)
    document.add_paragraph(FILLER)
    document.core_properties.created = __import__("datetime").datetime(2024, 1, 1)
    document.save(out)


def main() -> None:
    review = yaml.safe_load((ROOT / "samples" / "norfolk.yaml").read_text(encoding="utf-8"))
    print_pdf(agency_headings_html(review, "Norfolk County Community Safety Partnership"),
              HERE / "norfolk-report.pdf")
    print(f"wrote {HERE / 'norfolk-report.pdf'}")
    for folder, reviews in (
            ("corpus", corpus_reviews() + corpus_reviews(23, ["Ashby", "Bramwell"], ["table"] * 2)),
            ("holdout", corpus_reviews(99, HOLDOUT_PLACES, HOLDOUT_LAYOUTS)
             + corpus_reviews(101, ["Thornbury"], ["table"]))):
        write_corpus(HERE / folder, reviews)


def write_corpus(corpus: Path, reviews) -> None:
    corpus.mkdir(exist_ok=True)
    for name, layout, truth in reviews:
        if layout == "word":
            out = corpus / f"{name}.docx"
            word_report(truth, out)
        else:
            out = corpus / f"{name}.pdf"
            print_pdf(report_html(truth, layout), out)
        (corpus / f"{name}.truth.yaml").write_text(
            "# The ground truth of " + out.name + " (tests/documents/make_corpus.py made both)\n"
            + yaml.safe_dump(truth, sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
