"""Make the documents the document reader is tested on, from review files: each is written as
the HTML of an overview report and printed to PDF by headless Chromium (Debian's chromium),
with the running header and footer Chromium prints (the date, the title, the file's address
and "page N of M") left on, as a real report has its own. The same review file gives the same
text; the PDFs are committed, so the tests need no Chromium to read them.

    python tests/documents/make_corpus.py        # writes tests/documents/*.pdf

Each document's ground truth is the review file it is made from (samples/norfolk.yaml for
norfolk-report.pdf), and a sidecar `NAME.pdf.yaml` gives what the document does not state."""

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


def agency_headings_html(review: dict, csp_line: str) -> str:
    """Numbered paragraphs under agency headings, after an executive summary that lists the
    first few again (as reports do), with a page break in the middle of the list."""
    recs = review["recommendations"]
    parts = [f"<h1>Domestic Homicide Review</h1><p>{html.escape(csp_line)}</p>",
             f"<p>Overview report</p><p>Published {html.escape(str(review['published']))}</p>",
             "<div style='page-break-after: always'></div>",
             "<h2>1. Executive summary</h2>", f"<p>{FILLER}</p>",
             "<p>The review makes 31 recommendations, set out in section 9. Among them:</p>"]
    parts += [f"<p>{html.escape(str(r['number']))}. {html.escape(r['text'])}</p>" for r in recs[:2]]
    parts += ["<h2>2. Background</h2>", f"<p>{FILLER * 2}</p>",
              "<div style='page-break-after: always'></div>", "<h2>9. Recommendations</h2>"]
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


def main() -> None:
    review = yaml.safe_load((ROOT / "samples" / "norfolk.yaml").read_text(encoding="utf-8"))
    print_pdf(agency_headings_html(review, "Norfolk County Community Safety Partnership"),
              HERE / "norfolk-report.pdf")
    print(f"wrote {HERE / 'norfolk-report.pdf'}")


if __name__ == "__main__":
    main()
