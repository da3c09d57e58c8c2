"""Recording what became of a recommendation: status events per (recommendation, addressee),
and withdrawing one recorded by mistake. Functions over an open store (store.py); the states
and dates are followup.py's."""

from __future__ import annotations

import datetime

from . import followup
from .lookup import Names
from .records import DhrError


def chosen(store, rec: dict, names: list[str]) -> list[str]:
    """The addressees of `rec` that `names` give (any name or alias of the body, any case);
    all of them for no names. DhrError for a name that is not one of its addressees."""
    written = Names(store).addressees(rec)
    if not names:
        return written
    registry = store.registry
    picked = []
    for name in names:
        key = (registry.lookup(name) or registry.resolve(name)).key
        found = [w for w in written if w and registry.resolve(w).key == key]
        if not found:
            shown = ", ".join(repr(w) for w in written if w) or "none"
            raise DhrError(f"{name!r} is not an addressee of {rec['review_id']}/{rec['number']} "
                           f"(its addressees: {shown})")
        picked.extend(w for w in found if w not in picked)
    return picked


def record(store, rec: dict, written: list[str], status: str, when: str, note: str | None = None,
           evidence: str | None = None, by: str | None = None, source: str | None = None) -> list[int]:
    """One event for each addressee in `written`, in one transaction; returns their ids."""
    status, when = followup.state(status), followup.date(when)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    ids = []
    with store.transaction():
        for name in written:
            ids.append(store.db.execute(
                "INSERT INTO status_events (review, number, occurrence, addressee, status, date, "
                "note, evidence, recorded_by, source, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (rec["review_id"], rec["number"], rec["occurrence"], name, status, when, note,
                 evidence, by, source, now)).lastrowid)
    return ids


def withdraw(store, event: int) -> dict:
    """Mark an event as recorded by mistake: it is kept, and no longer counts. Returns it."""
    row = store.db.execute("SELECT * FROM status_events WHERE id = ?", (event,)).fetchone()
    if row is None:
        raise DhrError(f"no status event {event} in the catalogue", hint="history")
    if row["withdrawn_at"] is not None:
        raise DhrError(f"status event {event} was withdrawn already, at {row['withdrawn_at']}")
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    with store.transaction():
        store.db.execute("UPDATE status_events SET withdrawn_at = ? WHERE id = ?", (now, event))
    return dict(row)
