"""Briefing reports: the recommendations a selection keeps, grouped by agency, sector, theme or
CSP, as Markdown or as one self-contained HTML file (inline CSS and SVG, no scripts, nothing
fetched, readable in print and by screen readers)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
import re
from html import escape

from . import charts
from .followup import still_open

GROUPINGS = {"agency": "agency", "sector": "sector", "theme": "theme", "csp": "CSP"}
RECURRING_REVIEWS, RECURRING_SHOWN = 3, 5  # lessons of at least 3 reviews; the 5 most repeated

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #2f6f9f; padding-bottom: .2rem; margin-top: 2.2rem; }
.meta { color: #4a4a4a; margin-top: 0; }
dl.headline { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dl.headline dt { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #b8b8b8; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #e8eef3; }
td.number { white-space: nowrap; }
a { color: #1d5a85; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  section.group { break-before: page; page-break-before: always; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; }
}
"""


@dataclass
class Report:
    by: str
    selection: str
    generated: str
    source: str
    headline: dict
    groups: list          # [(name, [recommendation rows])]
    labels: dict          # group name -> display label (themes: their labels)
    recurring: list       # the most repeated lessons (recurrence.Recurrence.recurring groups)


def build(catalogue, by: str, filters, selection: str) -> Report:
    labels = {}
    if by == "theme":
        labels = {slug: f"{theme.label} ({slug})" for slug, theme in catalogue.store.taxonomy.themes.items()}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return Report(by, selection, now, str(catalogue.path), catalogue.counts.headline(filters),
                  catalogue.counts.grouped(by, filters), labels,
                  catalogue.recurrence.recurring(filters, RECURRING_REVIEWS)[:RECURRING_SHOWN])


def _link(url: str | None) -> str | None:
    """A source URL fit to be a link: http or https only (never javascript: or data:), and
    nothing in it that could end the link early."""
    if url and re.fullmatch(r"https?://[^\s<>()\"'`]+", url, flags=re.I):
        return url
    return None


def _md(text) -> str:
    """User text for Markdown: on one line, raw HTML shown as text, Markdown's marks escaped."""
    text = escape(" ".join(str(text).split()), quote=False)
    return re.sub(r"([\\`*_\[\]#|!])", r"\\\1", text)


def _label(report: Report, name: str) -> str:
    return report.labels.get(name, name)


def _published(headline: dict) -> str:
    first, last = headline["first_published"], headline["last_published"]
    if not first:
        return "no dates"
    return first if first == last else f"{first} to {last}"


def _title(report: Report) -> str:
    return f"DHR recommendations by {GROUPINGS[report.by]}"


def _headline_items(report: Report) -> list[tuple[str, str]]:
    h = report.headline
    recs = {rec["_id"]: rec["status"] for _, group in report.groups for rec in group}
    outstanding = sum(1 for status in recs.values() if still_open(status))
    return [("Reviews", str(h["reviews"])), ("Recommendations", str(h["recommendations"])),
            ("Agencies addressed", str(h["agencies"])), ("Published", _published(h)),
            ("National", f"{h['national']} of {h['recommendations']} recommendations "
                         f"({h['national_share']}%)"),
            ("Outstanding", f"{outstanding} of {len(recs)} recommendations open (an addressee "
                            f"has not closed its part)")]



def markdown(report: Report) -> str:
    lines = [f"# {_title(report)}", "",
             f"Selection: {_md(report.selection)}. Generated {report.generated} from "
             f"{_md(report.source)}.",
             "", "## Headline", ""]
    lines += [f"- **{name}:** {value}" for name, value in _headline_items(report)]
    lines += ["", f"## Recommendations per {GROUPINGS[report.by]}", "", "```text"]
    largest = max((len(recs) for _, recs in report.groups), default=0)
    width = max((len(_label(report, name)) for name, _ in report.groups), default=0)
    width = min(width, 50)
    for name, recs in report.groups:
        label = " ".join(_label(report, name).replace("`", "'").split())
        label = label if len(label) <= width else label[: width - 1] + "…"
        lines.append(f"{label:<{width}}  {charts.bar(len(recs), largest, 30)} {len(recs)}")
    lines += ["```", ""]
    if report.recurring:
        lines += ["## Recurring lessons", ""]
        for group in report.recurring:
            lines.append(f"- **{group['reviews']} reviews, {group['first']} to {group['last']}, "
                         f"{group['open']} of {group['recommendations']} open:** "
                         f"{_md(group['text'])} ({_md(group['representative'])})")
        lines.append("")
    for name, recs in report.groups:
        lines += [f"## {_md(_label(report, name))} ({len(recs)})", ""]
        for rec in recs:
            review = f"{_md(rec['csp'])}, {_md(rec['published'] or 'undated')}, {_md(rec['review_id'])}"
            if _link(rec["source_url"]):
                review += f" ([source](<{rec['source_url']}>))"
            lines.append(f"- **{_md(rec['number'])}.** {_md(rec['text'])}")
            lines.append(f"  *To:* {' | '.join(_md(a) for a in rec['agencies']) or 'no addressee'}. "
                         f"*Status:* {_md(rec['status'])}. "
                         f"*Themes:* {_md(', '.join(rec['themes'])) or 'none'}. *Review:* {review}.")
        lines.append("")
    if not report.groups:
        lines += ["No recommendations match this selection.", ""]
    return "\n".join(lines)


