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
from .agencies import SECTORS

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


class Where:
    """Which catalogue and aliases file a command works on, from --db and --aliases."""

    def __init__(self, db: str | None, aliases: str | None):
        self.db, self.aliases = db, aliases

    def open(self, write: bool = False):
        from .catalogue import Catalogue, default_path

        return Catalogue(Path(self.db) if self.db else default_path(), write=write,
                         aliases=self.aliases_path())

    def aliases_path(self) -> Path:
        from .agencies import user_aliases_path

        return Path(self.aliases) if self.aliases else user_aliases_path()


def db_option(command):
    """-d/--db and --aliases on a command; passes `where` (a Where) on."""

    @functools.wraps(command)
    def wrapper(*args, db_path, aliases_path, **kwargs):
        return command(*args, where=Where(db_path, aliases_path), **kwargs)

    wrapper = click.option(
        "--aliases", "aliases_path", envvar="DHR_ALIASES", metavar="FILE",
        type=click.Path(dir_okay=False),
        help="Your agency aliases file (default: $DHR_ALIASES, else the file 'dhr info' shows).",
    )(wrapper)
    return click.option(
        "-d", "--db", "db_path", envvar="DHR_DB", type=click.Path(dir_okay=False),
        help="The catalogue file (default: $DHR_DB, else the per-user file 'dhr info' shows).",
    )(wrapper)


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
        click.option("--agency", help="Only recommendations addressed to this agency (any name "
                                      "or alias)."),
        click.option("--sector", type=click.Choice(SECTORS), metavar="SECTOR",
                     help="Only recommendations addressed to an agency in this sector "
                          "('dhr sectors' lists them)."),
        click.option("--national/--local", "national", default=None,
                     help="Only national recommendations (to a national body), or only local."),
        click.option("--csp", help="Only reviews of this Community Safety Partnership."),
        click.option("--review", "review", metavar="REVIEW_ID", help="Only this review."),
        click.option("--since", type=int, metavar="YEAR", help="Published in or after YEAR."),
        click.option("--until", type=int, metavar="YEAR", help="Published in or before YEAR."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


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
def import_(files, quiet, where):
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

    catalogue = where.open(write=True)
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
def search(query, raw, agency, sector, national, csp, review, since, until, limit, fmt, style,
           headers, where):
    """Full-text search of recommendation text, best match first.

    Words are matched as typed, punctuation and all (POL-358, Clare's Law, A&E), with
    stemming: campaign also finds campaigns. Every word must match.

    \b
    Example:
        dhr search DVDS
        dhr search "Clare's Law" --csv
        dhr search --raw 'GP NEAR(training, 5)' --since 2020
    """
    from .queries import SEARCH_COLUMNS, Filters, QueryError
    from .output import write
    from .query import RAW_HINT, to_match

    match = query if raw else to_match(query)
    catalogue = where.open()
    filters = Filters(agency=agency, sector=sector, national=national, csp=csp, review=review,
                      since=since, until=until)
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
@click.option("--sector", type=click.Choice(SECTORS), metavar="SECTOR",
              help="Only recommendations addressed to an agency in this sector.")
@click.option("--national/--local", "national", default=None,
              help="Only national recommendations (to a national body), or only local ones.")
@click.option("--with-predecessors", is_flag=True,
              help="Also what was addressed to the bodies AGENCY took over from (a CCG for an "
                   "ICB), marked in the predecessor column.")
@output_options
@db_option
def by_agency(agency, sector, national, with_predecessors, fmt, style, headers, where):
    """Recommendations by addressee.

    Without AGENCY: every agency with its sector, scope and number of recommendations and
    reviews, most first. With AGENCY (its name or any alias, in any case): every recommendation
    addressed to it, by review and number. --sector and --national/--local list the
    recommendations addressed to a sector, or to national or local bodies.

    \b
    Example:
        dhr by-agency
        dhr by-agency "Norfolk Constabulary" --csv
        dhr by-agency --sector police
        dhr by-agency --national --json
        dhr by-agency "NHS Norfolk and Waveney ICB" --with-predecessors
    """
    from .queries import REC_COLUMNS, Filters
    from .output import write

    if with_predecessors and agency is None:
        raise click.UsageError("--with-predecessors needs an AGENCY")
    catalogue = where.open()
    if agency is None and sector is None and national is None:
        write(catalogue.agency_counts(), ["agency", "sector", "scope", "recommendations", "reviews"],
              fmt, style, headers)
        return
    filters = Filters(agency=agency, with_predecessors=with_predecessors, sector=sector,
                      national=national)
    columns = REC_COLUMNS + (["predecessor"] if with_predecessors else [])
    table = RECORD_TABLE + (["predecessor"] if with_predecessors else [])
    write(catalogue.recommendations(filters), columns, fmt, style, headers, table_columns=table)


@cli.group(invoke_without_command=True)
@click.option("--sector", type=click.Choice(SECTORS), metavar="SECTOR",
              help="Only agencies in this sector.")
@click.option("--unmatched", is_flag=True,
              help="Only agencies the registry does not know (sector from name rules, or other).")
@output_options
@db_option
@click.pass_context
def agencies(ctx, sector, unmatched, fmt, style, headers, where):
    """The agencies in the catalogue, one row per body, and their aliases.

    Each addressee is matched to one canonical agency: case, white space, apostrophes,
    '&'/'and', a leading 'The' and a trailing 'Ltd' do not count, and the registry's aliases
    (shipped, then your aliases file) name the same body. 'matched' says where the sector came
    from: registry, user (your file), rules (the name rules) or other (no rule matched).

    \b
    Example:
        dhr agencies
        dhr agencies --unmatched
        dhr agencies alias "GM Police" "Greater Manchester Police"
        dhr agencies unalias "GM Police"
    """
    if ctx.invoked_subcommand is not None:
        return
    from .output import write

    columns = ["agency", "sector", "scope", "matched", "aliases", "spellings", "recommendations",
               "reviews"]
    write(where.open().agency_counts(sector, unmatched), columns, fmt, style, headers)


@agencies.command()
@click.argument("alias")
@click.argument("name")
@click.option("--sector", type=click.Choice(SECTORS), metavar="SECTOR",
              help="Also set the sector of NAME.")
@db_option
def alias(alias, name, sector, where):
    """Make ALIAS another name for the agency NAME, and re-link the catalogue at once.

    NAME may itself be any name or alias the registry knows; ALIAS then joins that body. The
    alias is kept in your aliases file (see 'dhr info'), which wins over the shipped registry.

    \b
    Example:
        dhr agencies alias "GM Police" "Greater Manchester Police"
        dhr agencies alias "Leeway" "Leeway Domestic Abuse and Violence Services" --sector specialist-da
    """
    from . import agencies as registry_file

    catalogue = where.open(write=True)
    known = catalogue.registry.lookup(name)
    target = known.name if known else " ".join(name.split())
    registry_file.save_alias(where.aliases_path(), alias, target, sector)
    changed = catalogue.relink()
    click.echo(f"dhr: {alias!r} now names {target!r} (in {where.aliases_path()}); "
               f"{changed} addressee link{'s' if changed != 1 else ''} changed", err=True)


@agencies.command()
@click.argument("alias")
@db_option
def unalias(alias, where):
    """Stop ALIAS naming an agency (yours, or a shipped one), and re-link the catalogue.

    \b
    Example:
        dhr agencies unalias "GM Police"
    """
    from . import agencies as registry_file

    catalogue = where.open(write=True)
    registry_file.drop_alias(where.aliases_path(), catalogue.registry, alias)
    changed = catalogue.relink()
    click.echo(f"dhr: {alias!r} is no longer an alias (in {where.aliases_path()}); "
               f"{changed} addressee link{'s' if changed != 1 else ''} changed", err=True)


@agencies.command(name="set-sector")
@click.argument("name")
@click.argument("sector", type=click.Choice(SECTORS), metavar="SECTOR")
@db_option
def set_sector(name, sector, where):
    """Give the agency NAME (any name or alias) the sector SECTOR, in your aliases file.

    For the bodies 'dhr agencies --unmatched' lists: a name the registry does not know and
    the name rules could not place.

    \b
    Example:
        dhr agencies set-sector "Harbour" specialist-da
    """
    from . import agencies as registry_file

    catalogue = where.open(write=True)
    known = catalogue.registry.lookup(name)
    target = known.name if known else catalogue.agency_name(name)
    registry_file.save_sector(where.aliases_path(), target, sector)
    catalogue.relink()
    click.echo(f"dhr: {target!r} is now in sector {sector} (in {where.aliases_path()})", err=True)


@cli.command()
@output_options
@db_option
def sectors(fmt, style, headers, where):
    """Recommendations, reviews and agencies per sector, most first.

    A recommendation addressed to agencies in two sectors counts in each. The sectors are
    those of the DHR literature (police, health-commissioner, health-provider, la-children,
    ...); 'dhr agencies --sector SECTOR' lists the agencies in one.

    \b
    Example:
        dhr sectors
        dhr sectors --csv
    """
    from .output import write

    write(where.open().sector_counts(), ["sector", "recommendations", "reviews", "agencies"], fmt,
          style, headers)


@cli.command()
@output_options
@db_option
def reviews(fmt, style, headers, where):
    """List the reviews in the catalogue, with their counts.

    \b
    Example:
        dhr reviews
        dhr reviews --csv > reviews.csv
    """
    from .output import write

    columns = ["review_id", "csp", "title", "review_type", "published", "year_of_death",
               "recommendations", "agencies"]
    write(where.open().reviews(), columns, fmt, style, headers)


@cli.command()
@click.argument("review_id")
@output_options
@db_option
def show(review_id, fmt, style, headers, where):
    """One review and its recommendations, in number order.

    The table shows the review's fields, then its recommendations; --csv, --json and the
    other formats give the recommendation rows.

    \b
    Example:
        dhr show norfolk-2023-04
        dhr show norfolk-2023-04 --json
    """
    from .queries import REC_COLUMNS, Filters
    from .output import write, write_record

    catalogue = where.open()
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
def info(fmt, style, headers, where):
    """The catalogue in use: its path, schema version and counts.

    \b
    Example:
        dhr info
        DHR_DB=other.db dhr info --json
    """
    from .output import write, write_record

    record = where.open().info()
    if not where.aliases_path().is_file():
        record["aliases_file"] += " (not created yet)"
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
