"""Commands that read review files and pages: import, validate, convert."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..records import MAX_SIZE_MB
from .base import cli, db_option, output_file_option


def _say(line: str) -> None:
    from .hints import worded

    click.echo(worded(line), err=True)


class _Progress:
    """A progress bar on stderr while many files are read, only when stderr is a terminal."""

    def __init__(self, count: int, quiet: bool):
        self.bar = None
        if not quiet and count > 3 and sys.stderr.isatty():
            self.bar = click.progressbar(length=count, label="importing", file=sys.stderr)

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def step(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def say(self, line: str) -> None:
        """A line on stderr above the bar (the bar is drawn again at the next step)."""
        if self.bar is not None:
            sys.stderr.write("\r\x1b[K")
        _say(line)


def max_size_option(command):
    return click.option(
        "--max-size", "max_size", type=click.IntRange(1), default=MAX_SIZE_MB, show_default=True,
        metavar="MB", help="The most dhr reads from one input, in megabytes.")(command)


def _run(catalogue, files, quiet: bool, replace: bool = False, max_size: int = MAX_SIZE_MB):
    """Import (or, on a scratch catalogue, try) the files, saying on stderr what happened to
    each: the one path of import, import --dry-run and validate. Returns the Summary."""
    from .. import importing

    summary = importing.Summary()
    sources = importing.find_sources(files, summary.skipped)
    with _Progress(len(sources), quiet) as progress:
        for outcome in importing.import_sources(catalogue, sources, summary, replace,
                                                step=progress.step, limit_mb=max_size):
            for line in outcome.problems:
                progress.say(line)
            result = outcome.result
            if result is None or quiet:
                continue
            name = outcome.name
            for line in result.warnings + [f"{name}: {change}" for change in result.changes]:
                progress.say(line)
            if result.uncertain:
                progress.say(f"{name}: {result.uncertain} uncertain text/addressee split"
                     f"{'s' if result.uncertain != 1 else ''}: check them with 'dhr convert "
                     f"{name}'")
    catalogue.close()
    return summary


def _counts(summary, failed: str = "failed") -> str:
    total = summary.total
    return (f"{summary.failed} {failed}, {len(summary.skipped)} skipped; reviews: {total.added} "
            f"added, {total.updated} updated, {total.unchanged} unchanged; recommendations: "
            f"{total.recommendations}"
            + (f"; status events: {total.events} added" if total.events else ""))


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-q", "--quiet", is_flag=True, help="No warnings, progress or summary on stderr.")
@click.option("--dry-run", is_flag=True,
              help="Read and check everything and report what would change; write nothing.")
@click.option("--replace", is_flag=True,
              help="Let a review without an id replace most of the recommendations of the "
                   "review it matches (by default that is refused as likely another review).")
@max_size_option
@db_option
def import_(files, quiet, dry_run, replace, max_size, where):
    """Import review files and library pages into the catalogue.

    Reads review files (YAML, JSON or JSON lines, CSV or TSV as dhr writes them), DHR
    library summary pages (plain text, Markdown or saved HTML), and overview reports as PDF
    or Word (with the extra dhr[documents]; REPORT.pdf.yaml beside one gives the review's
    fields it does not state). A folder imports every such file below it; - reads standard input. Each file is imported whole, in one transaction,
    or not at all: a file with any invalid review is rejected with one line per problem, and
    the other files are still imported. Importing a file again updates its reviews in place
    and says what changed. A review without an id that would replace most of the
    recommendations of the review it matches is refused (it is likely another review) unless
    you say --replace. --dry-run does all of it on a copy in memory and writes nothing.

    \b
    Example:
        dhr import samples/norfolk.yaml
        dhr import reviews/ more.yaml
        dhr import page.txt --dry-run
        cat review.yaml | dhr import -
    """
    catalogue = where.open(write=not dry_run, scratch=dry_run)
    summary = _run(catalogue, files, quiet, replace, max_size)
    if not quiet or summary.failed:
        verb = "would be imported (dry run: nothing written)" if dry_run else "imported"
        _say(f"dhr: {summary.imported} file{'s' if summary.imported != 1 else ''} {verb}, "
             + _counts(summary))
    if summary.failed:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-q", "--quiet", is_flag=True, help="Only the problems, no summary.")
@max_size_option
@db_option
def validate(files, quiet, max_size, where):
    """Check review files and pages as an import would: exit 1 on any problem.

    Runs the very import that 'dhr import --dry-run' runs - fields, dates, numbers, themes
    against the taxonomy, a page's stated count, a review twice, a review that would replace
    another - on an empty catalogue in memory, or on a copy in memory of the catalogue you name
    with --db (or $DHR_DB), so that the checks that depend on it run too. Nothing is written
    anywhere.

    \b
    Example:
        dhr validate reviews/
        dhr validate page.txt review.yaml
        dhr validate --db dhr.db new-review.yaml
    """
    catalogue = where.open(scratch=True, empty=where.db is None)
    summary = _run(catalogue, files, quiet, max_size=max_size)
    if not quiet:
        valid = summary.imported
        _say(f"dhr: {valid} file{'s' if valid != 1 else ''} valid, "
             + _counts(summary, "with problems"))
    if summary.failed:
        sys.exit(1)


@cli.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--folder", type=click.Path(file_okay=False), metavar="DIR",
              help="Write NAME.yaml here for each page (default: one YAML stream).")
@output_file_option
@max_size_option
@db_option
def convert(pages, folder, target, max_size, where):
    """Turn library summary pages (or any input dhr reads) into review files.

    Each page becomes a review file ready for 'dhr import', with a '# check:' comment above
    every recommendation whose split between text and addressee was uncertain, so that a
    person can check and correct it first. Names already in the catalogue and the registry
    help the split.

    \b
    Example:
        dhr convert page.txt > norfolk.yaml
        dhr convert page.txt -o norfolk.yaml
        dhr convert pages/ --folder reviews/
    """
    from .. import importing
    from ..datafiles import make_folder, save
    from ..readers import read
    from ..readers.yaml_reader import dump
    from ..building import build_review
    from ..records import InputError

    if folder and target:
        raise click.UsageError("choose --folder (a file per page) or -o (one file), not both")
    catalogue = where.open()
    known, first_words = catalogue.links.name_index()
    skipped: list = []
    failed = written = 0
    documents = []
    for source in importing.find_sources(pages, skipped):
        name, data = source.name, importing.load(source, skipped, max_size)
        if data is None:
            continue
        try:
            if isinstance(data, InputError):
                raise data
            for raw in read(data, name, known, first_words):
                review, problems, _ = build_review(raw, name)
                if review is None:
                    raise InputError(problems)
                comments = {index: f"check: {note}" for index, note in raw.notes if index is not None}
                notes = [note for index, note in raw.notes if index is None]
                header = f"Converted by dhr from {name}." + "".join(f"\nnote: {n}" for n in notes)
                if raw.uncertain:
                    header += (f"\n{raw.uncertain} uncertain text/addressee split"
                               f"{'s' if raw.uncertain != 1 else ''}: see the '# check:' lines")
                documents.append((name, dump(review.as_dict(), comments, header)))
        except InputError as error:
            failed += 1
            for line in error.problems:
                _say(line)
    if folder:
        make_folder(folder)
        used: set[str] = set()
        for name, text in documents:
            stem = Path(name).stem if name != "<stdin>" else "stdin"
            target, n = Path(folder) / f"{stem}.yaml", 1
            while target.name in used:
                n += 1
                target = Path(folder) / f"{stem}-{n}.yaml"
            used.add(target.name)
            save(target, text, catalogue.path)
            written += 1
            _say(f"dhr: wrote {target}")
    elif target:
        save(target, "---\n".join(text for _, text in documents), catalogue.path)
        _say(f"dhr: wrote {target}")
    else:
        click.echo("---\n".join(text for _, text in documents), nl=False)
    if failed:
        sys.exit(1)
