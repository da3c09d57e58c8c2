"""The import service: find the sources, read them, check them and write them, one file at a time.

One path serves `dhr import`, `dhr import --dry-run` and `dhr validate`: a dry run and a
validation run the very same import against a copy in memory of the catalogue (or an empty one),
so that what they report is what the import would do, and nothing is written anywhere.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import Catalogue
from .writing import ImportResult
from .records import MAX_SIZE_MB, InputError, Said, printable


@dataclass
class Source:
    """One input named or found: a file, "-" for standard input, or an error for a name that
    gives nothing to read (a pattern that matches nothing, an empty folder). `name` is how
    messages show it: control characters in a file's name (a newline, say) escaped, so that
    each message stays one line."""

    name: str
    path: Path | str | None
    in_folder: bool = False
    error: InputError | None = None

    def __post_init__(self):
        self.name = printable(self.name)


@dataclass
class Outcome:
    """What became of one input: its result, or the problems that stopped it."""

    name: str
    result: ImportResult | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """The whole command's figures."""

    total: ImportResult = field(default_factory=ImportResult)
    imported: int = 0
    failed: int = 0
    skipped: list = field(default_factory=list)  # files in folders that are not review files


def find_sources(names, skipped: list) -> list[Source]:
    """The inputs named - files, folders (every supported file below them), globs and - for
    standard input - without reading any of them yet."""
    from .readers import SUPPORTED

    found: list[Source] = []
    for name in names:
        if name == "-":
            found.append(Source("<stdin>", "-"))
            continue
        path = Path(name)
        if not path.exists() and any(c in name for c in "*?["):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                found.append(Source(name, None, error=InputError(
                    [f"{printable(name)}: no files match this pattern"])))
            found.extend(find_sources(matches, skipped))
            continue
        if path.is_dir():
            files = []
            for root, dirs, names_here in os.walk(path):  # does not follow links to folders
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in sorted(names_here):
                    full = Path(root) / file
                    if not file.startswith("."):  # FIFOs, devices, links to them: skipped
                        special = full.exists() and not full.is_file()
                        (files if full.suffix.lower() in SUPPORTED and not special
                         else skipped).append(full)
            if not files:
                found.append(Source(name, None, error=InputError(
                    [f"{printable(name)}: no review files in this folder (it reads "
                     f"{', '.join(SUPPORTED)})"])))
            found.extend(Source(str(file), file, in_folder=True) for file in files)
        elif path.exists() and (path.is_char_device() or path.is_block_device()
                                or path.is_socket()):
            found.append(Source(name, None, error=InputError(
                [f"{printable(name)}: not a file (a device or socket); name a review file or a "
                 f"folder"])))
        else:
            found.append(Source(name, path))
    return found




def load(source: Source, skipped: list, limit_mb: int = MAX_SIZE_MB):
    """The bytes of one source, an InputError, or None for a folder's file that is not a
    review file or page (counted in `skipped`). A source larger than `limit_mb` megabytes (a
    pipe that never ends, say) is an InputError, read no further."""
    from .readers import wanted

    if source.error is not None:
        return source.error
    limit = limit_mb * 1024 * 1024
    try:
        if source.path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(source.path, "rb") as handle:
                data = handle.read(limit + 1)
    except OSError as error:
        return InputError([f"{source.name}: cannot read this file ({error.strerror or error})"])
    if len(data) > limit:
        return InputError([Said(f"{source.name}: larger than {limit_mb:,} MB, the most dhr "
                                f"reads from one input", hint="max-size")])
    if source.in_folder and not wanted(data, source.name):
        skipped.append(source.path)
        return None
    return data


def _prepared(sources: list[Source], skipped: list, catalogue: Catalogue, limit_mb: int,
              warn: Callable[[str], None] | None = None):
    """(name, bytes or InputError, prepared or None) for each source, in order. With more than
    two sources and more than one core, a second process reads and classifies the next file
    while the caller imports this one (prepared: what pipeline.prepare returns); one file is
    read ahead at most, so memory stays bounded."""
    if len(sources) <= 2 or (os.cpu_count() or 1) < 2:
        for source in sources:
            parts = _large(source, limit_mb) if (os.cpu_count() or 1) >= 2 else None
            if parts:  # read part by part from the file, never whole (unless it has a fault)
                with _Parts(parts, source, catalogue, warn) as prepared:
                    yield source.name, None, prepared
                continue
            data = load(source, skipped, limit_mb)
            if data is not None:
                yield source.name, data, None
        return
    from concurrent.futures.process import BrokenProcessPool

    from . import pipeline

    def done(job):
        """(name, data, prepared): what the helper made of it, or None (read it here)."""
        name, data, future = job
        if future is None or broken:
            return name, data, None
        try:
            return name, data, future.result()
        except BrokenProcessPool:
            broken.append(name)
            if warn is not None:
                warn(f"{name}: the helper process reading files stopped; reading the rest here")
            return name, data, None

    broken: list[str] = []
    pool = _helper(catalogue)
    finished = False
    try:
        waiting = None
        for source in sources:
            data = load(source, skipped, limit_mb)
            if data is None:
                continue
            job = (source.name, data, pool.submit(pipeline.prepare, data, source.name)
                   if isinstance(data, bytes) and not broken else None)
            if waiting is not None:
                yield done(waiting)
            waiting = job
        if waiting is not None:
            yield done(waiting)
        finished = True
    finally:  # after an error, or with the helper gone, do not wait for it
        pool.shutdown(wait=finished and not broken, cancel_futures=True)


