"""Commands that read review files and pages: import, validate, convert."""

from __future__ import annotations

import glob
import os
import sys
from pathlib import Path

import click

from .base import cli, db_option


def _say(line: str) -> None:
    click.echo(line, err=True)


def _sources(names, skipped: list) -> list[tuple[str, object, bool]]:
    """(name, source, found in a folder) for each input named - files, folders (every
    supported file below them), globs and - for stdin - without reading any of them yet. A
    source is a Path, "-", or an InputError for one that cannot be read."""
    from ..readers import SUPPORTED
    from ..records import InputError

    found: list[tuple[str, object, bool]] = []
    for name in names:
        if name == "-":
            found.append(("<stdin>", "-", False))
            continue
        path = Path(name)
        if not path.exists() and any(c in name for c in "*?["):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                found.append((name, InputError([f"{name}: no files match this pattern"]), False))
            found.extend(_sources(matches, skipped))
            continue
        if path.is_dir():
            files = []
            for root, dirs, names_here in os.walk(path):  # does not follow links to folders
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in sorted(names_here):
                    full = Path(root) / file
                    if not file.startswith("."):
                        (files if full.suffix.lower() in SUPPORTED else skipped).append(full)
            if not files:
                found.append((name, InputError([f"{name}: no review files in this folder (it "
                                                f"reads {', '.join(SUPPORTED)})"]), False))
            found.extend((str(file), file, True) for file in files)
        else:
            found.append((name, path, False))
    return found


def _load(name: str, source, in_folder: bool, skipped: list):
    """The bytes of one source, an InputError, or None for a folder's file that is not a
    review file or page (counted in `skipped`)."""
    from ..readers import wanted
    from ..records import InputError

    if isinstance(source, InputError):
        return source
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        data = source.read_bytes()
    except OSError as error:
        return InputError([f"{name}: cannot read this file ({error.strerror or error})"])
    if in_folder and not wanted(data, name):
        skipped.append(source)
        return None
    return data


def _inputs(names, skipped: list):
    """(name, bytes or InputError) for each input, read one at a time."""
    for name, source, in_folder in _sources(names, skipped):
        data = _load(name, source, in_folder, skipped)
        if data is not None:
            yield name, data


def _prepared(sources, skipped: list, catalogue, parallel: bool):
    """(name, bytes or InputError, prepared or None) for each source, in order. With
    `parallel` and more than one core, a second process reads and classifies the next file
    while the caller imports this one (prepared: what pipeline.prepare returns); one file is
    read ahead at most, so memory stays bounded."""
    if not parallel or (os.cpu_count() or 1) < 2:
        for name, source, in_folder in sources:
            data = _load(name, source, in_folder, skipped)
            if data is not None:
                yield name, data, None
        return
    from concurrent.futures import ProcessPoolExecutor

    from .. import pipeline

    with ProcessPoolExecutor(1, initializer=pipeline.start,
                             initargs=(catalogue.known_names(), catalogue.taxonomy_path)) as pool:
        waiting = None
        for name, source, in_folder in sources:
            data = _load(name, source, in_folder, skipped)
            if data is None:
                continue
            job = (name, data, pool.submit(pipeline.prepare, data, name)
                   if isinstance(data, bytes) else None)
            if waiting is not None:
                yield waiting[0], waiting[1], waiting[2].result() if waiting[2] else None
            waiting = job
        if waiting is not None:
            yield waiting[0], waiting[1], waiting[2].result() if waiting[2] else None


def _with_progress(items: list, quiet: bool):
    """The items, with a progress bar on stderr when there are many and stderr is a terminal."""
    if quiet or len(items) <= 3 or not sys.stderr.isatty():
        return items
    return click.progressbar(items, label="importing", file=sys.stderr)


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-q", "--quiet", is_flag=True, help="No warnings, progress or summary on stderr.")
@click.option("--dry-run", is_flag=True,
              help="Read and check everything and report what would change; write nothing.")
