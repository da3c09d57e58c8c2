"""The command group, the options the commands share, and the console script.

No SQL and no file formats in this package; core errors (DhrError) become one-line messages,
exit 1. The commands live beside this module, one module per concern.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from .. import __version__
from ..sectors import SECTORS

RECORD_TABLE = ["review_id", "number", "text", "agencies", "themes"]
SEARCH_TABLE = ["rank", "review_id", "number", "snippet", "agencies"]


# Each command's module, so that a command loads only its own (a search does not import what
# import, reports or the web view need). tests/test_layout.py checks the list is whole.
COMMAND_MODULES = {
    "agency_commands": ("agencies", "sectors"),
    "followup_commands": ("history", "overdue", "plan", "status", "withdraw"),
    "input_commands": ("convert", "import", "validate"),
    "lesson_commands": ("recurring", "similar"),
    "records_commands": ("by-agency", "check", "info", "reviews", "search", "show"),
    "report_commands": ("export", "report", "stats"),
    "theme_commands": ("by-theme", "explain", "glossary", "retheme", "tag", "themes", "untag"),
    "web_commands": ("serve",),
}


def load_commands() -> dict:
    """Every command, loaded: `cli.commands`, whole (for help, docs and tests)."""
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{module}")
    return cli.commands


class DhrGroup(click.Group):
    """Turns the core's errors into one line on stderr and exit 1, never a traceback; loads a
    command's module when the command is asked for."""

    def get_command(self, ctx, name):
        if name not in self.commands:
            import importlib

            for module, names in COMMAND_MODULES.items():
                if name in names:
                    importlib.import_module(f"{__package__}.{module}")
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        load_commands()
        return super().list_commands(ctx)

    def invoke(self, ctx):
        from ..records import DhrError
        import sqlite3

        try:
            return super().invoke(ctx)
        except DhrError as error:
            from .hints import worded

            raise click.ClickException(worded(error)) from None
        except sqlite3.Error as error:
            from ..store import describe

            raise click.ClickException(describe(error)) from None
        except BrokenPipeError:
            raise
        except OSError as error:  # a file or folder the system would not open, make or write
            where = f"{error.filename}: " if error.filename else ""
            raise click.ClickException(f"{where}{error.strerror or error}") from None


class Where:
    """Which catalogue, aliases file and taxonomy a command works with, from --db, --aliases
    and --taxonomy."""

    def __init__(self, db: str | None, aliases: str | None, taxonomy: str | None):
        self.db, self.aliases, self.taxonomy = db, aliases, taxonomy

    def open(self, write: bool = False, scratch: bool = False, empty: bool = False,
             as_is: bool = False):
        """The catalogue; `scratch`, a copy of it in memory (`empty`: an empty one) that
        nothing is written from; `as_is`, its links as the file holds them."""
        from .. import paths
        from ..catalogue import Catalogue

        path = Path(os.devnull) if empty else Path(self.db) if self.db else paths.catalogue()
        catalogue = Catalogue(path, write=write, scratch=scratch, aliases=self.aliases_path(),
                              taxonomy=self.taxonomy_path(), as_is=as_is)
        catalogue.store.notice = lambda line: click.echo(f"dhr: {line}", err=True)
        if catalogue.relinked_in_memory:
            click.echo("dhr: the agency registry or your aliases file changed since the catalogue "
                       "was last written; this read applies them, and the next import (or 'dhr "
                       "check --repair') saves that", err=True)
        return catalogue

    def aliases_path(self) -> Path:
        from .. import paths

        return Path(self.aliases) if self.aliases else paths.aliases()

    def taxonomy_path(self) -> Path:
        from .. import paths

        return Path(self.taxonomy) if self.taxonomy else paths.taxonomy()


