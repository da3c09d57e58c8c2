"""Commands over reviews and recommendations: search, by-agency, reviews, show, info."""

from __future__ import annotations

import click

from .base import (RECORD_TABLE, SEARCH_TABLE, cli, crosstab_option, db_option, filter_options,
                   output_options)

@cli.command()
@click.argument("query")
@click.option("--raw", is_flag=True, help="Pass FTS5 syntax through: AND, OR, NOT, \"phrase\", "
                                          "prefix*, NEAR.")
@click.option("--exact", is_flag=True, help="Search only the words given, not their glossary "
                                            "synonyms.")
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="At most this many results; 0 for all.")
@output_options
@db_option
def search(query, raw, exact, filters, limit, fmt, style, headers, where):
    """Full-text search of recommendation text, best match first.

    Words are matched as typed, punctuation and all (POL-358, Clare's Law, A&E), with
    stemming: campaign also finds campaigns. Every word must match. A term in the glossary
    also finds its synonyms (DVDS finds Clare's Law); stderr says what was added, and --exact
    turns this off.

    \b
    Example:
        dhr search DVDS
        dhr search "Clare's Law" --csv
        dhr search DVDS --exact
        dhr search training --theme engagement --sector health-provider
        dhr search --raw 'GP NEAR(training, 5)' --since 2020
    """
    from ..queries import SEARCH_COLUMNS, QueryError
    from ..output import write
    from ..fts import to_match
    from .hints import RAW_HINT

    catalogue = where.open()
    expanded = []
    if raw:
        match = query
    else:
        expand = None if exact else catalogue.store.expansions
        match, expanded = to_match(query, expand)
    for group in expanded:
        click.echo(f"dhr: {group[0]!r} also searched as: " + ", ".join(group[1:]), err=True)
    rows = []
    if match is not None:
        try:
            rows = catalogue.read.search(match, filters, limit)
        except QueryError as error:
            if raw:
                raise click.ClickException(f"bad search query {query!r}: {error}. "
                                           f"Hint: {RAW_HINT}") from None
            rows = []
    else:
        click.echo(f"dhr: nothing to search for in {query!r}", err=True)
    write(rows, SEARCH_COLUMNS, fmt, style, headers, table_columns=SEARCH_TABLE)


@cli.command(name="by-agency")
@click.argument("name", metavar="[AGENCY]", required=False)
@filter_options(unsupported={"agency": "by-agency takes the agency as its argument"})
@crosstab_option("--by-theme", "theme", "agency", "AGENCY")
@click.option("--with-predecessors", is_flag=True,
              help="Also what was addressed to the bodies AGENCY took over from (a CCG for an "
                   "ICB), marked in the predecessor column.")
@output_options
@db_option
def by_agency(name, filters, crosstab, with_predecessors, fmt, style, headers, where):
    """The recommendations addressed to AGENCY (its name or any alias, in any case), by
    review and number.

    Without AGENCY, the filters choose the addressees: --sector police lists what was
    addressed to any police body, --national what was addressed to national bodies.
    'dhr agencies' lists the agencies themselves, with their counts.

    \b
    Example:
        dhr by-agency "Norfolk Constabulary" --csv
        dhr by-agency "Norfolk Constabulary" --theme training --since 2020
        dhr by-agency --sector police
        dhr by-agency --national --json
        dhr by-agency "NHS Norfolk and Waveney ICB" --with-predecessors
        dhr by-agency "Norfolk Constabulary" --by-theme
    """
    from ..queries import REC_COLUMNS, Filters
    from ..output import write

    if with_predecessors and name is None:
        raise click.UsageError("--with-predecessors needs an AGENCY")
    if name is None and not crosstab and filters == Filters():
        raise click.UsageError("name an AGENCY, or choose addressees with --sector or "
                               "--national/--local; 'dhr agencies' lists the agencies")
    catalogue = where.open()
    if crosstab:
        only = catalogue.names.agency_name(name) if name else None
        columns, rows = catalogue.counts.crosstab("theme", filters, only)
        write(rows, columns, fmt, style, headers)
        return
    filters.agency, filters.with_predecessors = name, with_predecessors
    columns = REC_COLUMNS + (["predecessor"] if with_predecessors else [])
    table = RECORD_TABLE + (["predecessor"] if with_predecessors else [])
    write(catalogue.read.recommendations(filters), columns, fmt, style, headers,
          table_columns=table)


@cli.command()
@filter_options
@output_options
@db_option
def reviews(filters, fmt, style, headers, where):
    """List the reviews in the catalogue, with their counts.

    With filters, the reviews that have a recommendation the filters keep, and the counts
    of those recommendations.

    \b
    Example:
        dhr reviews
        dhr reviews --csp Norfolk --since 2020
        dhr reviews --csv > reviews.csv
    """
    from ..output import write

    columns = ["review_id", "csp", "title", "review_type", "published", "year_of_death",
               "recommendations", "agencies"]
    write(where.open().read.reviews(filters), columns, fmt, style, headers)


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
    from ..queries import REC_COLUMNS, Filters
    from ..output import write, write_record

    catalogue = where.open()
    record = catalogue.read.review(review_id)
    rows = catalogue.read.recommendations(Filters(review=record["review_id"]))
    if fmt is None:
        write_record(record, None)
        click.echo()
        write(rows, REC_COLUMNS, None, style, headers,
              table_columns=["number", "text", "agencies", "status"])
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
    from ..output import write, write_record

    record = where.open().read.info()
    for key, path in (("aliases_file", where.aliases_path()), ("taxonomy_file", where.taxonomy_path())):
        if not path.is_file():
            record[key] += " (not created yet)"
    if record.get("themes") != "up to date":
        record["themes"] += "; run 'dhr retheme'"
    if fmt is None and style is None:
        write_record(record, None)
    else:
        write([record], list(record), fmt, style, headers)




@cli.command()
@click.option("--repair", is_flag=True,
              help="Rebuild what can be rebuilt: the full-text index, derived sectors and themes.")
@db_option
def check(repair, where):
    """Check the catalogue: SQLite's integrity, the full-text index, and the links between
    reviews, recommendations, agencies and themes. Exit 1 and list the problems if any.

    \b
    Example:
        dhr check
        dhr check --repair
    """
    from .. import checking
    from .hints import worded

    catalogue = where.open(write=repair, as_is=True)
    if repair:
        for line in checking.repair(catalogue.store, catalogue.links):
            click.echo(f"dhr: {line}", err=True)
    problems = checking.problems(catalogue.store)
    for line in problems:
        click.echo(f"{catalogue.path}: {worded(line)}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"dhr: {catalogue.path}: no problems found", err=True)
