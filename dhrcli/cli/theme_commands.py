"""Commands over themes: themes, by-theme, explain, tag, untag, retheme, glossary."""

from __future__ import annotations

import click

from .. import theming
from .base import (RECORD_TABLE, chart_option, cli, crosstab_option, db_option, filter_options,
                   output_options, write_counts)


@cli.command()
@filter_options(unsupported={"theme": "themes counts every theme; 'dhr by-theme THEME' lists "
                                       "the recommendations of one"})
@chart_option
@output_options
@db_option
def themes(filters, chart, fmt, style, headers, where):
    """Each theme with its recommendations, reviews and share of the recommendations the
    filters keep (all of them, without filters).

    share is the percent of those recommendations that have the theme; a recommendation
    may have several themes, or none.

    \b
    Example:
        dhr themes
        dhr themes --sector police --since 2020 --csv
        dhr themes --chart themes.svg
    """
    catalogue = where.open()
    write_counts(catalogue.counts.theme_counts(filters),
                 ["theme", "label", "recommendations", "reviews", "share"], chart,
                 "Recommendations by theme", catalogue, fmt, style, headers)


@cli.command(name="by-theme")
@click.argument("name", metavar="[THEME]", required=False)
@filter_options(unsupported={"theme": "by-theme takes the theme as its argument"})
@crosstab_option("--by-agency", "agency", "theme", "THEME")
@output_options
@db_option
def by_theme(name, filters, crosstab, fmt, style, headers, where):
    """The recommendations with THEME, by review and number.

    'dhr themes' counts the recommendations of every theme; --by-agency gives a cross-tab
    of agencies and themes instead.

    \b
    Example:
        dhr by-theme training --csv
        dhr by-theme justice-legal --sector police --since 2020
        dhr by-theme training --by-agency
        dhr by-theme --by-agency --national
    """
    from ..output import write
    from ..queries import REC_COLUMNS

    if name is None and not crosstab:
        raise click.UsageError("name a THEME; 'dhr themes' lists them with their counts")
    catalogue = where.open()
    if crosstab:
        only = catalogue.store.taxonomy.check(name) if name else None
        columns, rows = catalogue.counts.crosstab("agency", filters, only)
        write(rows, columns, fmt, style, headers)
    else:
        filters.theme = name
        write(catalogue.read.recommendations(filters), REC_COLUMNS, fmt, style, headers,
              table_columns=RECORD_TABLE)


@cli.command()
@click.argument("reference", metavar="REC")
@output_options
@db_option
def explain(reference, fmt, style, headers, where):
    """Why a recommendation has its themes: every signal that gave or blocked one.

    For each theme: the cue and the words of the text it matched, or the addressee that was
    the signal (a recommendation to a drug and alcohol service is about substance misuse), or
    that the review file or a person gave it. Matches that did not count are listed as
    blocked, with the not-cue that overlapped them or the companion words they lacked.

    REC is REVIEW_ID/NUMBER, such as norfolk-2023-04/13; where several recommendations of a
    review share a number, REVIEW_ID/NUMBER#2 is the second of them in the review file.

    \b
    Example:
        dhr explain norfolk-2023-04/13
        dhr explain norfolk-2023-04/13 --json
    """
    from ..output import write, write_record

    rec, rows = where.open().read.explanation(reference)
    rows = _sourced(rows)
    columns = ["theme", "source", "signal", "cue", "words"]
    if fmt is None:
        write_record({"recommendation": f"{rec['review_id']}/{rec['number']}", "text": rec["text"]},
                     None)
        click.echo()
        if all(row["source"] == "blocked" for row in rows):
            click.echo("No themes: no cue of the taxonomy matched, and no person gave one.")
            if not rows:
                return
    write(rows, columns, fmt, style, headers)


SOURCES = {"file": "the review file", "person": "a person (dhr tag)"}  # how explain words them


def _sourced(rows: list[dict]) -> list[dict]:
    return [{**row, "source": SOURCES.get(row["source"], row["source"])} for row in rows]


def _decide(reference, theme_names, action, where):
    catalogue = where.open(write=True)
    row = catalogue.names.recommendation_row(reference)
    theming.decide(catalogue.store, row, list(theme_names), action)
    _, rows = catalogue.read.explanation(f"{row['review_id']}/{row['number']}#{row['occurrence']}")
    now = sorted({r["theme"] for r in rows if r["source"] not in ("blocked", "removed by a person")})
    click.echo(f"dhr: {row['review_id']}/{row['number']} now has themes: "
               + (", ".join(now) or "none"), err=True)


@cli.command()
@click.argument("reference", metavar="REC")
@click.argument("theme_names", metavar="THEME...", nargs=-1, required=True)
@db_option
def tag(reference, theme_names, where):
    """Give a recommendation themes, as a person's judgement: it wins over the rules and
    outlives a re-import of the review and a change of taxonomy.

    \b
    Example:
        dhr tag norfolk-2023-04/4 specialist-services
    """
    _decide(reference, theme_names, "add", where)


@cli.command()
@click.argument("reference", metavar="REC")
@click.argument("theme_names", metavar="THEME...", nargs=-1, required=True)
@db_option
def untag(reference, theme_names, where):
    """Take themes off a recommendation, as a person's judgement (a rule's theme included):
    it stays off after a re-import of the review and a change of taxonomy.

    \b
    Example:
        dhr untag norfolk-2023-04/16 children
    """
    _decide(reference, theme_names, "remove", where)


@cli.command()
@db_option
def retheme(where):
    """Classify the whole catalogue again under the current taxonomy (the shipped one and your
    taxonomy file), keeping the themes review files and people gave. Says how many
    recommendations changed.

    \b
    Example:
        dhr retheme
        dhr retheme --taxonomy my-themes.yaml
    """
    catalogue = where.open(write=True)
    total = catalogue.read.info()["recommendations"]
    changed = theming.retheme(catalogue.store)
    click.echo(f"dhr: {changed} of {total} recommendations changed themes", err=True)


@cli.command()
@click.argument("term", required=False)
@output_options
@db_option
def glossary(term, fmt, style, headers, where):
    """The glossary: terms that mean the same, which search uses to widen a query.

    With TERM, only the group that holds it.

    \b
    Example:
        dhr glossary
        dhr glossary DVDS
    """
    from ..output import write

    taxonomy = where.open().store.taxonomy
    groups = taxonomy.glossary
    if term is not None:
        group = taxonomy.expansions(term)
        if group is None:
            raise click.ClickException(f"{term!r} is not in the glossary; 'dhr glossary' lists it")
        groups = [group]
    write(({"term": g[0], "means": g[1:]} for g in groups), ["term", "means"], fmt, style, headers)
