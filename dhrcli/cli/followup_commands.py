"""Commands over follow-up: status (record what became of a recommendation), history, withdraw."""

from __future__ import annotations

import getpass

import click

from .base import cli, db_option, output_options


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
    _, rows = catalogue.read.history(reference, withdrawn=False)
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

    rec, rows = where.open().read.history(reference)
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
