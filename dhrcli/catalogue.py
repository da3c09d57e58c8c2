"""The SQLite catalogue: opening and creating it, writing reviews into it, and the queries.

Every write of one input file happens in one transaction; every query has an ORDER BY so the
output is the same each time.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import migrations, theming
from .queries import Queries
from .records import (DhrError, InputError, Raw, Review, Said, build_review, by_number,
                      recommendations_kept)

WAIT_SECONDS = 600  # how long a write waits for another process's transaction to end


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    recommendations: int = 0
    warnings: list[str] = field(default_factory=list)
    agencies: set[int] = field(default_factory=set)  # the agencies this import linked to

    changes: list[str] = field(default_factory=list)  # per updated review: what changed
    uncertain: int = 0  # text/addressee splits a person should check

    def add(self, other: "ImportResult") -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.recommendations += other.recommendations
        self.uncertain += other.uncertain
        self.agencies |= other.agencies


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


class _Refused(Exception):
    """A record that would replace most of another review's recommendations on a guess."""


REVIEW_COLUMNS = ("csp", "title", "review_type", "basis", "source_url", "summary", "published",
                  "year_of_death")


class Catalogue(Queries):
    """An open catalogue. `write=False` never creates a file: a missing one reads as empty."""

    def __init__(self, path: Path, write: bool = False, aliases: Path | None = None,
                 taxonomy: Path | None = None, scratch: bool = False):
        """`scratch`: work on a copy in memory of the catalogue (an empty one if there is no
        file), so that a dry run or a validation does exactly what an import would do and
        leaves the file system as it was."""
        self.path = Path(path)
        self.aliases_path = aliases
        self.taxonomy_path = taxonomy
        self.scratch = scratch
        self.notice = None  # called with one line when a write must wait for another process
        self.relinked_in_memory = False  # read from a copy re-linked under a changed registry
        self._registry = None
        self._taxonomy = None
        self._agency_ids: dict[str, int] = {}  # written name -> agency id, for this transaction
        self.rules_done: dict[str, dict[str, str]] = {}  # text -> rule themes worked out elsewhere
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
        target = str(self.path) if (self.exists or write) else ":memory:"
        if self.read_only:  # read it without writing anything, -wal and -shm files included
            wal = Path(f"{self.path}-wal")
            settled = not (wal.exists() and wal.stat().st_size)  # nothing waits in the WAL
            # With nothing waiting in the WAL, read it as immutable: SQLite then makes no -wal
            # or -shm file (one made now would be read-only too, and break later writes).
            target = f"{self.path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if settled else "")
        try:
            self.db = sqlite3.connect(target, isolation_level=None, uri=self.read_only)
            if scratch and target != ":memory:":
                self.db, target = self._in_memory(), ":memory:"
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._prepare(write)
            if write or scratch:
                self._sync_registry()
            elif target != ":memory:" and self._registry_changed():
                # Reads never write: read a copy re-linked under the registry as it is now;
                # the next write re-links the file.
                self.db = self._in_memory()
                self._sync_registry()
                self.relinked_in_memory = True
        except sqlite3.OperationalError as error:
            raise DhrError(f"{self.path}: {_what_happened(error)}") from None
        except sqlite3.DatabaseError as error:
            raise DhrError(f"{self.path}: not a dhr catalogue ({error})") from None

    def _prepare(self, write: bool) -> None:
        tables = {row[0] for row in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "meta" in tables:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            value = str(row[0]).strip() if row and row[0] is not None else ""
            if not value.isdigit() or int(value) < 1:
                raise DhrError(f"{self.path}: not a dhr catalogue (its schema_version is "
                               f"{value or 'missing'!r})", hint="db")
            version = int(value)
            if version > migrations.SCHEMA_VERSION:
                raise DhrError(f"{self.path}: the catalogue has schema version {version}, newer "
                               f"than this dhr knows ({migrations.SCHEMA_VERSION}); upgrade dhr")
            if len(migrations.applied(self.db)) < len(migrations.STEPS):
                if self.read_only:  # upgrade a copy in memory, to read; the file stays as it is
                    self.db = self._in_memory()
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

    def copy_in_memory(self) -> sqlite3.Connection:
        """A copy in memory of the catalogue, the open one left as it is."""
        copy = sqlite3.connect(":memory:", isolation_level=None)
        self.db.backup(copy)
        return copy

    def _in_memory(self) -> sqlite3.Connection:
        """A copy in memory of the open catalogue, which then stands in for it."""
        copy = self.copy_in_memory()
        self.db.close()
        copy.row_factory = sqlite3.Row
        copy.execute("PRAGMA foreign_keys = ON")
        return copy

    def _upgrade(self, version: int) -> None:
        """Bring a catalogue made by an older dhr up to this schema, in one transaction."""
        try:
            with self.transaction():
                migrations.upgrade(self.db)
        except sqlite3.OperationalError as error:
            raise DhrError(f"{self.path}: the catalogue has schema version {version} and this dhr "
                           f"needs {migrations.SCHEMA_VERSION}, but it cannot upgrade it "
                           f"({error})") from None

    def close(self) -> None:
        self.db.close()

    @property
    def registry(self):
        """The agency registry (shipped, rules and the user's file), loaded when first needed."""
        if self._registry is None:
            from . import agencies

            self._registry = agencies.load(self.aliases_path)
        return self._registry

    @property
    def taxonomy(self):
        """The themes and glossary (shipped, then the user's taxonomy), loaded when first needed."""
        if self._taxonomy is None:
            from . import themes

            self._taxonomy = themes.load(self.taxonomy_path)
        return self._taxonomy

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _registry_changed(self) -> bool:
        """Whether the registry (shipped, rules or user file) changed since the catalogue was
        last linked under it."""
        from . import agencies

        return self._meta("registry") != agencies.fingerprint(self.aliases_path)

    def _sync_registry(self) -> None:
        """Re-link the agencies if the registry (shipped, rules or user file) has changed
        since the catalogue was last written. Only on a catalogue being written, or on a copy
        in memory (see __init__)."""
        from . import agencies

        current = agencies.fingerprint(self.aliases_path)
        if self._meta("registry") == current:
            return
        with self.transaction():
            self._relink()
            self.set_meta("registry", current)

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
            self._agency_ids.clear()  # ids given in the transaction are gone with it
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

    def relink(self) -> int:
        """Link every addressee again under the current registry, in one transaction.
        Returns how many addressee links changed agency."""
        from . import agencies

        self._registry = None  # the registry's files may have changed since it was loaded
        with self.transaction():
            changed = self._relink()
            self.set_meta("registry", agencies.fingerprint(self.aliases_path))
        return changed

    def _relink(self) -> int:
        self._agency_ids.clear()
        links = self.db.execute("SELECT written, agency, count(*) FROM recommendation_agencies "
                                "GROUP BY written, agency").fetchall()
        changed, touched = 0, set()
        for written, old, count in links:
            new = self._agency_for(written, refresh=True)
            touched.add(new)
            if new != old:
                self.db.execute("UPDATE recommendation_agencies SET agency = ? "
                                "WHERE written = ? AND agency = ?", (new, written, old))
                changed += count
        self.drop_unused_agencies()
        self._settle_names(touched)
        return changed

    # -- writing ------------------------------------------------------------------------------

    def import_file(self, raws: Iterable[Raw], where: str, replace: bool = False) -> ImportResult:
        """Import every review from one file in one transaction, or none of them.

        Checks every review before it gives up, so that one run lists all the problems;
        raises InputError (with all of them) and leaves the catalogue as it was. With
        `replace`, a review without an id may replace most of the recommendations of the
        review it matches (see `_place`)."""
        result = ImportResult()
        problems: list[str] = []
        keys_in_file: dict[str, int] = {}
        try:
            with self.transaction():
                for index, raw in enumerate(raws, start=1):
                    review, found, warnings = build_review(raw, where)
                    result.warnings.extend(warnings)
                    result.warnings.extend(f"{where}: warning: {note}"
                                           for rec, note in raw.notes if rec is None)
                    result.uncertain += raw.uncertain
                    problems.extend(found)
                    if review is not None:
                        problems.extend(self._unknown_themes(review, raw, where))
                    if review is None or problems:
                        continue
                    try:
                        key = self._store(review, result, replace)
                    except _Refused as refusal:
                        said = refusal.args[0]
                        problems.append(Said(f"{where}:{raw.line()}: {said}", said.hint, **said.data))
                        continue
                    if key in keys_in_file:
                        problems.append(f"{where}:{raw.line()}: review {key!r} is in this file "
                                        f"twice (also review {keys_in_file[key]}); give each its "
                                        f"own 'id'")
                    keys_in_file[key] = index
                if problems:
                    raise InputError(problems)
                if self._meta("taxonomy") is None:
                    from . import themes

                    self.set_meta("taxonomy", themes.fingerprint(self.taxonomy_path))
                if result.updated:
                    self.drop_unused_agencies()
        except InputError as error:
            found = problems + [p for p in error.problems if p not in problems]
            raise InputError(found + result.warnings) from None
        return result

    def _place(self, review: Review, digest: str, replace: bool):
        """(the row of the review this record updates, or None for a new review; its key).

        An id always decides. Without one, the candidates are the reviews of the same CSP and
        month (the same base key) whose year of death does not differ. The record is one of
        them when its content is the same, or when at least half of that review's
        recommendations are still there (the same review from another source, or a genuine
        update); otherwise it is a new review beside them (base key -2, -3 ...). A record that
        would replace most recommendations of a review with the same title (or source URL) is
        refused as likely another review, unless `replace`."""
        db = self.db
        if review.id is not None:
            return db.execute("SELECT * FROM reviews WHERE key = ?", (review.id,)).fetchone(), \
                review.id
        base = review.base_key
        candidates = [row for row in db.execute(
            "SELECT * FROM reviews WHERE base_key = ? ORDER BY id", (base,))
            if row["year_of_death"] is None or review.year_of_death is None
            or row["year_of_death"] == review.year_of_death]
        for row in candidates:
            if row["content_hash"] == digest:
                return row, row["key"]
        new_texts = [rec.text for rec in review.recommendations]
        scored = []
        for row in candidates:
            old_texts = [r[0] for r in db.execute(
                "SELECT text FROM recommendations WHERE review = ? ORDER BY position", (row["id"],))]
            kept = recommendations_kept(old_texts, new_texts)
            scored.append((kept / max(1, len(old_texts)), row["identity"] == review.identity,
                           -row["id"], row, kept, len(old_texts)))
        if not scored:
            return None, self._free_key(base)
        share, same, _, row, kept, old = max(scored, key=lambda s: s[:3])
        if share >= 0.5:
            return row, row["key"]
        same_identity = [s for s in scored if s[1]]
        if not same_identity:
            return None, self._free_key(base)
        share, same, _, row, kept, old = max(same_identity, key=lambda s: s[:3])
        if replace:
            return row, row["key"]
        what = f"year of death {row['year_of_death']}, " if row["year_of_death"] else ""
        raise _Refused(Said(
            f"review {review.csp!r} (no id): it would replace {old - kept} of the {old} "
            f"recommendations of review {row['key']} ({what}{review.identity[:60]!r}), so it "
            f"is likely a different review", hint="replace", review=row["key"]))

    def _store(self, review: Review, result: ImportResult, replace: bool = False) -> str:
        """Add or update one review; returns its key. Raises _Refused for a likely different
        review that would replace another (see `_place`)."""
        db = self.db
        digest = review.content_hash()
        existing, key = self._place(review, digest, replace)
        if existing is not None and review.absent:
            review = self._with_kept(existing, review)
            digest = review.content_hash()
        result.recommendations += len(review.recommendations)
        fields = (key, review.csp, review.title, review.review_type, review.basis,
                  review.source_url, review.summary, review.published, review.year_of_death,
                  review.base_key, review.identity, digest)
        if existing is None:
            cursor = db.execute(
                "INSERT INTO reviews (key, csp, title, review_type, basis, source_url, summary, "
                "published, year_of_death, base_key, identity, content_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fields)
            review_row = cursor.lastrowid
            result.added += 1
        elif existing["content_hash"] == digest:
            result.unchanged += 1
            return key
        else:
            review_row = existing["id"]
            changes = self._changes(existing, review)
            if changes is None:  # the same review, hashed by an older dhr: nothing changed
                db.execute("UPDATE reviews SET content_hash = ?, base_key = ? WHERE id = ?",
                           (digest, review.base_key, review_row))
                result.unchanged += 1
                return key
            result.changes.append(f"{key}: {changes}")
            db.execute(
                "UPDATE reviews SET key = ?, csp = ?, title = ?, review_type = ?, basis = ?, "
                "source_url = ?, summary = ?, published = ?, year_of_death = ?, base_key = ?, "
                "identity = ?, content_hash = ? WHERE id = ?", fields + (review_row,))
            db.execute("DELETE FROM recommendations WHERE review = ?", (review_row,))
            result.updated += 1
        # All the review's rows in three statements: ids are given here, not by SQLite, so
        # that each table is written in one go.
        decisions = theming.decisions(self, key)
        next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM recommendations").fetchone()[0]
        recs, links, themes = [], [], []
        keys = by_number((rec.number, rec) for rec in review.recommendations)
        for position, ((_, occurrence), rec) in enumerate(keys.items(), start=1):
            rec_row = next_id + position - 1
            given = json.dumps(rec.themes) if rec.themes is not None else None
            recs.append((rec_row, review_row, position, rec.number, rec.sort_key, occurrence,
                         rec.text, given))
            found = theming.themes_for(self, rec.text, rec.themes,
                                       decisions.get((rec.number, occurrence), {}))
            themes.extend((rec_row, theme, source, reason) for theme, (source, reason) in found.items())
            for i, name in enumerate(rec.to, 1):
                agency = self._agency_for(name)
                links.append((rec_row, i, agency, name))
                result.agencies.add(agency)
        db.executemany(
            "INSERT INTO recommendations (id, review, position, number, sort_key, occurrence, "
            "text, themes_given) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", recs)
        db.executemany(
            "INSERT INTO recommendation_agencies (recommendation, position, agency, written) "
            "VALUES (?, ?, ?, ?)", links)
        db.executemany(
            "INSERT INTO recommendation_themes (recommendation, theme, source, reason) "
            "VALUES (?, ?, ?, ?)", themes)
        return key

    def _with_kept(self, existing, review: Review) -> Review:
        """The review with what its input could not hold taken from the catalogue: the review
        fields in `review.absent`, and (with "themes") the themes a review file gave to the
        recommendation with the same number."""
        import dataclasses

        kept = {name: existing[name] for name in REVIEW_COLUMNS if name in review.absent}
        recommendations = review.recommendations
        if "themes" in review.absent:
            given = by_number((number, json.loads(themes) if themes else None)
                              for number, themes in self.db.execute(
                "SELECT number, themes_given FROM recommendations WHERE review = ? "
                "ORDER BY position", (existing["id"],)))
            recommendations = [
                dataclasses.replace(rec, themes=given.get(key)) if rec.themes is None else rec
                for key, rec in by_number((r.number, r) for r in review.recommendations).items()]
        return dataclasses.replace(review, recommendations=recommendations, **kept)

    def _unknown_themes(self, review: Review, raw: Raw, where: str) -> list[str]:
        problems = []
        for index, rec in enumerate(review.recommendations):
            for theme in rec.themes or []:
                try:
                    self.taxonomy.check(theme)
                except DhrError as error:
                    line = raw.line("recommendations", index, "themes")
                    problems.append(f"{where}:{line}: recommendation {index + 1} (number "
                                    f"{rec.number}): {error}")
        return problems

    def _changes(self, existing, review: Review) -> str | None:
        """What an update changes: recommendations added, changed (text, addressees or themes
        given) and removed, matched by number (and which of several with that number), and the
        review's fields that changed. None when nothing did."""
        old = by_number((row[0], (row[1], json.loads(row[2]), json.loads(row[3] or "null")))
                    for row in self.db.execute(
            "SELECT r.number, r.text, (SELECT json_group_array(written) FROM (SELECT written "
            "FROM recommendation_agencies WHERE recommendation = r.id ORDER BY position)), "
            "r.themes_given FROM recommendations r WHERE r.review = ? ORDER BY r.position",
            (existing["id"],)))
        new = by_number((rec.number, (rec.text, rec.to, rec.themes)) for rec in review.recommendations)
        added = len(new.keys() - old.keys())
        removed = len(old.keys() - new.keys())
        changed = sum(1 for k in new.keys() & old.keys() if new[k] != old[k])
        fields = [name for name in REVIEW_COLUMNS if existing[name] != getattr(review, name)]
        if not (added or removed or changed or fields):
            return None
        return (f"{added} recommendation{'s' if added != 1 else ''} added, {changed} changed, "
                f"{removed} removed" + (f"; {', '.join(fields)} changed" if fields else ""))

    def _free_key(self, base: str) -> str:
        key, n = base, 1
        while self.db.execute("SELECT 1 FROM reviews WHERE key = ?", (key,)).fetchone():
            n += 1
            key = f"{base}-{n}"
        return key

    # -- agencies -----------------------------------------------------------------------------

    def known_names(self) -> list[str]:
        """Every agency name and alias the registry knows, and every name and spelling the
        catalogue holds: what the page reader uses to find where an addressee begins."""
        return self.registry.names() + [row[0] for row in self.db.execute(
            "SELECT name FROM agencies UNION SELECT written FROM recommendation_agencies")]

    def name_index(self):
        """(known, first_words) for the page reader, from known_names()."""
        from .agencies import name_index

        return name_index(self.known_names())

    def drop_unused_agencies(self) -> int:
        """Delete the agencies no recommendation is addressed to, and forget the ids this
        catalogue had noted for names: SQLite gives a deleted row's id to the next new agency,
        and a noted id would then link a name to the wrong body."""
        self._agency_ids.clear()
        return self.db.execute("DELETE FROM agencies WHERE id NOT IN "
                               "(SELECT agency FROM recommendation_agencies)").rowcount

    def _agency_for(self, written: str, refresh: bool = False) -> int:
        """The catalogue's agency for an addressee as written, added if new. With `refresh`,
        its sector, scope and (for registry bodies) name are set from the registry again."""
        if written in self._agency_ids:
            return self._agency_ids[written]
        agency = self.registry.resolve(written)
        row = self.db.execute("SELECT id FROM agencies WHERE key = ?", (agency.key,)).fetchone()
        if row is None:
            agency_id = self.db.execute(
                "INSERT INTO agencies (key, name, sector, national, matched) VALUES (?, ?, ?, ?, ?)",
                (agency.key, agency.name, agency.sector, agency.national, agency.matched)).lastrowid
        else:
            agency_id = row[0]
            if refresh:
                self.db.execute("UPDATE agencies SET sector = ?, national = ?, matched = ? "
                                "WHERE id = ?", (agency.sector, agency.national, agency.matched,
                                                 agency_id))
                if agency.matched in ("registry", "user"):
                    self.db.execute("UPDATE agencies SET name = ? WHERE id = ?",
                                    (agency.name, agency_id))
        self._agency_ids[written] = agency_id
        return agency_id

    def settle_names(self, agency_ids) -> None:
        """After an import: give the agencies it linked to that the registry does not know the
        spelling their reviews use most. Once per import command, not once per file: it reads
        every link of those agencies, which grows with the catalogue."""
        with self.transaction():
            self._settle_names(agency_ids)

    def _settle_names(self, agency_ids) -> None:
        """Give each agency the registry does not know the spelling its reviews use most
        (ties: the first in sort order), so the name does not hang on import order."""
        ids = list(agency_ids)
        votes: dict[int, dict[str, int]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for agency_id, written, count in self.db.execute(
                    "SELECT ra.agency, ra.written, count(*) FROM recommendation_agencies ra "
                    "JOIN agencies a ON a.id = ra.agency WHERE a.matched NOT IN ('registry', 'user') "
                    f"AND ra.agency IN ({', '.join('?' * len(chunk))}) GROUP BY ra.agency, ra.written",
                    chunk):
                name = self.registry.resolve(written).name
                tally = votes.setdefault(agency_id, {})
                tally[name] = tally.get(name, 0) + count
        self.db.executemany("UPDATE agencies SET name = ? WHERE id = ? AND name != ?", [
            (best, agency_id, best) for agency_id, tally in votes.items()
            for best in [min(tally, key=lambda name: (-tally[name], name))]])
