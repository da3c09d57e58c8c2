"""Recurring recommendations: the recommendations of other reviews most like one (`similar`),
and the groups of recommendations from different reviews that say the same thing
(`recurring`), by lessons.py's method, over the recommendations a Filters keeps."""

from __future__ import annotations

import heapq

from . import followup
from .lessons import Glossary, Index, terms, why
from .queries import Filters, Queries

THRESHOLD = 0.25  # the cosine at which two recommendations say the same thing (see the guide)
# Candidates for a recommendation's links: through its CANDIDATE_TERMS heaviest terms, each shared
# by at most CANDIDATE_POSTINGS recommendations, the CANDIDATES with most in common; so that the
# work grows with the catalogue, not with its square.
CANDIDATE_TERMS, CANDIDATE_POSTINGS, CANDIDATES = 8, 1000, 50


class Recurrence:
    """Similar and recurring recommendations over the ones `queries` selects."""

    def __init__(self, queries: Queries):
        self.queries = queries
        self.store = queries.store

    def _index(self, filters: Filters):
        """(review key by id, Index, words shown by id) for the recommendations the filters
        keep: only their texts are read here; rows are read for what is shown."""
        glossary = Glossary(self.store.taxonomy.glossary)
        kept, params = self.queries.kept(filters)
        reviews, bags, shown = {}, {}, {}
        for key, review, text in self.store.db.execute(
                "SELECT r.id, v.key, r.text FROM recommendations r JOIN reviews v ON v.id = r.review "
                f"WHERE r.id IN ({kept}) ORDER BY r.id", params):
            reviews[key] = review
            bags[key], shown[key] = terms(text, glossary)
        return reviews, Index(bags), shown

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

    def similar(self, reference: str, filters: Filters, limit: int | None) -> list[dict]:
        """The recommendations of other reviews most like one, best first, each with its score
        and the words that made them alike."""
        rec = self.queries.names.recommendation_row(reference)
        reviews, index, shown = self._index(filters)
        bag, own = terms(rec["text"], Glossary(self.store.taxonomy.glossary))
        vector = index.weigh(bag)
        best = []
        for key, score in sorted(index.alike(vector).items(), key=lambda item: (-item[1], item[0])):
            if reviews[key] == rec["review_id"] or score < 0.05:
                continue
            best.append((key, score))
            if limit and len(best) >= limit:
                break
        rows = self._rows(key for key, _ in best)
        return [{**rows[key], "score": round(score, 3),
                 "alike": why(vector, index.vectors[key], {**shown[key], **own})}
                for key, score in best]

    def recurring(self, filters: Filters, min_reviews: int = 3,
                  threshold: float = THRESHOLD) -> list[dict]:
        """Groups of recommendations from at least `min_reviews` reviews that say the same
        thing: linked when alike at `threshold` or more (through each one's heaviest terms, so
        that not every pair is compared), and grouped by those links. Largest first; the same
        catalogue gives the same groups in the same order."""
        reviews, index, shown = self._index(filters)
        parent = {key: key for key in reviews}

        def root(key):
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        links: dict[int, dict[int, float]] = {key: {} for key in reviews}
        for key in sorted(reviews):
            vector = index.vectors[key]
            found = index.alike(vector, top=CANDIDATE_TERMS, most=CANDIDATE_POSTINGS)
            for other in heapq.nlargest(CANDIDATES, found, key=lambda k: (found[k], -k)):
                partial = found[other]
                if other <= key or partial < threshold / 4 or reviews[other] == reviews[key]:
                    continue  # seen from the other side, too little in common, or one review
                score = index.cosine(vector, index.vectors[other]) if partial < threshold else partial
                if score >= threshold:
                    links[key][other] = links[other][key] = score
                    parent[root(other)] = root(key)
        members: dict[int, list[int]] = {}
        for key in sorted(reviews):
            members.setdefault(root(key), []).append(key)
        chosen = [keys for keys in members.values()
                  if len(keys) >= 2 and len({reviews[k] for k in keys}) >= min_reviews]
        rows = self._rows((k for keys in chosen for k in keys), filters)
        groups = []
        for keys in chosen:
            reviewed = {reviews[k] for k in keys}
            # its links are all inside the group (they made it): the most linked is central
            central = max(keys, key=lambda k: (sum(links[k].values()), -k))
            recs = [rows[k] for k in keys]
            years = sorted((r["published"] or "")[:4] for r in recs if r["published"])
            statuses = [r["status"] for r in recs]
            groups.append({
                "text": rows[central]["text"], "representative": f"{rows[central]['review_id']}/"
                f"{rows[central]['number']}", "recommendations": len(keys),
                "reviews": len(reviewed), "csps": len({r["csp"] for r in recs}),
                "first": years[0] if years else None, "last": years[-1] if years else None,
                "agencies": sorted({a for r in recs for a in r["agencies"]}),
                "sectors": sorted({s for r in recs for s in r["sectors"]}),
                "open": sum(1 for s in statuses if followup.still_open(s)),
                "alike": why(index.vectors[central], index.vectors[keys[0] if keys[0] != central
                                                                    else keys[-1]],
                             shown[central]),
                "members": recs})
        groups.sort(key=lambda g: (-g["reviews"], -g["recommendations"], g["first"] or "",
                                   g["representative"]))
        for number, group in enumerate(groups, start=1):
            group["group"] = number
        return groups
