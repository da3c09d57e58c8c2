"""Linking addressees to agencies: each name as written is resolved through the registry to
one agency row, added when new; re-linking when the registry or the user's aliases change;
dropping agencies nothing is addressed to; settling the name of bodies the registry does not
know."""

from __future__ import annotations

from .store import Store


class Links:
    """The links between addressees and agencies of an open store."""

    def __init__(self, store: Store):
        self.store = store
        self._ids: dict[str, int] = {}  # written name -> agency id, for this transaction
        store.on_rollback.append(self._ids.clear)  # ids given in a transaction go with it

    @property
    def db(self):
        return self.store.db

    def changed(self) -> bool:
        """Whether the registry (shipped, rules or user file) changed since the catalogue was
        last linked under it."""
        from . import agencies

        return self.store.meta("registry") != agencies.fingerprint(self.store.aliases_path)

    def sync(self) -> None:
        """Re-link if the registry changed since the catalogue was last linked. Only on a
        catalogue being written, or on a copy in memory: reads never write."""
        if self.changed():
            self.relink()

    def relink(self) -> int:
        """Link every addressee again under the current registry, in one transaction.
        Returns how many addressee links changed agency."""
        from . import agencies

        self.store.forget_registry()  # its files may have changed since it was loaded
        self._ids.clear()
        before = self._sectors()
        with self.store.transaction():
            links = self.db.execute("SELECT written, agency, count(*) FROM recommendation_agencies "
                                    "GROUP BY written, agency").fetchall()
            changed, touched = 0, set()
            for written, old, count in links:
                new = self.agency_for(written, refresh=True)
                touched.add(new)
                if new != old:
                    self.db.execute("UPDATE recommendation_agencies SET agency = ? "
                                    "WHERE written = ? AND agency = ?", (new, written, old))
                    changed += count
            self.drop_unused()
            self._settle_names(touched)
            self.store.set_meta("registry", agencies.fingerprint(self.store.aliases_path))
        after = self._sectors()
        moved = sorted(rec for rec in after if after[rec] != before.get(rec))
        if moved:  # an addressee's sector is a signal of themes: classify those again
            from .theming import retheme

            for start in range(0, len(moved), 5000):
                retheme(self.store, only=moved[start:start + 5000])
        return changed

    def _sectors(self) -> dict[int, str]:
        """recommendation -> the sectors of its addressees, in order."""
        return dict(self.db.execute(
            "SELECT ra.recommendation, group_concat(a.sector, ' ') FROM (SELECT * FROM "
            "recommendation_agencies ORDER BY recommendation, position) ra "
            "JOIN agencies a ON a.id = ra.agency GROUP BY ra.recommendation"))

    def known_names(self) -> list[str]:
        """Every agency name and alias the registry knows, and every name and spelling the
        catalogue holds: what the page reader uses to find where an addressee begins."""
        return self.store.registry.names() + [row[0] for row in self.db.execute(
            "SELECT name FROM agencies UNION SELECT written FROM recommendation_agencies")]

    def name_index(self):
        """(known, first_words) for the page reader, from known_names()."""
        from .agencies import name_index

        return name_index(self.known_names())

    def drop_unused(self) -> int:
        """Delete the agencies no recommendation is addressed to, and forget the ids noted for
        names: SQLite gives a deleted row's id to the next new agency, and a noted id would
        then link a name to the wrong body."""
        self._ids.clear()
        return self.db.execute("DELETE FROM agencies WHERE id NOT IN "
                               "(SELECT agency FROM recommendation_agencies)").rowcount

    def agency_for(self, written: str, refresh: bool = False) -> int:
        """The catalogue's agency for an addressee as written, added if new. With `refresh`,
        its sector, scope and (for registry bodies) name are set from the registry again."""
        if written in self._ids:
            return self._ids[written]
        agency = self.store.registry.resolve(written)
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
        self._ids[written] = agency_id
        return agency_id

    def settle_names(self, agency_ids) -> None:
        """After an import: give the agencies it linked to that the registry does not know the
        spelling their reviews use most. Once per import command, not once per file: it reads
        every link of those agencies, which grows with the catalogue."""
        with self.store.transaction():
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
                name = self.store.registry.resolve(written).name
                tally = votes.setdefault(agency_id, {})
                tally[name] = tally.get(name, 0) + count
        self.db.executemany("UPDATE agencies SET name = ? WHERE id = ? AND name != ?", [
            (best, agency_id, best) for agency_id, tally in votes.items()
            for best in [min(tally, key=lambda name: (-tally[name], name))]])
