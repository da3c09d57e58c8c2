"""Recurring recommendations: the recommendations of other reviews most like one (`similar`),
and the groups of recommendations from different reviews that say the same thing
(`recurring`), by lessons.py's method, over the recommendations a Filters keeps."""

from __future__ import annotations

from . import followup
from .lessons import Glossary, Index, terms, why
from .queries import Filters, Queries

THRESHOLD = 0.25  # the cosine at which two recommendations say the same thing (see the guide)


class Recurrence:
    """Similar and recurring recommendations over the ones `queries` selects."""

    def __init__(self, queries: Queries):
        self.queries = queries
        self.store = queries.store

    def _index(self, filters: Filters):
        """(rows by id, Index, words shown by id) for the recommendations the filters keep."""
        glossary = Glossary(self.store.taxonomy.glossary)
        rows, bags, shown = {}, {}, {}
        for row in self.queries.recommendations(filters):
            rows[row["_id"]] = row
            bags[row["_id"]], shown[row["_id"]] = terms(row["text"], glossary)
        return rows, Index(bags), shown

    def similar(self, reference: str, filters: Filters, limit: int | None) -> list[dict]:
        """The recommendations of other reviews most like one, best first, each with its score
        and the words that made them alike."""
        rec = self.queries.names.recommendation_row(reference)
        rows, index, shown = self._index(filters)
        glossary = Glossary(self.store.taxonomy.glossary)
        bag, own = terms(rec["text"], glossary)
        vector = index.weigh(bag)
        scores = index.alike(vector)
        found = []
        for key, score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
            row = rows[key]
            if row["review_id"] == rec["review_id"] or score < 0.05:
                continue
            found.append({**row, "score": round(score, 3),
                          "alike": why(vector, index.vectors[key], {**shown[key], **own})})
            if limit and len(found) >= limit:
                break
        return found

    def recurring(self, filters: Filters, min_reviews: int = 3,
                  threshold: float = THRESHOLD) -> list[dict]:
        """Groups of recommendations from at least `min_reviews` reviews that say the same
        thing: linked when alike at `threshold` or more (through each one's heaviest terms, so
        that not every pair is compared), and grouped by those links. Largest first; the same
        catalogue gives the same groups in the same order."""
        rows, index, shown = self._index(filters)
        parent = {key: key for key in rows}

        def root(key):
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        links: dict[int, dict[int, float]] = {key: {} for key in rows}
        for key in sorted(rows):
            vector = index.vectors[key]
            for other, partial in index.alike(vector, top=8).items():
                if other <= key or partial < threshold / 4 \
                        or rows[other]["review_id"] == rows[key]["review_id"]:
                    continue  # seen from the other side, too little in common, or one review
                score = index.cosine(vector, index.vectors[other]) if partial < threshold else partial
                if score >= threshold:
                    links[key][other] = links[other][key] = score
                    parent[root(other)] = root(key)
        members: dict[int, list[int]] = {}
        for key in sorted(rows):
            members.setdefault(root(key), []).append(key)
        groups = []
        for keys in members.values():
            reviews = {rows[k]["review_id"] for k in keys}
            if len(keys) < 2 or len(reviews) < min_reviews:
                continue
            central = max(keys, key=lambda k: (sum(links[k].get(o, 0) for o in keys), -k))
            recs = [rows[k] for k in keys]
            years = sorted((r["published"] or "")[:4] for r in recs if r["published"])
            statuses = [r["status"] for r in recs]
            groups.append({
                "text": rows[central]["text"], "representative": f"{rows[central]['review_id']}/"
                f"{rows[central]['number']}", "recommendations": len(keys),
                "reviews": len(reviews), "csps": len({r["csp"] for r in recs}),
                "first": years[0] if years else None, "last": years[-1] if years else None,
                "agencies": sorted({a for r in recs for a in r["agencies"]}),
                "sectors": sorted({s for r in recs for s in r["sectors"]}),
                "open": sum(1 for s in statuses if s.startswith("open") or followup.is_open(s)),
                "alike": why(index.vectors[central], index.vectors[keys[0] if keys[0] != central
                                                                    else keys[-1]],
                             shown[central]),
                "members": recs})
        groups.sort(key=lambda g: (-g["reviews"], -g["recommendations"], g["first"] or "",
                                   g["representative"]))
        for number, group in enumerate(groups, start=1):
            group["group"] = number
        return groups
