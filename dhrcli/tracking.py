"""Reading follow-up: a recommendation's status history, status events as rows, the items
overdue (past their target, or with no response at all), and counts by status. Over the
recommendations a Filters keeps (queries.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from . import followup
from .queries import _REC_ORDER, Filters, Queries


class Tracking:
    """Follow-up reads over the recommendations `queries` selects."""

    def __init__(self, queries: Queries):
        self.queries = queries
        self.store = queries.store
        self.names = queries.names

    @property
    def db(self):
        return self.store.db

    def history(self, reference: str, withdrawn: bool = True) -> tuple[dict, list[dict]]:
        """A recommendation and its status events, per addressee in the review's order, each
        in date order (withdrawn ones too, marked, unless `withdrawn` is False)."""
        rec = self.names.recommendation_row(reference)
        order = {name: i for i, name in enumerate(self.names.addressees(rec))}
        rows = [dict(row) for row in self.db.execute(
            "SELECT id AS event, addressee, status, date, note, evidence, recorded_by, source, "
            "recorded_at, withdrawn_at FROM status_events WHERE review = ? AND number = ? AND "
            "occurrence = ?" + ("" if withdrawn else " AND withdrawn_at IS NULL")
            + " ORDER BY date, id", (rec["review_id"], rec["number"], rec["occurrence"]))]
        rows.sort(key=lambda row: order.get(row["addressee"], len(order)))
        return rec, rows

    EVENT_COLUMNS = ["review_id", "number", "addressee", "status", "date", "note", "evidence",
                     "recorded_by", "source", "recorded_at", "withdrawn_at"]

    def events(self, filters: Filters) -> Iterator[dict]:
        """The status events of the recommendations the filters keep, one row each, in review
        order, then by addressee and date (withdrawn ones too)."""
        rows = self._kept(
            filters, "v.key AS review_id, r.number, e.addressee, e.status, e.date, e.note, "
            "e.evidence, e.recorded_by, e.source, e.recorded_at, e.withdrawn_at",
            "JOIN status_events e ON e.review = v.key AND e.number = r.number "
            "AND e.occurrence = r.occurrence", "e.addressee, e.date, e.id")
        return (dict(row) for row in rows)

    def _kept(self, filters: Filters, columns: str, joins: str, then: str,
              also: tuple[list[str], list] = ([], [])):
        """Rows of `columns` for the recommendations r (of reviews v) the filters keep, with
        `joins` and the clauses and parameters `also`, in review order and then by `then`."""
        kept, params = self.queries.kept(filters)
        where = "".join(f" AND {clause}" for clause in also[0])
        return self.db.execute(
            f"SELECT {columns} FROM recommendations r JOIN reviews v ON v.id = r.review {joins} "
            f"WHERE r.id IN ({kept}){where} ORDER BY {_REC_ORDER}, {then}", params + also[1])

    def pairs(self, filters: Filters) -> list[dict]:
        """Each (recommendation, addressee) pair the filters keep, in review order: its
        agency, current state, whether anything was ever heard, and its target. The filters
        about agencies keep only the pairs of the agencies they name."""
        rows = self._kept(
            filters, "v.key, r.number, r.occurrence, v.published, v.csp, "
            "coalesce(ra.written, ''), a.key, a.name, a.sector",
            "LEFT JOIN recommendation_agencies ra ON ra.recommendation = r.id "
            "LEFT JOIN agencies a ON a.id = ra.agency", "ra.position",
            self.queries.agency_clauses(filters)).fetchall()
        current: dict[tuple, str] = {}
        for key, number, occurrence, addressee, status in self.db.execute(
                "SELECT review, number, occurrence, addressee, status FROM status_events "
                "WHERE withdrawn_at IS NULL ORDER BY date, id"):
            current[key, number, occurrence, addressee] = status
        targets = {tuple(row[:4]): row[4] for row in self.db.execute(
            "SELECT review, number, occurrence, addressee, target FROM targets")}
        found = []
        for key, number, occurrence, published, csp, written, agency, name, sector in rows:
            pair = (key, number, occurrence, written)
            found.append({
                "review_id": key, "number": number, "published": published, "csp": csp,
                "addressee": written, "agency_key": agency, "agency": name, "sector": sector,
                "status": current.get(pair, followup.DEFAULT), "heard": pair in current,
                "target": targets.get(pair) or targets.get((key, number, occurrence, ""))})
        return found

    OVERDUE_COLUMNS = ["review_id", "number", "addressee", "sector", "status", "target",
                       "reason", "days_overdue", "successor"]

    def overdue(self, filters: Filters, as_of: str, months: int) -> list[dict]:
        """The open (recommendation, addressee) pairs past their target on `as_of`, and those
        never answered `months` after publication ("no response"); most overdue first. An
        addressee with a successor by then names it."""
        today = datetime.date.fromisoformat(as_of)
        registry = self.store.registry
        found = []
        for pair in self.pairs(filters):
            if not followup.is_open(pair["status"]):
                continue
            due, reason = None, None
            if pair["target"]:
                due, reason = datetime.date.fromisoformat(pair["target"]), "past target"
            elif not pair["heard"] and pair["published"]:
                due, reason = _months_after(pair["published"], months), "no response"
            if due is None or due >= today:
                continue
            successors = [registry.agencies[link.successor].name for link in registry.successions
                          if link.predecessor == pair["agency_key"] and link.date <= as_of
                          and link.successor in registry.agencies]
            found.append({**pair, "reason": reason, "days_overdue": (today - due).days,
                          "successor": " | ".join(successors) or None})
        return sorted(found, key=lambda row: -row["days_overdue"])

    def by_status(self, per: str | None, filters: Filters) -> tuple[list[str], list[dict]]:
        """(columns, rows): the (recommendation, addressee) pairs the filters keep, counted by
        current state, overall or per agency, sector, CSP or year of publication, with each
        state's share of its row (percentages that add up to 100)."""
        counts: dict[str, dict[str, int]] = {}
        for pair in self.pairs(filters):
            group = {None: "all", "agency": pair["agency"] or "(none)",
                     "sector": pair["sector"] or "(none)", "csp": pair["csp"],
                     "year": (pair["published"] or "unknown")[:4]}[per]
            tally = counts.setdefault(group, {})
            tally[pair["status"]] = tally.get(pair["status"], 0) + 1
        present = [s for s in followup.STATES if any(s in t for t in counts.values())]
        label = per or "scope"
        columns = [label, "total"] + [c for s in present for c in (s, f"{s}_pct")]
        rows = []
        for group, tally in counts.items():
            total = sum(tally.values())
            shares = _shares([tally.get(s, 0) for s in present], total)
            row = {label: group, "total": total}
            for state_name, share in zip(present, shares):
                row[state_name], row[f"{state_name}_pct"] = tally.get(state_name, 0), share
            rows.append(row)
        rows.sort(key=lambda row: (-row["total"], str(row[label])))
        return columns, rows


def _months_after(published: str, months: int) -> datetime.date:
    """The day `months` after a publication date (YYYY, YYYY-MM or YYYY-MM-DD: its first day)."""
    parts = [int(p) for p in published.split("-")] + [1, 1]
    year, month, day = parts[:3]
    month += months
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime.date(year, month, min(day, 28))


def _shares(counts: list[int], total: int) -> list[float]:
    """Percentages to one decimal that add up to exactly 100 (largest remainders get the
    tenths left over)."""
    if not total:
        return [0.0 for _ in counts]
    tenths = [count * 1000 / total for count in counts]
    floors = [int(t) for t in tenths]
    left = 1000 - sum(floors)
    for i in sorted(range(len(counts)), key=lambda i: -(tenths[i] - floors[i]))[:left]:
        floors[i] += 1
    return [f / 10 for f in floors]
