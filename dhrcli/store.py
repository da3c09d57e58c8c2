"""The catalogue file: opening it (to write, to read, read-only, or as a copy in memory),
creating and upgrading its schema, its meta values and its write transactions.

The jobs done over an open store live beside it: linking.py (addressees to agencies),
writing.py (imports), lookup.py (names to rows), queries.py and counts.py (reads).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from . import migrations
from .records import DhrError

WAIT_SECONDS = 600  # how long a write waits for another process's transaction to end


FTS_TABLES = ("recommendations_fts", "recommendations_fts_data", "recommendations_fts_idx",
              "recommendations_fts_docsize", "recommendations_fts_config")


def fts_missing(db: sqlite3.Connection) -> list[str]:
    """The tables of the full-text index that are not there (none on a sound catalogue)."""
    present = {row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE 'recommendations_fts%'")}
    return [name for name in FTS_TABLES if name not in present]


def _what_happened(error: sqlite3.OperationalError, opening: bool = True) -> str:
    """What an error SQLite gave (when opening a catalogue, or later) means for the user."""
    message = str(error)
    if "locked" in message or "busy" in message:
        return "the catalogue is busy: another dhr is writing it; try again when it has finished"
    if "full" in message:
        return f"the disk is full ({message}); free some space and try again: nothing was lost"
    if "disk I/O" in message:
        return f"cannot {'open' if opening else 'write'} the catalogue ({message}: is its disk full?)"
    if "unable to open" in message or "readonly" in message:
        return f"cannot open the catalogue ({message})"
    return f"not a dhr catalogue ({message})" if opening else f"database error: {message}"


def describe(error: sqlite3.Error) -> str:
    """One line for an error SQLite gave while a command ran."""
    if isinstance(error, sqlite3.OperationalError):
        return _what_happened(error, opening=False)
    return f"database error: {error}"


class Store:
    """An open catalogue file. `write=False` never creates a file: a missing one reads as
    empty. `scratch`: work on a copy in memory (an empty one if there is no file), so that a
    dry run or a validation does exactly what an import would and leaves the files as they
    were."""

    def __init__(self, path: Path, write: bool = False, aliases: Path | None = None,
                 taxonomy: Path | None = None, scratch: bool = False):
        self.path = Path(path)
        self.aliases_path = aliases
        self.taxonomy_path = taxonomy
        self.scratch = scratch
        self.notice = None  # called with one line when a write must wait for another process
        self.on_rollback: list = []  # called after a transaction is rolled back
        self._registry = None
        self._taxonomy = None
        self._glossary = None
        self.exists = self.path.is_file()
        if scratch:
            write = False
        elif not self.exists and write:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DhrError(f"{self.path}: cannot create the catalogue's folder "
                               f"({error.strerror})") from None
        folder_writable = os.access(self.path.parent, os.W_OK)
        self.read_only = self.exists and not (os.access(self.path, os.W_OK) and folder_writable)
        if write and (self.read_only or not folder_writable):
            raise DhrError(f"{self.path}: the catalogue is read-only (no permission to write it "
                           f"or its folder); commands that only read it still work")
        self.writable = write
        self.in_memory = not (self.exists or write)
        target = ":memory:" if self.in_memory else str(self.path)
        if self.read_only:  # read it without writing anything, -wal and -shm files included
            wal = Path(f"{self.path}-wal")
            settled = not (wal.exists() and wal.stat().st_size)  # nothing waits in the WAL
            # With nothing waiting in the WAL, read it as immutable: SQLite then makes no -wal
            # or -shm file (one made now would be read-only too, and break later writes).
            target = f"{self.path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if settled else "")
        with self.errors_named():
            self.db = sqlite3.connect(target, isolation_level=None, uri=self.read_only)
            if scratch and not self.in_memory:
                self.use_copy()
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._prepare(write)

    @contextmanager
    def errors_named(self):
        """SQLite's errors while opening, as one DhrError naming the file."""
        try:
            yield
        except sqlite3.OperationalError as error:
            raise DhrError(f"{self.path}: {_what_happened(error)}") from None
        except sqlite3.DatabaseError as error:
            raise DhrError(f"{self.path}: not a dhr catalogue ({error})") from None

    def _prepare(self, write: bool) -> None:
        tables = {row[0] for row in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "meta" in tables:
            value = str(self.meta("schema_version") or "").strip()
            if not value.isdigit() or int(value) < 1:
                raise DhrError(f"{self.path}: not a dhr catalogue (its schema_version is "
                               f"{value or 'missing'!r})", hint="db")
            version = int(value)
            if version > migrations.SCHEMA_VERSION:
                raise DhrError(f"{self.path}: the catalogue has schema version {version}, newer "
                               f"than this dhr knows ({migrations.SCHEMA_VERSION}); upgrade dhr")
            if len(migrations.applied(self.db)) < len(migrations.STEPS):
                if self.read_only:  # upgrade a copy in memory, to read; the file stays as it is
                    self.use_copy()
                self._upgrade(version)
        elif tables:
            raise DhrError(f"{self.path}: this SQLite file is not a dhr catalogue", hint="db")
        else:
            migrations.create(self.db)
        if write:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable enough, far fewer syncs
            self.db.execute("PRAGMA cache_size = -65536")  # 64 MiB of page cache for bulk imports
            self.db.execute("PRAGMA temp_store = MEMORY")

    def _upgrade(self, version: int) -> None:
        """Bring a catalogue made by an older dhr up to this schema, in one transaction."""
        try:
            with self.transaction():
                migrations.upgrade(self.db)
        except sqlite3.OperationalError as error:
            raise DhrError(f"{self.path}: the catalogue has schema version {version} and this dhr "
                           f"needs {migrations.SCHEMA_VERSION}, but it cannot upgrade it "
                           f"({error})") from None

    def copy_in_memory(self) -> sqlite3.Connection:
        """A copy in memory of the catalogue, the open one left as it is."""
        copy = sqlite3.connect(":memory:", isolation_level=None)
        self.db.backup(copy)
        return copy

    def use_copy(self) -> None:
        """Work from here on with a copy in memory of the catalogue; the file is closed and
        nothing done afterwards reaches it."""
        copy = self.copy_in_memory()
        self.db.close()
        copy.row_factory = sqlite3.Row
        copy.execute("PRAGMA foreign_keys = ON")
        self.db = copy
        self.in_memory = True

    def close(self) -> None:
        self.db.close()

    @property
    def registry(self):
        """The agency registry (shipped, rules and the user's file), loaded when first needed."""
        if self._registry is None:
            from . import agencies

            self._registry = agencies.load(self.aliases_path)
        return self._registry

    def forget_registry(self) -> None:
        """Load the registry again when next needed: its files may have changed."""
        self._registry = None

    @property
    def taxonomy(self):
        """The themes and glossary (shipped, then the user's taxonomy), loaded when first needed."""
        if self._taxonomy is None:
            from . import themes

            self._taxonomy = themes.load(self.taxonomy_path)
        return self._taxonomy

    @property
    def expansions(self):
        """term -> its glossary group (the term first) or None, for a search: from the
        taxonomy if it is loaded, else from the glossary alone."""
        import functools

        from . import themes

        groups = self._taxonomy.glossary if self._taxonomy is not None \
            else themes.glossary(self.taxonomy_path)
        return functools.partial(themes.expansions, groups)

    @property
    def glossary(self):
        """The taxonomy's glossary as lessons.py folds terms by it (for import's term counts,
        similar and recurring), made when first needed."""
        if self._glossary is None:
            from .lessons import Glossary

            self._glossary = Glossary(self.taxonomy.glossary)
        return self._glossary

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @contextmanager
    def transaction(self):
        """One write transaction: committed if the block ends, rolled back if it raises. While
        another process is writing the catalogue, it waits (and says so once, through
        `notice`) for up to WAIT_SECONDS."""
        self._begin()
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            for forget in self.on_rollback:  # what was noted in the transaction is gone with it
                forget()
            raise
        self.db.execute("COMMIT")

    def _begin(self) -> None:
        import time

        deadline = time.monotonic() + WAIT_SECONDS
        said = False
        while True:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if time.monotonic() > deadline:
                    raise DhrError(f"{self.path}: another dhr has been writing the catalogue for "
                                   f"over {WAIT_SECONDS // 60} minutes; try again later") from None
                if not said and self.notice is not None:
                    self.notice(f"{self.path}: waiting for another dhr to finish writing it")
                    said = True
