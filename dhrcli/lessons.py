"""What a recommendation asks, as weighted terms, and how alike two are: the method behind
`dhr similar` and `dhr recurring`. Nothing here knows SQL or the command line.

A recommendation becomes a bag of terms: its words, stemmed (cues.words), without the words
every recommendation uses ("it is recommended that ... should ensure"), each run of words that
is a glossary term folded into one term for its group (so "DVDS" and "Clare's Law" count as
one), and each pair of neighbouring words as a phrase term ("routine enquiry", "coercive
control"), weighted at PHRASE_WEIGHT of a word. Terms are weighted by how
rare they are in the catalogue (tf-idf) and the bag scaled to length 1; two recommendations are
as alike as the cosine of their bags. The terms that contribute most to it are the explanation.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict

from .cues import fold_words, stem, words

STOP = frozenset(stem(w)[:7] for w in """
a about above across after all also an and any are as at be been being below between both but
by can could do does each either for from further had has have having he her here his how i if
in into is it its itself may might more most must no nor not of off on once only or other
others our out over own per same she should so some such than that the their them then there
these they this those through to too under until up upon very was we were what when where
whether which while who whom why will with within would you your
recommend recommended recommendation recommendations ensure ensures ensuring consider
considered consideration given give undertake undertaken take place made make makes way ways
appropriate relevant particular particularly specific specifically including include includes
order need needs needed use used using whilst possible
""".split())
PHRASE_WEIGHT = 0.3  # a phrase term counts this much of a word term of the same rarity
ROOT = 7  # letters of a stem kept: evaluation, evaluated and evaluates are one term, "evaluat"


class Glossary:
    """Runs of folded, stemmed words -> the term that stands for their glossary group."""

    def __init__(self, groups: list[list[str]]):
        self.runs: dict[tuple[str, ...], str] = {}
        for group in groups:
            name = "=" + "_".join(fold_words(group[0]))
            for term in group:
                run = tuple(stem(w)[:ROOT] for w in fold_words(term))
                if run:
                    self.runs[run] = name
        self.longest = max((len(run) for run in self.runs), default=0)


def terms(text: str, glossary: Glossary) -> tuple[Counter, dict[str, str]]:
    """(term -> count, term -> a word of the text it stands for) for one recommendation."""
    tokens = [(stemmed[:ROOT], text[start:end]) for _, stemmed, start, end in words(text)]
    folded: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        for size in range(min(glossary.longest, len(tokens) - i), 0, -1):
            run = tuple(t[0] for t in tokens[i:i + size])
            if run in glossary.runs:
                folded.append((glossary.runs[run], " ".join(t[1] for t in tokens[i:i + size])))
                i += size
                break
        else:
            folded.append(tokens[i])
            i += 1
    kept = [(term, said) for term, said in folded if term not in STOP and not term.isdigit()
            and len(term) > 1]
    counts: Counter = Counter(term for term, _ in kept)
    shown = {term: said for term, said in kept}
    for (first, said_first), (second, said_second) in zip(kept, kept[1:]):
        phrase = f"{first} {second}"
        counts[phrase] += 1
        shown.setdefault(phrase, f"{said_first} {said_second}")
    return counts, shown


class Index:
    """Weighted term bags of many recommendations, and an inverted index over them."""

    def __init__(self, bags: dict[int, Counter]):
        self.size = len(bags)
        df: Counter = Counter()
        for bag in bags.values():
            df.update(bag.keys())
        self.idf = {term: math.log((1 + self.size) / (1 + count)) + 1 for term, count in df.items()}
        self.vectors: dict[int, dict[str, float]] = {}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for key, bag in bags.items():
            vector = self.weigh(bag)
            self.vectors[key] = vector
            for term, weight in vector.items():
                self.postings[term].append((key, weight))

    def weigh(self, bag: Counter) -> dict[str, float]:
        """A bag as a unit vector of tf-idf weights (phrase terms weigh more)."""
        raw = {term: (1 + math.log(count)) * self.idf.get(term, math.log(1 + self.size) + 1)
               * (PHRASE_WEIGHT if " " in term else 1.0) for term, count in bag.items()}
        norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
        return {term: w / norm for term, w in raw.items()}

    def alike(self, vector: dict[str, float], top: int | None = None,
              common: float = 0.1, most: int | None = None) -> dict[int, float]:
        """key -> cosine with `vector`, for the recommendations sharing a term with it; with
        `top`, through its `top` heaviest terms only (the candidates), and never through a term
        more than `common` of the recommendations have (or, with `most`, more than `most`)."""
        limit = most or max(50, int(common * self.size))
        chosen = sorted(vector.items(), key=lambda item: -item[1])[:top] if top else vector.items()
        scores: dict[int, float] = defaultdict(float)
        for term, weight in chosen:
            found = self.postings.get(term, ())
            if len(found) > limit:
                continue
            for key, other in found:
                scores[key] += weight * other
        return scores

    def cosine(self, a: dict[str, float], b: dict[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum(weight * b[term] for term, weight in a.items() if term in b)


def why(a: dict[str, float], b: dict[str, float], shown: dict[str, str], most: int = 6) -> list[str]:
    """The terms that make two bags most alike, as the words of the text, heaviest first."""
    shared = sorted(((a[t] * b[t], t) for t in a.keys() & b.keys()), reverse=True)[:most]
    return [shown.get(term, term) for _, term in shared]


def prints(text: str) -> list[str]:
    """Fingerprints of a text's words - of its first half and of its second - that a copy
    with a small edit still shares one of (import checks candidates by word overlap)."""
    found = re.findall(r"[^\W_]+", text.casefold())
    halves = [found[:len(found) // 2], found[len(found) // 2:]] if len(found) >= 8 else [found]
    return [hashlib.blake2b(" ".join(half).encode("utf-8"), digest_size=8).hexdigest()
            for half in halves if half]
