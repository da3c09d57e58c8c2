"""The command line: parse options, open the catalogue, call the core, render the rows.

No SQL and no file formats here; core errors (DhrError) become one-line messages, exit 1.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from . import __version__

RECORD_TABLE = ["review_id", "number", "text", "agencies"]
SEARCH_TABLE = ["rank", "review_id", "number", "snippet", "agencies"]
IMPORTABLE = (".yaml", ".yml", ".json")


class DhrGroup(click.Group):
    """Turns the core's errors into one line on stderr and exit 1, never a traceback."""

    def invoke(self, ctx):
        from .records import DhrError
        import sqlite3

        try:
            return super().invoke(ctx)
        except DhrError as error:
            raise click.ClickException(str(error)) from None
        except sqlite3.Error as error:
            raise click.ClickException(f"database error: {error}") from None


def db_option(command):
    return click.option(
        "-d", "--db", "db_path", envvar="DHR_DB", type=click.Path(dir_okay=False),
        help="The catalogue file (default: $DHR_DB, else the per-user file 'dhr info' shows).",
    )(command)


def output_options(command):
    """--csv/--tsv/--json/--nl/--fmt/--no-headers; passes `fmt`, `style`, `headers` on."""
    options = [
        click.option("--csv", "csv_", is_flag=True, help="Comma-separated values."),
        click.option("--tsv", is_flag=True, help="Tab-separated values."),
        click.option("--json", "json_", is_flag=True, help="One JSON array."),
        click.option("--nl", is_flag=True, help="JSON lines: one object per line."),
        click.option("--fmt", "style", metavar="STYLE",
                     help="A table in this tabulate style (github gives Markdown)."),
        click.option("--no-headers", is_flag=True, help="Leave out the header row."),
    ]

    @functools.wraps(command)
    def wrapper(*args, csv_, tsv, json_, nl, style, no_headers, **kwargs):
        chosen = [name for name, on in (("--csv", csv_), ("--tsv", tsv), ("--json", json_),
                                        ("--nl", nl), ("--fmt", style)) if on]
        if len(chosen) > 1:
            raise click.UsageError(f"choose one output format, not {' and '.join(chosen)}")
        if style:
            from tabulate import tabulate_formats

            if style not in tabulate_formats:
                raise click.UsageError(f"unknown --fmt style {style!r}; choose one of: "
                                       + ", ".join(sorted(tabulate_formats)))
        fmt = "csv" if csv_ else "tsv" if tsv else "json" if json_ else "nl" if nl else None
        return command(*args, fmt=fmt, style=style, headers=not no_headers, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def filter_options(command):
    options = [
        click.option("--agency", help="Only recommendations addressed to this agency."),
        click.option("--csp", help="Only reviews of this Community Safety Partnership."),
        click.option("--review", "review", metavar="REVIEW_ID", help="Only this review."),
        click.option("--since", type=int, metavar="YEAR", help="Published in or after YEAR."),
        click.option("--until", type=int, metavar="YEAR", help="Published in or before YEAR."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def open_catalogue(db_path: str | None, write: bool = False):
    from .catalogue import Catalogue, default_path

    return Catalogue(Path(db_path) if db_path else default_path(), write=write)


@click.group(cls=DhrGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dhr")
def cli():
    """Catalogue, search and export the recommendations of Domestic Homicide Reviews.

    \b
    Example:
        dhr import samples/norfolk.yaml
        dhr search DVDS
        dhr by-agency "Norfolk Constabulary" --csv
    """


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-q", "--quiet", is_flag=True, help="No warnings or summary on stderr.")
@db_option
def import_(files, quiet, db_path):
    """Import review files (YAML or JSON) into the catalogue.

    Each file is imported whole, in one transaction, or not at all: a file with any invalid
    review is rejected with one line per problem, and the files before and after it are still
    imported. Importing a file again updates its reviews in place. A folder imports every
    .yaml, .yml and .json file in it; - reads standard input.

    \b
    Example:
        dhr import samples/norfolk.yaml
        dhr import reviews/ more.yaml
        cat review.yaml | dhr import -
    """
    from .catalogue import ImportResult
    from .readers import read
    from .records import InputError

    catalogue = open_catalogue(db_path, write=True)
    total, imported, rejected = ImportResult(), 0, 0

    def say(line: str) -> None:
        click.echo(line, err=True)

    for where, data in _inputs(files):
        try:
            if isinstance(data, InputError):
                raise data
            result = catalogue.import_file(read(data, where), where)
        except InputError as error:
            rejected += 1
            for line in error.problems:
                say(line)
            continue
        imported += 1
        total.add(result)
        if not quiet:
            for line in result.warnings:
                say(line)
    catalogue.close()
    if not quiet or rejected:
        summary = (f"dhr: {imported} file{'s' if imported != 1 else ''} imported; reviews: "
                   f"{total.added} added, {total.updated} updated, {total.unchanged} unchanged; "
                   f"recommendations: {total.recommendations}")
        if rejected:
            summary += (f"; {rejected} file{'s' if rejected != 1 else ''} rejected "
                        f"(nothing from {'them' if rejected != 1 else 'it'} imported)")
        say(summary)
    if rejected:
        sys.exit(1)


def _inputs(names):
    """(name, bytes) for each file named, folders expanded; (name, InputError) if unreadable."""
    from .records import InputError

    for name in names:
        if name == "-":
            yield "<stdin>", sys.stdin.buffer.read()
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.suffix.lower() in IMPORTABLE and p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                yield name, InputError([f"{name}: no .yaml, .yml or .json files in this folder"])
            for file in found:
                yield from _read_file(file, str(file))
        else:
            yield from _read_file(path, name)


def _read_file(path: Path, name: str):
    from .records import InputError

    try:
        yield name, path.read_bytes()
    except OSError as error:
        yield name, InputError([f"{name}: cannot read this file ({error.strerror or error})"])


@cli.command()
@click.argument("query")
@click.option("--raw", is_flag=True, help="Pass FTS5 syntax through: AND, OR, NOT, \"phrase\", "
                                          "prefix*, NEAR.")
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="At most this many results; 0 for all.")
@output_options
@db_option
def search(query, raw, agency, csp, review, since, until, limit, fmt, style, headers, db_path):
    """Full-text search of recommendation text, best match first.

    Words are matched as typed, punctuation and all (POL-358, Clare's Law, A&E), with
    stemming: campaign also finds campaigns. Every word must match.

    \b
    Example:
        dhr search DVDS
        dhr search "Clare's Law" --csv
        dhr search --raw 'GP NEAR(training, 5)' --since 2020
    """
    from .catalogue import SEARCH_COLUMNS, Filters, QueryError
    from .output import write
    from .query import RAW_HINT, to_match

    match = query if raw else to_match(query)
    catalogue = open_catalogue(db_path)
    filters = Filters(agency=agency, csp=csp, review=review, since=since, until=until)
    rows = []
    if match is not None:
        try:
            rows = catalogue.search(match, filters, limit)
        except QueryError as error:
            if raw:
                raise click.ClickException(f"bad search query {query!r}: {error}. "
                                           f"Hint: {RAW_HINT}") from None
            rows = []
    else:
        click.echo(f"dhr: nothing to search for in {query!r}", err=True)
    write(rows, SEARCH_COLUMNS, fmt, style, headers, table_columns=SEARCH_TABLE)


@cli.command(name="by-agency")
@click.argument("agency", required=False)
@output_options
@db_option
def by_agency(agency, fmt, style, headers, db_path):
    """Recommendations by addressee.

    Without AGENCY: every agency with its number of recommendations and reviews, most first.
    With AGENCY (any case): every recommendation addressed to it, by review and number.

    \b
    Example:
        dhr by-agency
        dhr by-agency "Norfolk Constabulary" --csv
    """
    from .catalogue import REC_COLUMNS, Filters
    from .output import write

    catalogue = open_catalogue(db_path)
    if agency is None:
        write(catalogue.agency_counts(), ["agency", "recommendations", "reviews"], fmt, style,
              headers)
    else:
        write(catalogue.recommendations(Filters(agency=agency)), REC_COLUMNS, fmt, style,
              headers, table_columns=RECORD_TABLE)


@cli.command()
@output_options
@db_option
def reviews(fmt, style, headers, db_path):
    """List the reviews in the catalogue, with their counts.

    \b
    Example:
        dhr reviews
        dhr reviews --csv > reviews.csv
    """
    from .output import write

    columns = ["review_id", "csp", "title", "review_type", "published", "year_of_death",
               "recommendations", "agencies"]
    write(open_catalogue(db_path).reviews(), columns, fmt, style, headers)


@cli.command()
@click.argument("review_id")
@output_options
@db_option
def show(review_id, fmt, style, headers, db_path):
    """One review and its recommendations, in number order.

    The table shows the review's fields, then its recommendations; --csv, --json and the
    other formats give the recommendation rows.

    \b
    Example:
        dhr show norfolk-2023-04
        dhr show norfolk-2023-04 --json
    """
    from .catalogue import REC_COLUMNS, Filters
    from .output import write, write_record

    catalogue = open_catalogue(db_path)
    record = catalogue.review(review_id)
    rows = catalogue.recommendations(Filters(review=record["review_id"]))
    if fmt is None:
        write_record(record, None)
        click.echo()
        write(rows, REC_COLUMNS, None, style, headers, table_columns=["number", "text", "agencies"])
    else:
        write(rows, REC_COLUMNS, fmt, style, headers)


@cli.command()
@output_options
@db_option
def info(fmt, style, headers, db_path):
    """The catalogue in use: its path, schema version and counts.

    \b
    Example:
        dhr info
        DHR_DB=other.db dhr info --json
    """
    from .output import write, write_record

    record = open_catalogue(db_path).info()
    if fmt is None and style is None:
        write_record(record, None)
    else:
        write([record], list(record), fmt, style, headers)


def main() -> None:
    """The console script: as `cli`, always UTF-8, and quiet when the reader of stdout goes away."""
    for stream in (sys.stdout, sys.stderr):
        if (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")
    try:
        cli()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
