"""An open catalogue: the store (store.py) and the jobs done over it, each its own object.

    store    the file: open modes, transactions, schema and migrations, meta values
    links    addressees to agencies (linking.py)
    writer   imports (writing.py)
    names    names to rows, with did-you-mean (lookup.py)
    read     recommendation rows, search, reviews, explanations (queries.py)
    counts   agencies, sectors, themes, cross-tabs, groups, breakdowns (counts.py)
    tracking follow-up: histories, events, overdue items, counts by status (tracking.py)
    recurrence  similar and recurring recommendations (recurrence.py)

Reads never write: when the registry changed since the file was last linked, a read works on
a copy in memory linked anew, and the next write links the file.
"""

from __future__ import annotations

import functools
from pathlib import Path

from .linking import Links
from .lookup import Names
from .queries import Queries
from .store import Store


class Catalogue:
    """An open catalogue; see Store for `write` and `scratch`."""

    def __init__(self, path: Path, write: bool = False, aliases: Path | None = None,
                 taxonomy: Path | None = None, scratch: bool = False, as_is: bool = False):
        """`as_is`: read the links as the file holds them, even under a changed registry (to
        check the file itself)."""
        self.store = Store(path, write, aliases, taxonomy, scratch)
        self.links = Links(self.store)
        self.names = Names(self.store)
        self.read = Queries(self.store, self.names)
        self.relinked_in_memory = False  # read from a copy linked under a changed registry
        with self.store.errors_named():
            if not (write or self.store.in_memory or as_is) and self.links.changed():
                self.store.use_copy()
                self.relinked_in_memory = True
            if write or (self.store.in_memory and not as_is and (self.store.exists or scratch)):
                self.links.sync()  # a catalogue not made yet, only read, has nothing to link

    # The other jobs are made (and their modules loaded) when first asked for: a search needs
    # none of them.
    @functools.cached_property
    def writer(self):
        from .writing import Writer

        return Writer(self.store, self.links)

    @functools.cached_property
    def counts(self):
        from .counts import Counts

        return Counts(self.read)

    @functools.cached_property
    def tracking(self):
        from .tracking import Tracking

        return Tracking(self.read)

    @functools.cached_property
    def recurrence(self):
        from .recurrence import Recurrence

        return Recurrence(self.read)

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()