def db_option(command):
    """-d/--db, --aliases and --taxonomy on a command; passes `where` (a Where) on."""

    @functools.wraps(command)
    def wrapper(*args, db_path, aliases_path, taxonomy_path, **kwargs):
        return command(*args, where=Where(db_path, aliases_path, taxonomy_path), **kwargs)

    wrapper = click.option(
        "--taxonomy", "taxonomy_path", envvar="DHR_TAXONOMY", metavar="FILE",
        type=click.Path(dir_okay=False),
        help="Your themes and glossary file (default: $DHR_TAXONOMY, else the file 'dhr info' "
             "shows).",
    )(wrapper)
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
    """--csv/--tsv/--json/--nl/--fmt/--no-headers/--excel; passes `fmt` ("csv", "tsv",
    "csv+excel", "tsv+excel", "json", "nl" or None for a table), `style` and `headers` on."""
    options = [
        click.option("--csv", "csv_", is_flag=True, help="Comma-separated values."),
        click.option("--tsv", is_flag=True, help="Tab-separated values."),
        click.option("--json", "json_", is_flag=True, help="One JSON array."),
        click.option("--nl", is_flag=True, help="JSON lines: one object per line."),
        click.option("--fmt", "style", metavar="STYLE",
                     help="A table in this tabulate style (github gives Markdown)."),
        click.option("--no-headers", is_flag=True, help="Leave out the header row."),
        click.option("--excel", is_flag=True,
                     help="CSV for spreadsheets: UTF-8 with a byte-order mark, CRLF line ends, "
                          "and cells a spreadsheet would run as a formula made harmless "
                          "(implies --csv unless --tsv)."),
    ]

    @functools.wraps(command)
    def wrapper(*args, csv_, tsv, json_, nl, style, no_headers, excel, **kwargs):
        chosen = [name for name, on in (("--csv", csv_), ("--tsv", tsv), ("--json", json_),
                                        ("--nl", nl), ("--fmt", style)) if on]
        if len(chosen) > 1:
            raise click.UsageError(f"choose one output format, not {' and '.join(chosen)}")
        if excel and chosen and chosen[0] not in ("--csv", "--tsv"):
            raise click.UsageError(f"--excel is for CSV or TSV output, not {chosen[0]}")
        csv_ = csv_ or (excel and not tsv)
        if style:
            from ..output import tabulate_package

            tabulate_formats = tabulate_package().tabulate_formats
            if style not in tabulate_formats:
                raise click.UsageError(f"unknown --fmt style {style!r}; choose one of: "
                                       + ", ".join(sorted(tabulate_formats)))
        fmt = "csv" if csv_ else "tsv" if tsv else "json" if json_ else "nl" if nl else None
        if excel:
            fmt += "+excel"
        return command(*args, fmt=fmt, style=style, headers=not no_headers, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def filter_options(command=None, *, unsupported: dict[str, str] | None = None):
    """The filters every listing command takes; passes `filters` (a queries.Filters) on.

    `unsupported` maps a filter a command cannot take to why: the option stays (out of the
    help), and giving it is an error that says why, not "no such option"."""
    if command is None:
        return functools.partial(filter_options, unsupported=unsupported)
    unsupported = unsupported or {}
    options = [
        click.option("--agency", hidden="agency" in unsupported,
                     help="Only recommendations addressed to this agency (any name or alias)."),
        click.option("--sector", type=click.Choice(SECTORS), metavar="SECTOR",
                     hidden="sector" in unsupported,
                     help="Only recommendations addressed to an agency in this sector "
                          "('dhr sectors' lists them)."),
        click.option("--national/--local", "national", default=None,
                     hidden="national" in unsupported,
                     help="Only national recommendations (to a national body), or only local."),
        click.option("--theme", metavar="THEME", hidden="theme" in unsupported,
                     help="Only recommendations with this theme ('dhr themes' lists them)."),
        click.option("--csp", hidden="csp" in unsupported,
                     help="Only reviews of this Community Safety Partnership."),
        click.option("--review", "review", metavar="REVIEW_ID", hidden="review" in unsupported,
                     help="Only this review."),
        click.option("--since", type=click.IntRange(0, 9999), metavar="YEAR",
                     hidden="since" in unsupported, help="Published in or after YEAR."),
        click.option("--until", type=click.IntRange(0, 9999), metavar="YEAR",
                     hidden="until" in unsupported, help="Published in or before YEAR."),
        click.option("--status", multiple=True, metavar="open|closed|STATE",
                     callback=_statuses, hidden="status" in unsupported,
                     help="Only recommendations with an addressee in this state (open, closed, "
                          "or a status such as implemented); repeat for any of several."),
    ]

    @functools.wraps(command)
    def wrapper(*args, agency, sector, national, theme, csp, review, since, until, status,
                **kwargs):
        from ..queries import Filters

        given = dict(agency=agency, sector=sector, national=national, theme=theme, csp=csp,
                     review=review, since=since, until=until, status=status)
        for name, why in unsupported.items():
            if given[name] not in (None, ()):
                flag = "--national/--local" if name == "national" else f"--{name}"
                raise click.UsageError(f"{flag} is not for this command: {why}")
        return command(*args, filters=Filters(**given), **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _statuses(ctx, param, values):
    """--status values checked: open, closed, or a state of the follow-up vocabulary."""
    from ..followup import state
    from ..records import DhrError

    try:
        return tuple(v.lower() if v.lower() in ("open", "closed") else state(v) for v in values)
    except DhrError as error:
        raise click.BadParameter(str(error)) from None


def output_file_option(command):
    """-o/--output FILE, which means one thing on every command: write the output to this
    file (whole, or not at all) instead of standard output; passes `target` on."""

    def check(ctx, param, value):
        if value and Path(value).is_dir():
            instead = {"export": " (--yaml --folder DIR writes a file a review)",
                       "convert": " (--folder DIR writes a file a page)"}
            raise click.BadParameter(f"{value!r} is a folder; -o names the file to write"
                                     + instead.get(ctx.command.name, ""))
        return value

    return click.option("-o", "--output", "target", type=click.Path(), metavar="FILE",
                        callback=check, help="Write the output to FILE instead of standard "
                                             "output.")(command)


def crosstab_option(flag: str, rows: str, columns: str, only: str):
    """The flag that turns a list into a cross-tab of agencies and themes: a row per `rows`,
    a column per `columns` (just the one the argument `only` names, if given)."""
    return click.option(flag, "crosstab", is_flag=True,
                        help=f"A cross-tab: a row per {rows}, a column per {columns} (just "
                             f"{only} if given).")


def chart_option(command):
    """--chart FILE.svg; passes `chart` (the path or None) on."""
    return click.option("--chart", "chart", type=click.Path(dir_okay=False), metavar="FILE.svg",
                        help="Also write the counts as an SVG bar chart.")(command)


def write_counts(rows: list[dict], columns: list[str], chart: str | None, title: str, catalogue,
                 fmt, style, headers) -> None:
    """Rows of counts (the first column names each group) in the chosen format, and with
    --chart as a bar chart of their recommendations too."""
    from ..output import write

    if chart:
        save_chart(chart, [(row[columns[0]], row["recommendations"]) for row in rows], title,
                   catalogue.path)
    write(rows, columns, fmt, style, headers)


def save_chart(path: str, bars: list[tuple[str, int]], title: str, catalogue_path) -> None:
    """Write a bar chart (label, value) as SVG, and say so on stderr."""
    from .. import charts
    from ..datafiles import save

    save(path, charts.svg(bars, title), catalogue_path)
    click.echo(f"dhr: wrote {path}", err=True)


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


class _Closed:
    """Standard output when the shell closed it: commands that print nothing still work; one
    that prints fails with one line."""

    encoding = "utf-8"

    def write(self, text):
        import errno

        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self):
        pass

    def isatty(self):
        return False


def main() -> None:
    """The console script: as `cli`, always UTF-8, one line for arguments that are not text and
    for output that cannot be written, and quiet when the reader of stdout goes away."""
    if sys.stdout is None:
        sys.stdout = _Closed()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure") \
                and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8")
    for number, argument in enumerate(sys.argv[1:], start=1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            sys.stderr.write(f"Error: argument {number} is not UTF-8 text "
                             f"({argument.encode('utf-8', 'surrogateescape')!r})\n")
            sys.exit(2)
    try:
        cli()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except OSError as error:  # writing the output: a full disk, a closed stream
        sys.stderr.write(f"Error: cannot write the output ({error.strerror or error})\n")
        sys.exit(1)