@db_option
def import_(files, quiet, dry_run, where):
    """Import review files and library pages into the catalogue.

    Reads review files (YAML, JSON or JSON lines, CSV or TSV as dhr writes them) and DHR
    library summary pages (plain text, Markdown or saved HTML). A folder imports every such
    file below it; - reads standard input. Each file is imported whole, in one transaction,
    or not at all: a file with any invalid review is rejected with one line per problem, and
    the other files are still imported. Importing a file again updates its reviews in place
    and says what changed.

    \b
    Example:
        dhr import samples/norfolk.yaml
        dhr import reviews/ more.yaml
        dhr import page.txt --dry-run
        cat review.yaml | dhr import -
    """
    from ..catalogue import ImportResult
    from ..readers import read
    from ..records import InputError

    catalogue = where.open(write=True)
    known, first_words = catalogue.name_index()
    total, imported, failed, skipped = ImportResult(), 0, 0, []
    sources = _sources(files, skipped)
    for name, data, prepared in _prepared(_with_progress(sources, quiet), skipped, catalogue,
                                          parallel=len(sources) > 2):
        try:
            if isinstance(data, InputError):
                raise data
            if prepared is not None:
                raws, catalogue.rules_done = prepared
                if isinstance(raws, InputError):
                    raise raws
            else:
                raws = read(data, name, known, first_words)
            result = catalogue.import_file(raws, name, dry_run)
        except InputError as error:
            failed += 1
            for line in error.problems:
                _say(line)
            continue
        imported += 1
        total.add(result)
        total.agencies |= result.agencies
        if not quiet:
            for line in result.warnings + [f"{name}: {change}" for change in result.changes]:
                _say(line)
            if result.uncertain:
                _say(f"{name}: {result.uncertain} uncertain text/addressee split"
                     f"{'s' if result.uncertain != 1 else ''}: check them with 'dhr convert "
                     f"{name}'")
    if total.agencies and not dry_run:
        catalogue.settle_names(total.agencies)
    catalogue.close()
    if not quiet or failed:
        verb = "would be imported (dry run: nothing written)" if dry_run else "imported"
        _say(f"dhr: {imported} file{'s' if imported != 1 else ''} {verb}, {failed} failed, "
             f"{len(skipped)} skipped; reviews: {total.added} added, {total.updated} updated, "
             f"{total.unchanged} unchanged; recommendations: {total.recommendations}")
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-q", "--quiet", is_flag=True, help="Only the problems, no summary.")
@db_option
def validate(files, quiet, where):
    """Check review files and pages without a catalogue: exit 1 on any problem.

    Everything import checks is checked - the fields, dates, numbers, themes against the
    taxonomy, a page's stated count - and nothing is written anywhere.

    \b
    Example:
        dhr validate reviews/
        dhr validate page.txt review.yaml
    """
    from .. import agencies, themes
    from ..readers import read
    from ..records import InputError, build_review

    registry = agencies.load(where.aliases_path())
    taxonomy = themes.load(where.taxonomy_path())
    known, first_words = agencies.name_index(registry.names())
    skipped: list = []
    bad = good = reviews = recommendations = 0
    for name, data in _inputs(files, skipped):
        problems: list[str] = []
        try:
            if isinstance(data, InputError):
                raise data
            for raw in read(data, name, known, first_words):
                review, found, warnings = build_review(raw, name)
                problems.extend(found)
                if not quiet:
                    for line in warnings + [f"{name}: warning: {n}" for r, n in raw.notes if r is None]:
                        _say(line)
                for index, rec in enumerate(review.recommendations if review else []):
                    for theme in rec.themes or []:
                        if theme not in taxonomy.themes:
                            problems.append(f"{name}:{raw.line('recommendations', index, 'themes')}: "
                                            f"recommendation {index + 1}: no theme {theme!r}")
                if review:
                    reviews += 1
                    recommendations += len(review.recommendations)
        except InputError as error:
            problems.extend(error.problems)
        for line in problems:
            _say(line)
        bad += bool(problems)
        good += not problems
    if not quiet:
        _say(f"dhr: {good} file{'s' if good != 1 else ''} valid, {bad} with problems, "
             f"{len(skipped)} skipped; {reviews} reviews, {recommendations} recommendations")
    if bad:
        sys.exit(1)


@cli.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False),
              help="Write NAME.yaml here for each page (default: all to standard output).")
@db_option
def convert(pages, folder, where):
    """Turn library summary pages (or any input dhr reads) into review files.

    Each page becomes a review file ready for 'dhr import', with a '# check:' comment above
    every recommendation whose split between text and addressee was uncertain, so that a
    person can check and correct it first. Names already in the catalogue and the registry
    help the split.

    \b
    Example:
        dhr convert page.txt > norfolk.yaml
        dhr convert pages/ -o reviews/
    """
    from ..readers import read
    from ..readers.yaml_reader import dump
    from ..records import InputError, build_review

    catalogue = where.open()
    known, first_words = catalogue.name_index()
    skipped: list = []
    failed = written = 0
    documents = []
    for name, data in _inputs(pages, skipped):
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
        Path(folder).mkdir(parents=True, exist_ok=True)
        used: set[str] = set()
        for name, text in documents:
            stem = Path(name).stem if name != "<stdin>" else "stdin"
            target, n = Path(folder) / f"{stem}.yaml", 1
            while target.name in used:
                n += 1
                target = Path(folder) / f"{stem}-{n}.yaml"
            used.add(target.name)
            target.write_text(text, encoding="utf-8")
            written += 1
            _say(f"dhr: wrote {target}")
    else:
        click.echo("---\n".join(text for _, text in documents), nl=False)
    if failed:
        sys.exit(1)
