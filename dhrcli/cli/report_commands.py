"""Commands that take the catalogue out: export, report, stats."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from .base import (cli, db_option, filter_options, output_file_option, output_options,
                   save_chart)


@cli.command()
@filter_options
@click.option("--yaml", "as_yaml", is_flag=True,
              help="As review files: one YAML stream, or one file per review with --folder.")
@click.option("--folder", type=click.Path(file_okay=False), metavar="DIR",
              help="With --yaml: write REVIEW_ID.yaml here for each review.")
@click.option("--events", is_flag=True,
              help="Rows of status events, one per event, in place of recommendation rows.")
@output_file_option
@output_options
@db_option
def export(filters, as_yaml, folder, events, target, fmt, style, headers, where):
    """The catalogue, or the part the filters keep, as rows or as review files.

    As recommendation rows (--csv, the default; --tsv, --json, --nl; --excel for
    spreadsheets), written as they are read; or as review files (--yaml) that 'dhr import'
    reads back into the same catalogue: the reviews, their recommendations in order, the
    addressees as written, the themes people gave, and each recommendation's target and
    status events. --events gives the status events as rows, one per event.

    \b
    Example:
        dhr export --csv > all.csv
        dhr export --sector police --since 2020 --excel -o police.csv
        dhr export --yaml --folder reviews/
        dhr export --nl | gzip > catalogue.jsonl.gz
    """
    from ..datafiles import make_folder, save
    from ..output import write
    from ..queries import REC_COLUMNS
    from ..readers.yaml_reader import dump

    catalogue = where.open()
    if folder and target:
        raise click.UsageError("choose --folder (a file per review) or -o (one file), not both")
    if as_yaml and events:
        raise click.UsageError("--yaml carries the status events already; leave out --events")
    if as_yaml:
        if fmt or style:
            raise click.UsageError("--yaml writes review files; leave out the row formats")
        records = catalogue.read.export_reviews(filters)
        if not folder:
            _write(target, "".join(("---\n" if index else "") + dump(record)
                                   for index, record in enumerate(records)), catalogue.path)
            return
        count = 0
        for record in records:
            make_folder(folder)
            save(Path(folder) / f"{record['id']}.yaml", dump(record), catalogue.path)
            count += 1
        click.echo(f"dhr: wrote {count} review file{'s' if count != 1 else ''} to {folder}",
                   err=True)
        return
    if folder:
        raise click.UsageError("--folder goes with --yaml; write rows to one file with -o")
    if fmt is None and style is None:
        fmt = "csv"
    if events:
        rows, columns = catalogue.tracking.events(filters), catalogue.tracking.EVENT_COLUMNS
    else:
        rows, columns = catalogue.read.recommendations(filters), REC_COLUMNS
    if target:
        text = io.StringIO(newline="")
        write(rows, columns, fmt, style, headers, out=text)
        _write(target, text.getvalue(), catalogue.path)
    else:
        write(rows, columns, fmt, style, headers)


def _write(target: str | None, text: str, catalogue_path) -> None:
    """The text to the -o file (whole, or not at all), else to standard output."""
    if target:
        from ..datafiles import save

        save(target, text, catalogue_path)
        click.echo(f"dhr: wrote {target}", err=True)
    else:
        sys.stdout.write(text)


@cli.command()
@click.option("--by", "by", type=click.Choice(["agency", "sector", "theme", "csp"]),
              default="agency", show_default=True, help="How to group the recommendations.")
@filter_options
@click.option("--html/--markdown", "as_html", default=False,
              help="One self-contained HTML file, or Markdown (the default).")
@output_file_option
@db_option
def report(by, filters, as_html, target, where):
    """A briefing pack: the recommendations grouped by agency, sector, theme or CSP.

    It opens with what was selected and when, the headline counts (reviews, recommendations,
    agencies, dates, national share) and a bar chart of the groups, then has a section per
    group, largest first, with each recommendation, its addressees, themes and review. The
    HTML is one file: inline CSS and SVG, no scripts, nothing fetched, with page breaks
    between groups when printed.

    \b
    Example:
        dhr report --by agency > briefing.md
        dhr report --by theme --sector police --html -o police.html
    """
    from .. import report as reports

    catalogue = where.open()
    built = reports.build(catalogue, by, filters, filters.describe())
    text = reports.html(built) if as_html else reports.markdown(built)
    _write(target, text, catalogue.path)


def _breakdown(ctx, param, value):
    """--by: one of Counts.STATS; sectors and themes have commands of their own."""
    from ..counts import Counts

    if value in ("sector", "theme"):
        raise click.BadParameter(f"'dhr {value}s' gives the counts per {value}, with the same "
                                 f"filters and --chart")
    if value is not None and value not in Counts.STATS + ("status",):
        raise click.BadParameter(f"{value!r} is not one of {', '.join(Counts.STATS)}, status")
    return value


@cli.command()
@click.option("--by", "by", callback=_breakdown, metavar="[year|death|csp|addressees|status]",
              help="One breakdown (default: all of them but status).")
@click.option("--per", type=click.Choice(["agency", "sector", "csp", "year"]),
              help="With --by status: a row per agency, sector, CSP or year of publication.")
@filter_options
@click.option("--chart", "chart", type=click.Path(dir_okay=False), metavar="FILE.svg",
              help="Also write the breakdown (--by, default year) as an SVG bar chart.")
@output_options
@db_option
def stats(by, per, filters, chart, fmt, style, headers, where):
    """Recommendations and reviews by publication year, year of death and CSP, and how many
    addressees recommendations have, among those the filters keep. 'dhr sectors' and 'dhr
    themes' count sectors and themes.

    In the terminal each table has a bar column scaled to its width; --csv and --json give
    the figures (a row per group, with its breakdown). --by status counts the
    (recommendation, addressee) pairs by their current status, with each status's share,
    overall or --per agency, sector, CSP or year.

    \b
    Example:
        dhr stats
        dhr stats --by csp --csv
        dhr stats --by year --sector police --chart police-years.svg
        dhr stats --by status --per sector --national
    """
    from .. import charts
    from ..output import terminal_width, write

    if per and by != "status":
        raise click.UsageError("--per goes with --by status")
    catalogue = where.open()
    if by == "status":
        if chart:
            raise click.UsageError("--chart draws the other breakdowns; --by status is a table")
        columns, rows = catalogue.tracking.by_status(per, filters)
        if fmt is None:  # a table: each status's count and share in one cell, to fit
            shown = [c for c in columns if not c.endswith("_pct")]
            rows = [{**row, **{c: f"{row[c]} ({row[c + '_pct']}%)" for c in shown[2:]}}
                    for row in rows]
            columns = shown
        write(rows, columns, fmt, style, headers)
        return
    names = {"year": "publication year", "death": "year of death", "csp": "CSP",
             "addressees": "addressees per recommendation"}
    chosen = [by] if by else list(catalogue.counts.STATS)
    tables = [(name, catalogue.counts.stats(name, filters)) for name in chosen]
    if chart:
        name = by or "year"
        save_chart(chart, [(r["group"], r["recommendations"]) for r in dict(tables)[name]],
                   f"Recommendations by {names[name]}", catalogue.path)
    if fmt is not None:
        write(({"breakdown": name, **row} for name, rows in tables for row in rows),
              ["breakdown", "group", "recommendations", "reviews"], fmt, style, headers)
        return
    for index, (name, rows) in enumerate(tables):
        if index:
            click.echo()
        click.echo(f"By {names[name]}:")
        largest = max((r["recommendations"] for r in rows), default=0)
        label_width = max((len(r["group"]) for r in rows), default=5)
        room = max(10, terminal_width() - min(label_width, 40) - 40)
        for row in rows:
            row["bar"] = charts.bar(row["recommendations"], largest, room)
        write(rows, ["group", "recommendations", "reviews", "bar"], None, style or "simple",
              headers)
