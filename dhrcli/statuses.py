"""Recording what became of a recommendation: status events per (recommendation, addressee),
and withdrawing one recorded by mistake. Functions over an open store (store.py); the states
and dates are followup.py's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    status, when, now = followup.state(status), followup.date(when), followup.now()
    with store.transaction():
        return [_insert(store.db, rec["review_id"], rec["number"], rec["occurrence"],
                        {"to": name, "status": status, "date": when, "note": note,
                         "evidence": evidence, "by": by, "source": source}, now)
                for name in written]


def withdraw(store, event: int) -> dict:
    """Mark an event as recorded by mistake: it is kept, and no longer counts. Returns it."""
    row = store.db.execute("SELECT * FROM status_events WHERE id = ?", (event,)).fetchone()
    if row is None:
        raise DhrError(f"no status event {event} in the catalogue", hint="history")
    if row["withdrawn_at"] is not None:
        raise DhrError(f"status event {event} was withdrawn already, at {row['withdrawn_at']}")
    with store.transaction():
        store.db.execute("UPDATE status_events SET withdrawn_at = ? WHERE id = ?",
                         (followup.now(), event))
    return dict(row)


def add_event(db, key: str, number: str, occurrence: int, event: dict, now: str) -> bool:
    """Add one event (a dict of records.EVENT_FIELDS, `to` the addressee as written) unless
    the same one - addressee, status, date, note, evidence - is there already. True if added."""
    same = db.execute(
        "SELECT 1 FROM status_events WHERE review = ? AND number = ? AND occurrence = ? AND "
        "addressee = ? AND status = ? AND date = ? AND coalesce(note, '') = ? AND "
        "coalesce(evidence, '') = ?",
        (key, number, occurrence, event["to"], event["status"], event["date"],
         event.get("note") or "", event.get("evidence") or "")).fetchone()
    if same:
        return False
    _insert(db, key, number, occurrence, event, now)
    return True


def _insert(db, key: str, number: str, occurrence: int, event: dict, now: str) -> int:
    """Write one event (records.EVENT_FIELDS, `to` the addressee as written); its id."""
    return db.execute(
        "INSERT INTO status_events (review, number, occurrence, addressee, status, date, note, "
        "evidence, recorded_by, source, recorded_at, withdrawn_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (key, number, occurrence, event["to"], event["status"], event["date"], event.get("note"),
         event.get("evidence"), event.get("by"), event.get("source"), event.get("recorded", now),
         event.get("withdrawn"))).lastrowid


def set_target(db, key: str, number: str, occurrence: int, addressee: str, target: str) -> None:
    db.execute("INSERT OR REPLACE INTO targets (review, number, occurrence, addressee, target) "
               "VALUES (?, ?, ?, ?, ?)", (key, number, occurrence, addressee, target))


@dataclass
class PlanResult:
    """What reading one action plan recorded, and what it could not place."""

    unmatched: list = field(default_factory=list)   # lines saying which rows matched nothing
    words: dict = field(default_factory=dict)        # outcome word -> status it was read as
    matched: int = 0
    by_text: int = 0
    events: int = 0
    targets: int = 0


def apply_plan(store, review: str, rows: list, default_date: str, by: str | None) -> PlanResult:
    """Match each plan row (plans.PlanRow) to a recommendation of the review - by number, else
    by text - and record its target and status for its lead agency (or every addressee), in one
    transaction. A row that matches nothing is reported, never guessed; a lead agency that is
    not an addressee, or a bad date, stops the whole file (InputError)."""
    from .records import InputError

    names = Names(store)
    row = names.review_row(review)
    recs = [dict(r) for r in store.db.execute(
        "SELECT id, number, occurrence, text FROM recommendations WHERE review = ? "
        "ORDER BY position", (row["id"],))]
    result, problems, work = PlanResult(), [], []
    for plan in rows:
        rec, how = _match(plan, recs)
        if rec is None:
            result.unmatched.append(f"{plan.place}: matches no recommendation of {row['key']}"
                                    f"{how}")
            continue
        rec = {**rec, "review_id": row["key"]}
        try:
            leads = [name for name in re.split(r"\s*[;|]\s*", plan.lead or "") if name]
            written = chosen(store, rec, leads)  # "ICB; GP practices": a cell may name several
        except DhrError as error:
            problems.append(f"{plan.place}: {error}")
            continue
        result.matched += 1
        result.by_text += how == "text"
        work.append((plan, rec, written))
    if problems:
        raise InputError(problems)
    now = followup.now()
    with store.transaction():
        for plan, rec, written in work:
            if plan.target:  # the lead agency's part, or the whole recommendation
                for name in written if plan.lead else [""]:
                    set_target(store.db, row["key"], rec["number"], rec["occurrence"], name,
                               plan.target)
                result.targets += 1
            if plan.status is None:
                continue
            result.words[plan.outcome] = plan.status
            for name in written:
                event = {"to": name, "status": plan.status, "date": plan.date or default_date,
                         "note": plan.outcome, "by": by, "source": plan.place}
                result.events += add_event(store.db, row["key"], rec["number"],
                                           rec["occurrence"], event, now)
    return result


def _match(plan, recs: list[dict]):
    """(recommendation, "number" or "text"), or (None, why) for a row that matches none."""
    import difflib

    def alike(text: str) -> float:
        return difflib.SequenceMatcher(None, " ".join(text.lower().split()),
                                       " ".join(plan.text.lower().split())).ratio()

    if plan.number:
        same = [r for r in recs if r["number"].lower() == plan.number.lower()]
        if len(same) == 1:
            return same[0], "number"
        if same and plan.text:
            return max(same, key=lambda r: alike(r["text"])), "number"
    if not plan.text:
        return None, f" (number {plan.number!r}, and no text to match by)"
    scored = sorted(((alike(r["text"]), r["number"], r) for r in recs), key=lambda s: -s[0])
    if scored and scored[0][0] >= 0.6:
        return scored[0][2], "text"
    closest = f"; the closest is {scored[0][1]} ({scored[0][0]:.2f})" if scored else ""
    return None, f" by number or text{closest}"
