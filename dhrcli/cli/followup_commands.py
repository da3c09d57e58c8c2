"""Commands over follow-up: status (record what became of a recommendation), history, withdraw."""

from __future__ import annotations

import getpass

import click

from .base import cli, db_option, filter_options, output_options


@cli.command()
@click.argument("reference", metavar="REC")
@click.argument("status_word", metavar="STATUS")
@click.option("--agency", "agencies", multiple=True, metavar="NAME",
              help="The addressee it is about (any name or alias); repeat for several. "
                   "Default: every addressee of the recommendation.")
@click.option("--date", "when", metavar="DATE", required=True,
              help="When it became true (2024-02-10, or 10/02/2024), not when it is typed.")
@click.option("--note", help="What happened, in a few words.")
@click.option("--evidence", metavar="LINK", help="A link or reference to the evidence.")
@click.option("--by", "by", metavar="NAME", help="Who records it (default: your user name).")
@db_option
def status(reference, status_word, agencies, when, note, evidence, by, where):
    """Record what became of a recommendation, for one, several or all of its addressees.

    Every change is kept as a dated event: the current status of an addressee is its latest
    event by date. A correction is a new event; one recorded by mistake can be withdrawn
    ('dhr withdraw'). STATUS is one of: awaiting-response, accepted, in-progress,
    partly-implemented (open); implemented, already-in-place, not-implemented, not-accepted,
    superseded, no-longer-applicable (closed).

    \b
    Example:
        dhr status norfolk-2023-04/2 implemented --date 2024-02-10 --note "New DVDS leaflet"
        dhr status norfolk-2023-04/4 in-progress --agency Leeway --date 2023-09-01
        dhr history norfolk-2023-04/4
    """
    from .. import statuses

    catalogue = where.open(write=True)
    rec = catalogue.names.recommendation_row(reference)
    written = statuses.chosen(catalogue.store, rec, list(agencies))
    statuses.record(catalogue.store, rec, written, status_word, when, note, evidence,
                    by or _user(), "dhr status")
    _, rows = catalogue.tracking.history(reference, withdrawn=False)
    for name in written:
        latest = [row for row in rows if row["addressee"] == name][-1]
        click.echo(f"dhr: {rec['review_id']}/{rec['number']}: {name or 'the recommendation'}: "
                   f"now {latest['status']} (since {latest['date']})", err=True)


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name to be had (a container with no passwd entry)
        return None


@cli.command()
@click.argument("reference", metavar="REC")
@output_options
@db_option
def history(reference, fmt, style, headers, where):
    """The status events of a recommendation: per addressee, in date order, withdrawn ones
    included (marked).

    \b
    Example:
        dhr history norfolk-2023-04/4
        dhr history norfolk-2023-04/4 --json
    """
    from ..output import write

    rec, rows = where.open().tracking.history(reference)
    columns = ["event", "addressee", "status", "date", "note", "evidence", "recorded_by",
               "source", "recorded_at", "withdrawn_at"]
    if fmt is None and not rows:
        click.echo(f"dhr: {rec['review_id']}/{rec['number']}: no status recorded (awaiting-response)",
                   err=True)
        return
    write(rows, columns, fmt, style, headers,
          table_columns=["event", "addressee", "status", "date", "note", "withdrawn_at"])


@cli.command()
@click.argument("event", type=click.IntRange(min=1))
@db_option
def withdraw(event, where):
    """Withdraw a status event recorded by mistake: it is kept, marked withdrawn, and no longer
    counts. EVENT is the number 'dhr history' shows.

    \b
    Example:
        dhr withdraw 12
    """
    from .. import statuses

    row = statuses.withdraw(where.open(write=True).store, event)
    click.echo(f"dhr: withdrew event {event} ({row['review']}/{row['number']}: "
               f"{row['addressee'] or 'the recommendation'}: {row['status']} on {row['date']})",
               err=True)


@cli.command()
@click.option("--as-of", "as_of", metavar="DATE", help="The day to judge on (default: today).")
@click.option("--no-response-after", "months", type=click.IntRange(1, 1200), default=6,
              show_default=True, metavar="MONTHS",
              help="An addressee never heard from this long after publication is listed as "
                   "'no response'.")
@filter_options
@output_options
@db_option
def overdue(as_of, months, filters, fmt, style, headers, where):
    """The open items past their target, and those with no response at all, most overdue
    first, with the days overdue: per (recommendation, addressee), for an agency, sector, CSP
    or nationally (the filters).

    An item is past target when its addressee's state is open and its target date (the
    review file's 'target:') has passed; it has no response when nothing was ever recorded
    for it MONTHS after the review was published. An addressee taken over by another body by
    then (a CCG by its ICB) names it in the successor column; --agency SUCCESSOR includes
    what was addressed to the bodies it took over from.

    \b
    Example:
        dhr overdue
        dhr overdue --as-of 2025-01-01 --national
        dhr overdue --agency "NHS Norfolk and Waveney ICB" --csv
    """
    import datetime

    from ..followup import date
    from ..output import write
    from ..records import DhrError

    try:
        day = date(as_of) if as_of else datetime.date.today().isoformat()
    except DhrError as error:
        raise click.BadParameter(str(error), param_hint="'--as-of'") from None
    if filters.agency:
        filters.with_predecessors = True
    catalogue = where.open()
    rows = catalogue.tracking.overdue(filters, day, months)
    write(rows, catalogue.tracking.OVERDUE_COLUMNS, fmt, style, headers,
          table_columns=["review_id", "number", "addressee", "status", "reason", "days_overdue"])
