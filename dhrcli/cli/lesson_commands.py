"""Commands over recurring lessons: similar, recurring."""

from __future__ import annotations

import click

from .base import RECORD_TABLE, cli, db_option, filter_options, output_options


@cli.command()
@click.argument("reference", metavar="REC")
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=10, show_default=True,
              help="At most this many; 0 for all.")
@output_options
@db_option
def similar(reference, filters, limit, fmt, style, headers, where):
    """The recommendations of other reviews most like REC, best first, with a score (0 to 1)
    and the words that made them alike.

    Alike means sharing what is asked, weighted by how rare the words are in the catalogue;
    glossary terms count as one (DVDS = Clare's Law), pairs of neighbouring words count more
    than words apart, and the names of the addressees and the CSP do not count. 'dhr recurring' groups the ones that say the same thing.

    \b
    Example:
        dhr similar norfolk-2023-04/5
        dhr similar norfolk-2023-04/5 --since 2020 --json
    """
    from ..output import write
    from ..queries import REC_COLUMNS

    rows = where.open().recurrence.similar(reference, filters, limit)
    write(rows, ["score", "alike"] + REC_COLUMNS, fmt, style, headers,
          table_columns=["score", "review_id", "number", "text", "alike"])


@cli.command()
@click.option("--min-reviews", type=click.IntRange(min=2), default=3, show_default=True,
              metavar="N", help="Only lessons repeated by at least N reviews.")
@click.option("--members", is_flag=True, help="List each group's recommendations too.")
@filter_options
@output_options
@db_option
def recurring(min_reviews, members, filters, fmt, style, headers, where):
    """Lessons that reviews keep repeating: groups of recommendations from different reviews
    that say the same thing, most repeated first.

    A group is led by the recommendation most like others; every member is like the lead (one
    member a review). For each group: the lead, how many recommendations, reviews and CSPs, the first and last year, the agencies and sectors addressed, how many are still
    open, and the words that tie it together. --members lists the recommendations of each;
    --csv and --json give a row per member, with its group.

    \b
    Example:
        dhr recurring
        dhr recurring --min-reviews 2 --members
        dhr recurring --sector health-provider --since 2020 --csv
    """
    from ..output import write
    from ..queries import REC_COLUMNS

    groups = where.open().recurrence.recurring(filters, min_reviews)
    summary = ["group", "reviews", "recommendations", "csps", "first", "last", "open",
               "representative", "text", "agencies", "sectors", "alike"]
    if fmt is not None:
        write(({"group": g["group"], "representative": g["representative"], **m}
               for g in groups for m in g["members"]),
              ["group", "representative"] + REC_COLUMNS, fmt, style, headers)
        return
    if not members:
        write(groups, summary, None, style, headers,
              table_columns=["group", "reviews", "first", "last", "open", "text"])
        return
    for index, group in enumerate(groups):
        if index:
            click.echo()
        click.echo(f"Group {group['group']}: {group['reviews']} reviews, {group['first']} to "
                   f"{group['last']}, {group['open']} open; alike in: {', '.join(group['alike'])}")
        write(group["members"], REC_COLUMNS, None, style, headers, table_columns=RECORD_TABLE)
