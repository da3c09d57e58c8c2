"""Recurring recommendations: the recommendations of other reviews most like one (`similar`),
and the groups of recommendations from different reviews that say the same thing
(`recurring`), by lessons.py's method, over the recommendations a Filters keeps."""

from __future__ import annotations

import heapq
from array import array

from . import followup
from .fts import _phrase
from .lessons import Glossary, Index, Weights, cosine, terms, why
from .migrations import lesson_sources
from .queries import Filters, Queries

THRESHOLD = 0.25  # the cosine at which two recommendations say the same thing (see the guide)
# Candidates for a recommendation's links: through its CANDIDATE_TERMS heaviest terms, each shared
# by at most CANDIDATE_POSTINGS recommendations, the CANDIDATES with most in common; so that the
# work grows with the catalogue, not with its square.
CANDIDATE_TERMS, CANDIDATE_POSTINGS, CANDIDATES = 8, 1000, 50
# similar: the full-text index finds the SIMILAR_CANDIDATES best matches of the recommendation's
# SIMILAR_TERMS heaviest terms, and those are scored; nothing else is read.
SIMILAR_TERMS, SIMILAR_CANDIDATES = 10, 300


class Recurrence:
    """Similar and recurring recommendations over the ones `queries` selects. Terms weigh
    by how many recommendations of the whole catalogue hold them (the lesson_terms table,
    kept at import), so a recommendation's score does not depend on the selection."""

    def __init__(self, queries: Queries):
        self.queries = queries
        self.store = queries.store

    @property
    def glossary(self) -> Glossary:
        return self.store.glossary

    def _weights(self, wanted=None) -> Weights:
        """The catalogue's term counts: for the terms `wanted`, or all."""
        db = self.store.db
        size = db.execute("SELECT count(*) FROM recommendations").fetchone()[0]
        if wanted is None:
            return Weights(dict(db.execute("SELECT term, df FROM lesson_terms")), size)
        wanted, df = sorted(set(wanted)), {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            df.update(db.execute(f"SELECT term, df FROM lesson_terms WHERE term IN "
                                 f"({', '.join('?' * len(chunk))})", chunk))
        return Weights(df, size)

    def _rows(self, keys, filters: Filters | None = None) -> dict[int, dict]:
        """Recommendation rows (queries.REC_COLUMNS) by id, for the ids given: a few by id,
        many in one pass over the recommendations the filters keep."""
        keys = sorted(set(keys))
        if len(keys) > 2000:
            wanted = set(keys)
            return {row["_id"]: row for row in self.queries.recommendations(filters or Filters())
                    if row["_id"] in wanted}
        rows = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            rows.update((row["_id"], row) for row in self.queries.recommendations(
                Filters(), ids=chunk))
        return rows

    def _match(self, term: str, said: dict[str, str]) -> str | None:
        """The full-text query for one term: its words as written, or any term of its
        glossary group."""
        if term in self.glossary.groups:
            return " OR ".join(filter(None, map(_phrase, self.glossary.groups[term]))) or None
        return _phrase(said.get(term, term))

    def similar(self, reference: str, filters: Filters, limit: int | None) -> list[dict]:
        """The recommendations of other reviews most like one, best first, each with its score
        and the words that made them alike. Candidates come from the full-text index (the
        best matches of the recommendation's heaviest terms), so that only they are read."""
        rec = self.queries.names.recommendation_row(reference)
        bag, own = self._terms(rec["id"])
        vector = self._weights(bag).vector(bag)
        heaviest = sorted(vector, key=lambda term: (-vector[term], term))[:SIMILAR_TERMS]
        parts = [part for part in (self._match(term, own) for term in heaviest) if part]
        if not parts:
            return []
        kept, params = self.queries.kept(filters)
        found = [key for key, in self.store.db.execute(
            "SELECT r.id FROM recommendations_fts f "
            "JOIN recommendations r ON r.id = f.rowid JOIN reviews v ON v.id = r.review "
            f"WHERE recommendations_fts MATCH ? AND v.key != ? AND r.id IN ({kept}) "
            f"ORDER BY bm25(recommendations_fts), r.id LIMIT {SIMILAR_CANDIDATES}",
            [" OR ".join(f"({part})" for part in parts), rec["review_id"], *params])]
        bags = {key: terms(text, self.glossary, names=names) for key, _, text, names in
                lesson_sources(self.store.db, f"WHERE r.id IN ({', '.join('?' * len(found))})",
                               found)} if found else {}
        weights = self._weights(term for other, _ in bags.values() for term in other)
        vectors = {key: weights.vector(other) for key, (other, _) in bags.items()}
        scored = sorted(((cosine(vector, other), key) for key, other in vectors.items()),
                        key=lambda item: (-item[0], item[1]))
        best = [(key, score) for score, key in scored if score >= 0.05][:limit or None]
        rows = self._rows(key for key, _ in best)
        return [{**rows[key], "score": round(score, 3),
                 "alike": why(vector, vectors[key], {**bags[key][1], **own})}
                for key, score in best]

    def _index(self, filters: Filters) -> tuple[Index, array]:
        """The Index of the recommendations the filters keep (in id order), and each one's
        review by position."""
        kept, params = self.queries.kept(filters)
        reviews = array("i")

        def bags():
            for key, review, text, names in lesson_sources(
                    self.store.db, f"WHERE r.id IN ({kept})", params):
                reviews.append(review)
                yield key, terms(text, self.glossary, said=False, names=names)[0]

        return Index(bags(), self._weights()), reviews

    def recurring(self, filters: Filters, min_reviews: int = 3,
                  threshold: float = THRESHOLD) -> list[dict]:
        """Groups of recommendations from at least `min_reviews` reviews that say the same
        thing. Two recommendations of different reviews are linked when alike at `threshold`
        or more (looked for through the heaviest terms of the first of them, so that not every
        pair is compared). The most linked recommendation leads a group of itself and those linked
        to it (of each other review, the one most like it), then the most linked of those
        left, and so on: every member is alike to the group's lead, so that a group does not
        drift from one lesson to the next through a chain of links. Most repeated first; the same catalogue gives the same groups in the
        same order."""
        index, reviews = self._index(filters)
        near: dict[int, tuple[array, array]] = {}

        def link(a: int, b: int, score: float) -> None:
            for one, other in ((a, b), (b, a)):
                held = near.get(one)
                if held is None:
                    held = near[one] = (array("i"), array("f"))
                held[0].append(other)
                held[1].append(score)

        for position in range(len(index.keys)):
            found = index.candidates(position, CANDIDATE_TERMS, CANDIDATE_POSTINGS)
            own, least = reviews[position], threshold / 4  # less in common than that: no link
            mine = None
            for partial, other in heapq.nlargest(CANDIDATES, (
                    (partial, -other) for other, partial in found.items()
                    if partial >= least and reviews[other] != own)):
                other = -other
                if partial < threshold:  # the heaviest terms alone do not settle it
                    mine = mine or index.vector(position)
                    partial = sum(value * mine.get(term, 0.0) for term, value
                                  in zip(index.terms[other], index.values[other]))
                if partial >= threshold:
                    link(position, other, partial)
        strength = {position: sum(held[1]) for position, held in near.items()}
        taken: dict[int, int] = {}
        stars = []
        for lead in sorted(near, key=lambda p: (-strength[p], p)):
            if lead in taken:
                continue
            best: dict[int, tuple[float, int]] = {}  # review -> its member: the most alike
            for other, score in zip(*near[lead]):
                if other not in taken and (-score, other) < best.get(reviews[other], (1.0, 0)):
                    best[reviews[other]] = (-score, other)
            members = [lead] + [other for _, other in best.values()]
            if len(members) < 2:
                continue
            for member in members:
                taken[member] = lead
            if len(members) >= min_reviews:  # one member a review
                stars.append((lead, sorted(members)))
        keys = index.keys
        rows = self._rows((keys[m] for _, members in stars for m in members), filters)
        groups = []
        for lead, members in stars:
            recs = [rows[keys[m]] for m in members]
            scores = dict(zip(*near[lead]))
            nearest = max((o for o in members if o != lead), key=lambda o: (scores[o], -o))
            years = sorted((r["published"] or "")[:4] for r in recs if r["published"])
            statuses = [r["status"] for r in recs]
            central = rows[keys[lead]]
            groups.append({
                "text": central["text"], "representative": f"{central['review_id']}/"
                f"{central['number']}", "recommendations": len(members),
                "reviews": len({reviews[m] for m in members}), "csps": len({r["csp"] for r in recs}),
                "first": years[0] if years else None, "last": years[-1] if years else None,
                "agencies": sorted({a for r in recs for a in r["agencies"]}),
                "sectors": sorted({s for r in recs for s in r["sectors"]}),
                "open": sum(1 for s in statuses if followup.still_open(s)),
                "alike": self._why(keys[lead], keys[nearest]),
                "members": recs})
        groups.sort(key=lambda g: (-g["reviews"], -g["recommendations"], g["first"] or "",
                                   g["representative"]))
        for number, group in enumerate(groups, start=1):
            group["group"] = number
        return groups

    def _terms(self, key: int) -> tuple:
        """lessons.terms of one recommendation, with the words shown."""
        for _, _, text, names in lesson_sources(self.store.db, "WHERE r.id = ?", (key,)):
            return terms(text, self.glossary, names=names)
        raise KeyError(key)

    def _why(self, key: int, other: int) -> list[str]:
        (a, said), (b, _) = self._terms(key), self._terms(other)
        weights = self._weights(list(a) + list(b))
        return why(weights.vector(a), weights.vector(b), said)