def html(report: Report) -> str:
    title = _title(report)
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           "<main>", f"<h1>{escape(title)}</h1>",
           f'<p class="meta">Selection: {escape(report.selection)}. Generated '
           f"{escape(report.generated)} from {escape(report.source)}.</p>",
           '<h2 id="headline">Headline</h2>', '<dl class="headline">']
    for name, value in _headline_items(report):
        out.append(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>")
    out.append("</dl>")
    noun = GROUPINGS[report.by]
    rows = [(_label(report, name), len(recs)) for name, recs in report.groups]
    out.append(f'<h2 id="chart">Recommendations per {escape(noun)}</h2>')
    if rows:
        out.append(charts.svg(rows, f"Recommendations per {noun}"))
        out.append(f'<table><caption>Recommendations per {escape(noun)}</caption><thead><tr>'
                   f'<th scope="col">{escape(noun.capitalize())}</th>'
                   f'<th scope="col">Recommendations</th></tr></thead><tbody>')
        for index, (label, count) in enumerate(rows, start=1):
            out.append(f'<tr><td><a href="#group-{index}">{escape(label)}</a></td>'
                       f"<td>{count}</td></tr>")
        out.append("</tbody></table>")
    else:
        out.append("<p>No recommendations match this selection.</p>")
    if report.recurring:
        out.append('<h2 id="recurring">Recurring lessons</h2>')
        out.append('<table><thead><tr><th scope="col">Reviews</th><th scope="col">Years</th>'
                   '<th scope="col">Open</th><th scope="col">Lesson</th></tr></thead><tbody>')
        for group in report.recurring:
            out.append(f"<tr><td>{group['reviews']}</td><td>{escape(str(group['first']))} to "
                       f"{escape(str(group['last']))}</td><td>{group['open']} of "
                       f"{group['recommendations']}</td><td>{escape(group['text'])} "
                       f"({escape(group['representative'])})</td></tr>")
        out.append("</tbody></table>")
    for index, (name, recs) in enumerate(report.groups, start=1):
        out.append(f'<section class="group" aria-labelledby="group-{index}">')
        out.append(f'<h2 id="group-{index}">{escape(_label(report, name))} '
                   f'<span class="count">({len(recs)})</span></h2>')
        out.append('<table><thead><tr><th scope="col">No.</th><th scope="col">Recommendation</th>'
                   '<th scope="col">Addressed to</th><th scope="col">Status</th>'
                   '<th scope="col">Themes</th><th scope="col">Review</th></tr></thead><tbody>')
        for rec in recs:
            review = (f"{escape(rec['csp'])}, {escape(rec['published'] or 'undated')}<br>"
                      f"{escape(rec['review_id'])}")
            if _link(rec["source_url"]):
                review += f'<br><a href="{escape(rec["source_url"], quote=True)}">source</a>'
            text = "<br>".join(escape(line) for line in rec["text"].splitlines())
            out.append(f'<tr><td class="number">{escape(rec["number"])}</td><td>{text}</td>'
                       f"<td>{'<br>'.join(escape(a) for a in rec['agencies']) or 'no addressee'}</td>"
                       f"<td>{escape(rec['status'])}</td>"
                       f"<td>{escape(', '.join(rec['themes']) or 'none')}</td><td>{review}</td></tr>")
        out.append("</tbody></table></section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
