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


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--review", "review_id", required=True, metavar="REVIEW_ID",
              help="The review the action plan is for.")
@click.option("--date", "when", metavar="DATE",
              help="The date of an outcome that gives none (default: today).")
@click.option("--by", "by", metavar="NAME", help="Who records it (default: your user name).")
@click.option("--dry-run", is_flag=True, help="Say what would be recorded; record nothing.")
@db_option
def plan(files, review_id, when, by, dry_run, where):
    """Read an action plan - the Home Office template's table, from CSV, TSV or Excel (.xlsx) -
    into targets and status events of a review's recommendations.

    The columns are found by their headings (Recommendation, Lead agency, Target date, Date
    of completion and outcome, ...; renamed, reordered and extra ones are fine). Each row is
    matched to a recommendation by its number, else by its text; a row that matches none is
    reported with its sheet and row, never guessed. Its target date is recorded for its lead
    agency (or the whole recommendation), and its outcome, read as a status (the words read
    are printed), for the lead agency (or every addressee). Reading the same plan again adds
    nothing; an updated plan adds only what is new.

    \b
    Example:
        dhr plan action-plan.xlsx --review norfolk-2023-04
        dhr plan action-plan.csv --review norfolk-2023-04 --dry-run
    """
    import datetime
    import sys

    from .. import importing, plans, statuses
    from ..followup import date
    from ..readers.tables import rows
    from ..records import InputError, MAX_SIZE_MB, DhrError
    from .hints import worded

    try:
        day = date(when) if when else datetime.date.today().isoformat()
    except DhrError as error:
        raise click.BadParameter(str(error), param_hint="'--date'") from None
    catalogue = where.open(write=not dry_run, scratch=dry_run)
    catalogue.names.review_row(review_id)  # an unknown review: one line, before any file
    failed, skipped = 0, []
    for source in importing.find_sources(files, skipped):
        data = importing.load(source, skipped, MAX_SIZE_MB)
        if data is None:  # a file in a folder that is not a table
            continue
        try:
            if isinstance(data, InputError):
                raise data
            found, problems = plans.read(rows(data, source.name), source.name)
            if problems:
                raise InputError(problems)
            result = statuses.apply_plan(catalogue.store, review_id, found, day, by or _user())
        except InputError as error:
            failed += 1
            for line in error.problems:
                click.echo(worded(line), err=True)
            continue
        for line in result.unmatched:
            click.echo(f"{line}", err=True)
        for outcome, state in sorted(result.words.items()):
            click.echo(f"dhr: {source.name}: {outcome!r} read as {state}", err=True)
        would = "would add" if dry_run else "added"
        click.echo(f"dhr: {source.name}: {result.matched} rows matched ({result.by_text} by "
                   f"text), {len(result.unmatched)} unmatched; {would} {result.events} status "
                   f"event{'s' if result.events != 1 else ''}, {result.targets} target date"
                   f"{'s' if result.targets != 1 else ''}", err=True)
    if failed:
        sys.exit(1)
