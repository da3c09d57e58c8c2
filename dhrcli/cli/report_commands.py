"""Commands that take the catalogue out: export, report, stats."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .base import cli, db_option, filter_options, output_options


@cli.command()
@filter_options
@click.option("--yaml", "as_yaml", is_flag=True,
              help="As review files: one YAML stream, or one file per review with -o.")
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False),
              help="With --yaml: write REVIEW_ID.yaml here for each review.")
@output_options
@db_option
def export(filters, as_yaml, folder, fmt, style, headers, where):
    """The catalogue, or the part the filters keep, as rows or as review files.

    As recommendation rows (--csv, the default; --tsv, --json, --nl; --excel for
    spreadsheets), written as they are read; or as review files (--yaml) that 'dhr import'
    reads back into the same catalogue: the reviews, their recommendations in order, the
    addressees as written, and the themes people gave.

    \b
    Example:
        dhr export --csv > all.csv
        dhr export --sector police --since 2020 --excel > police.csv
        dhr export --yaml -o reviews/
        dhr export --nl | gzip > catalogue.jsonl.gz
    """
    from ..datafiles import make_folder, save
    from ..output import write
    from ..queries import REC_COLUMNS
    from ..readers.yaml_reader import dump

    catalogue = where.open()
    if as_yaml:
        if fmt or style:
            raise click.UsageError("--yaml writes review files; leave out the row formats")
        count = 0
        for index, record in enumerate(catalogue.read.export_reviews(filters)):
            text = dump(record)
            if folder:
                make_folder(folder)
                save(Path(folder) / f"{record['id']}.yaml", text, catalogue.path)
            else:
                sys.stdout.write(("---\n" if index else "") + text)
            count += 1
        if folder:
            click.echo(f"dhr: wrote {count} review file{'s' if count != 1 else ''} to {folder}",
                       err=True)
        return
    if folder:
        raise click.UsageError("-o/--output goes with --yaml; redirect rows with '>'")
    if fmt is None and style is None:
        fmt = "csv"
    write(catalogue.read.recommendations(filters), REC_COLUMNS, fmt, style, headers)


@cli.command()
@click.option("--by", "by", type=click.Choice(["agency", "sector", "theme", "csp"]),
              default="agency", show_default=True, help="How to group the recommendations.")
@filter_options
@click.option("--html/--markdown", "as_html", default=False,
              help="One self-contained HTML file, or Markdown (the default).")
@click.option("-o", "--output", "target", type=click.Path(dir_okay=False),
              help="Write the report here (default: standard output).")
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
    if target:
        from ..datafiles import save

        save(target, text, catalogue.path)
        click.echo(f"dhr: wrote {target} ({len(built.groups)} groups)", err=True)
    else:
        sys.stdout.write(text)


@cli.command()
@click.option("--by", "by", type=click.Choice(["year", "death", "sector", "theme", "csp",
                                                "addressees"]),
              help="One breakdown (default: all of them).")
@click.option("--chart", "chart", type=click.Path(dir_okay=False), metavar="FILE.svg",
              help="Also write the breakdown (--by, default sector) as an SVG bar chart.")
@output_options
@db_option
def stats(by, chart, fmt, style, headers, where):
    """Recommendations and reviews by publication year, year of death, sector, theme and CSP,
    and how many addressees recommendations have.

    In the terminal each table has a bar column scaled to its width; --csv and --json give
    the figures (a row per group, with its breakdown).

    \b
    Example:
        dhr stats
        dhr stats --by theme --csv
        dhr stats --by sector --chart sectors.svg
    """
    from .. import charts
    from ..datafiles import save
    from ..output import terminal_width, write

    catalogue = where.open()
    names = {"year": "publication year", "death": "year of death", "sector": "sector",
             "theme": "theme", "csp": "CSP", "addressees": "addressees per recommendation"}
    chosen = [by] if by else list(catalogue.counts.STATS)
    tables = [(name, catalogue.counts.stats(name)) for name in chosen]
    if chart:
        name = by or "sector"
        rows = dict(tables).get(name) or catalogue.counts.stats(name)
        save(chart, charts.svg([(r["group"], r["recommendations"]) for r in rows],
                               f"Recommendations by {names[name]}"), catalogue.path)
        click.echo(f"dhr: wrote {chart}", err=True)
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