def _helper(catalogue: Catalogue):
    """The second process, which reads and classifies inputs ahead of the writes."""
    from concurrent.futures import ProcessPoolExecutor

    from . import pipeline

    return ProcessPoolExecutor(1, initializer=pipeline.start, initargs=(
        os.getpid(), catalogue.links.known_names(), catalogue.store.taxonomy_path))


def _large(source: Source, limit_mb: int) -> list | None:
    """The parts of a large review file named on the command line (pipeline.parts), for the
    second process to read one by one; None for any other input, or where reading it would
    find something to say (too large, or not a review file): load() reads it then."""
    from . import pipeline
    from .readers import HEAD_BYTES, is_review_file

    if source.error is not None or source.in_folder or not isinstance(source.path, Path):
        return None
    try:
        size = source.path.stat().st_size
        if not source.path.is_file() or size > limit_mb * 1024 * 1024 \
                or size < 2 * pipeline.PART_BYTES:
            return None
        with open(source.path, "rb") as handle:
            if not is_review_file(handle.read(HEAD_BYTES + 1), source.name):
                return None
            handle.seek(0)
            return pipeline.parts(handle) or None
    except OSError:
        return None


class _Parts:
    """One large review file read and classified part by part in a second process, while the
    caller writes the part before; one transaction still holds the whole file, and what it
    writes is what reading it here would write."""

    def __init__(self, parts: list, source: Source, catalogue: Catalogue,
                 warn: Callable[[str], None] | None = None):
        self.parts, self.source, self.name, self.warn = parts, source, source.name, warn
        self.file = open(source.path, "rb")
        self.pool = _helper(catalogue)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.file.close()

    def whole(self, limit_mb: int = MAX_SIZE_MB):
        """The file's bytes, read whole (to read it here), or the InputError load() gives."""
        data = load(self.source, [], limit_mb)
        if isinstance(data, InputError):
            raise data
        return data

    def raws(self, writer, read_here: Callable[[], Iterator]) -> Iterator:
        """The file's raws in order, with the writer told what the helper worked out. A part
        the helper could not read (an error in it, or the helper gone) is left to `read_here`,
        the whole file read here, from where the parts stopped: its error is the one a read
        of the whole file gives, at the same place."""
        from concurrent.futures.process import BrokenProcessPool

        from . import pipeline

        def send(before: int, start: int, end: int):
            self.file.seek(start)
            return self.pool.submit(pipeline.prepare, self.file.read(end - start), self.name,
                                    before)

        futures = [send(*part) for part in self.parts[:2]]
        given = 0
        for index in range(len(self.parts)):
            try:
                raws, rules, terms = futures[index].result()
                futures[index] = None  # what was read is not kept once given
            except BrokenProcessPool:
                raws = None
                if self.warn is not None:
                    self.warn(f"{self.name}: the helper process reading it stopped; reading the "
                              f"rest here")
            if raws is None or isinstance(raws, InputError):
                for number, raw in enumerate(read_here()):
                    if number >= given:
                        yield raw
                return
            if index + 2 < len(self.parts):
                futures.append(send(*self.parts[index + 2]))
            writer.rules_done, writer.terms_done = rules, terms  # this part's: none kept after
            given += len(raws)
            yield from raws


def import_sources(catalogue: Catalogue, sources: list[Source], summary: Summary,
                   replace: bool = False, step: Callable[[], None] | None = None,
                   limit_mb: int = MAX_SIZE_MB) -> Iterator[Outcome]:
    """Import each source in its own transaction, yielding what became of it; `summary`
    gathers the figures. A file with any problem is left out whole and the others go on.
    `step` is called once per source read (for a progress bar)."""
    from .readers import read

    known, first_words = catalogue.links.name_index()
    for name, data, prepared in _prepared(sources, summary.skipped, catalogue, limit_mb,
                                          catalogue.store.notice):
        if step is not None:
            step()
        try:
            if isinstance(data, InputError):
                raise data
            if isinstance(prepared, _Parts):
                raws = prepared.raws(catalogue.writer, lambda: read(
                    prepared.whole(limit_mb), name, known, first_words))
            elif prepared is not None:
                raws, catalogue.writer.rules_done, catalogue.writer.terms_done = prepared
                if isinstance(raws, InputError):
                    raise raws
            else:
                raws = read(data, name, known, first_words)
            result = catalogue.writer.import_file(raws, name, replace)
        except InputError as error:
            summary.failed += 1
            yield Outcome(name, problems=error.problems)
            continue
        summary.imported += 1
        summary.total.add(result)
        yield Outcome(name, result=result)
    if summary.total.agencies:
        catalogue.links.settle_names(summary.total.agencies)
