"""Writing reviews into the catalogue: one input file in one transaction, each record placed
(a new review, or an update of the one it is) and its recommendations, addressee links and
themes written in a few statements."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import theming
from .linking import Links
from .building import build_review
from .lessons import document_counts, prints, word_set
from .migrations import add_lesson_terms, lesson_sources
from .records import DhrError, InputError, Raw, Review, Said, by_number, recommendations_kept
from .store import Store

REVIEW_COLUMNS = ("csp", "title", "review_type", "basis", "source_url", "summary", "published",
                  "year_of_death")


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
    events: int = 0  # status events added

    def add(self, other: "ImportResult") -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.recommendations += other.recommendations
        self.uncertain += other.uncertain
        self.events += other.events
        self.agencies |= other.agencies


class _Refused(Exception):
    """A record that would replace most of another review's recommendations on a guess."""


class Writer:
    """Imports into an open store, linking addressees through `links`."""

    def __init__(self, store: Store, links: Links):
        self.store = store
        self.links = links
        self.rules_done: dict[str, dict[str, str]] = {}  # text -> rule themes worked out elsewhere
        self.terms_done: dict[tuple, tuple] = {}  # (text, names) -> lesson terms, from elsewhere
        self.terms: Counter = Counter()  # term counts to add to lesson_terms when a file is done

    @property
    def db(self):
        return self.store.db

    @property
    def glossary(self):
        return self.store.glossary

    def import_file(self, raws: Iterable[Raw], source: str, replace: bool = False) -> ImportResult:
        """Import every review from one file in one transaction, or none of them.

        Checks every review before it gives up, so that one run lists all the problems;
        raises InputError (with all of them) and leaves the catalogue as it was. With
        `replace`, a review without an id may replace most of the recommendations of the
        review it matches (see `_place`)."""
        result = ImportResult()
        self.terms.clear()
        problems: list[str] = []
        keys_in_file: dict[str, int] = {}
        try:
            with self.store.transaction():
                trigger = self._index_in_bulk()
                for index, raw in enumerate(raws, start=1):
                    review, found, warnings = build_review(raw, source)
                    result.warnings.extend(warnings)
                    result.warnings.extend(f"{source}: warning: {note}"
                                           for rec, note in raw.notes if rec is None)
                    result.uncertain += raw.uncertain
                    problems.extend(found)
                    if review is not None:
                        problems.extend(self._unknown_themes(review, raw, source))
                    if review is None or problems:
                        continue
                    try:
                        before = result.added + result.updated
                        key = self._store(review, result, replace)
                        if result.added + result.updated > before:  # new text to compare
                            result.warnings.extend(f"{source}:{raw.line()}: warning: {line}"
                                                   for line in self._repeats(key, review))
                    except _Refused as refusal:
                        said = refusal.args[0]
                        problems.append(Said(f"{source}:{raw.line()}: {said}", said.hint, **said.data))
                        continue
                    if key in keys_in_file:
                        problems.append(f"{source}:{raw.line()}: review {key!r} is in this file "
                                        f"twice (also review {keys_in_file[key]}); give each its "
                                        f"own 'id'")
                    keys_in_file[key] = index
                if problems:
                    raise InputError(problems)
                add_lesson_terms(self.db, self.terms)
                if trigger:  # as it was: the next writer (or another tool) indexes row by row
                    self.db.execute(trigger)
                if self.store.meta("taxonomy") is None:
                    from . import themes

                    self.store.set_meta("taxonomy", themes.fingerprint(self.store.taxonomy_path))
                if result.updated:
                    self.links.drop_unused()
        except InputError as error:
            found = problems + [p for p in error.problems if p not in problems]
            raise InputError(found + result.warnings) from None
        return result

    def _index_in_bulk(self) -> str | None:
        """Inside an import's transaction: take away the trigger that adds each new row to the
        full-text index one by one (_store adds a review's rows in one statement, which costs
        less than half as much), and return its SQL, to make it again before the commit. A
        rollback brings it back by itself."""
        row = self.db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                              "AND name = 'recommendations_ai'").fetchone()
        if row is not None:
            self.db.execute("DROP TRIGGER recommendations_ai")
        return row[0] if row else None

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
            if changes is None:  # the same recommendations: at most their follow-up is new
                db.execute("UPDATE reviews SET content_hash = ?, base_key = ? WHERE id = ?",
                           (digest, review.base_key, review_row))
                result.unchanged += 1
                self._follow_up(key, review, result)
                return key
            result.changes.append(f"{key}: {changes}")
            db.execute(
                "UPDATE reviews SET key = ?, csp = ?, title = ?, review_type = ?, basis = ?, "
                "source_url = ?, summary = ?, published = ?, year_of_death = ?, base_key = ?, "
                "identity = ?, content_hash = ? WHERE id = ?", fields + (review_row,))
            self.terms.subtract(document_counts(((text, names) for _, _, text, names in
                                                 lesson_sources(db, "WHERE r.review = ?",
                                                                (review_row,))), self.glossary))
            db.execute("DELETE FROM recommendations WHERE review = ?", (review_row,))
            result.updated += 1
        # All the review's rows in three statements: ids are given here, not by SQLite, so
        # that each table is written in one go.
        decisions = theming.decisions(self.db, key)
        next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM recommendations").fetchone()[0]
        recs, links, themes = [], [], []
        keys = by_number((rec.number, rec) for rec in review.recommendations)
        for position, ((_, occurrence), rec) in enumerate(keys.items(), start=1):
            rec_row = next_id + position - 1
            given = json.dumps(rec.themes) if rec.themes is not None else None
            recs.append((rec_row, review_row, position, rec.number, rec.sort_key, occurrence,
                         rec.text, given))
            registry = self.store.registry
            found = theming.themes_for(self.store.taxonomy, rec.text, rec.themes,
                                       decisions.get((rec.number, occurrence), {}),
                                       self.rules_done,
                                       [(name, registry.resolve(name).sector) for name in rec.to])
            themes.extend((rec_row, theme, source, reason) for theme, (source, reason) in found.items())
            names = (review.csp, *rec.to)  # its lesson terms, while its words are still cached
            done = self.terms_done.get((rec.text, names))
            self.terms.update(done if done is not None
                              else document_counts([(rec.text, names)], self.glossary))
            for i, name in enumerate(rec.to, 1):
                agency = self.links.agency_for(name)
                links.append((rec_row, i, agency, name))
                result.agencies.add(agency)
        db.executemany(
            "INSERT INTO recommendations (id, review, position, number, sort_key, occurrence, "
            "text, themes_given) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", recs)
        db.execute("INSERT INTO recommendations_fts (rowid, text) SELECT id, text FROM "
                   "recommendations WHERE id BETWEEN ? AND ?", (next_id, next_id + len(recs) - 1))
        db.executemany(
            "INSERT INTO recommendation_agencies (recommendation, position, agency, written) "
            "VALUES (?, ?, ?, ?)", links)
        db.executemany(
            "INSERT INTO recommendation_themes (recommendation, theme, source, reason) "
            "VALUES (?, ?, ?, ?)", themes)
        db.executemany("INSERT INTO recommendation_fingerprints (recommendation, print) "
                       "VALUES (?, ?)",
                       [(row[0], found) for row in recs for found in prints(row[6])])
        self._follow_up(key, review, result)
        return key

    def _follow_up(self, key: str, review: Review, result: ImportResult) -> None:
        """The targets and status events the review file gives, keyed like those a person
        records: a target replaces the one held, and an event is added unless the same one
        (addressee, status, date, note, evidence) is there already."""
        from .followup import now as current
        from .statuses import add_event, set_target

        now = current()
        for (number, occurrence), rec in by_number(
                (rec.number, rec) for rec in review.recommendations).items():
            for name, target in (rec.target or {}).items():
                set_target(self.db, key, number, occurrence, name, target)
            for event in rec.status:
                result.events += add_event(self.db, key, number, occurrence,
                                           {"source": "review file", **event}, now)

    def _repeats(self, key: str, review: Review) -> list[str]:
        """What a review newly written repeats almost word for word from other reviews: one
        line for a review that repeats most of another (usually the same review imported
        twice under different ids), else a line per repeated recommendation. Candidates share
        a fingerprint (lessons.prints) with it; nothing is compared with every recommendation."""
        from collections import Counter

        found, by_review = [], Counter()
        mine = self.db.execute("SELECT r.id, r.number, r.text FROM recommendations r "
                               "JOIN reviews v ON v.id = r.review WHERE v.key = ? "
                               "ORDER BY r.position", (key,)).fetchall()
        for rec, number, text in mine:
            words = None
            for other, theirs, their_text in self.db.execute(
                    "SELECT v.key, r.number, r.text FROM recommendation_fingerprints p "
                    "JOIN recommendation_fingerprints q ON q.print = p.print "
                    "JOIN recommendations r ON r.id = q.recommendation "
                    "JOIN reviews v ON v.id = r.review "
                    "WHERE p.recommendation = ? AND v.key != ? LIMIT 2",  # in index order
                    (rec, key)):
                words = words or word_set(text)
                other_words = word_set(their_text)
                if 2 * len(words & other_words) / (len(words) + len(other_words)) >= 0.85:
                    found.append((number, other, theirs))
                    by_review[other] += 1
                    break
        total = len(mine)
        for other, count in sorted(by_review.items()):
            if total >= 2 and count >= 0.8 * total:
                return [f"review {key} repeats {count} of its {total} recommendations from review "
                        f"{other}: is it the same review imported twice under two ids?"]
        return [f"recommendation {number} repeats {other}/{theirs}"
                for number, other, theirs in found]

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

    def _unknown_themes(self, review: Review, raw: Raw, source: str) -> list[str]:
        problems = []
        for index, rec in enumerate(review.recommendations):
            for theme in rec.themes or []:
                try:
                    self.store.taxonomy.check(theme)
                except DhrError as error:
                    line = raw.line("recommendations", index, "themes")
                    problems.append(f"{source}:{line}: recommendation {index + 1} (number "
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
