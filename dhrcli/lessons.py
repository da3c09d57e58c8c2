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

import functools
import hashlib
import math
import re
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

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
        self.groups: dict[str, list[str]] = {}  # a group's term -> the terms of the group
        for group in groups:
            name = "=" + "_".join(fold_words(group[0]))
            self.groups[name] = list(group)
            for term in group:
                run = tuple(stem(w)[:ROOT] for w in fold_words(term))
                if run:
                    self.runs[run] = name
        self.longest = max((len(run) for run in self.runs), default=0)
        self.firsts = frozenset(run[0] for run in self.runs)  # where a run may begin


@functools.lru_cache(maxsize=4096)
def _name_run(name: str) -> tuple[str, ...]:
    return tuple(stem(w)[:ROOT] for w, _, _, _ in words(name))


def terms(text: str, glossary: Glossary, said: bool = True, names: Iterable[str] = ()
          ) -> tuple[Counter, dict[str, str]]:
    """(term -> count, term -> a word of the text it stands for) for one recommendation; with
    `said` false, the second is empty (it is wanted only for what is shown). The words of
    `names` (its addressees as written, its review's CSP) are not terms where the text
    names them whole: "Norfolk Constabulary should ..." in two reviews of one place is not a
    lesson they share."""
    found = words(text)
    tokens = [stemmed[:ROOT] for _, stemmed, _, _ in found]
    spans = [(start, end) for _, _, start, end in found]
    skip = _named(tokens, names) if names else ()
    kept: list[str] = []
    where: list[tuple[int, int]] = []
    i, count, runs, firsts = 0, len(tokens), glossary.runs, glossary.firsts
    while i < count:
        token = tokens[i]
        size = 1
        if i in skip:
            i += 1
            continue
        if token in firsts:
            for size in range(min(glossary.longest, count - i), 0, -1):
                run = tuple(tokens[i:i + size])
                if run in runs:
                    token = runs[run]
                    break
            else:
                size = 1
        if token not in STOP and len(token) > 1 and not token.isdigit():
            kept.append(token)
            where.append((spans[i][0], spans[i + size - 1][1]))
        i += size
    counts: Counter = Counter(kept)
    counts.update(f"{first} {second}" for first, second in zip(kept, kept[1:]))
    shown: dict[str, str] = {}
    if said:
        for position, term in enumerate(kept):
            shown[term] = text[where[position][0]:where[position][1]]
            if position:
                shown.setdefault(f"{kept[position - 1]} {term}",
                                 f"{shown[kept[position - 1]]} {shown[term]}")
    return counts, shown


def _named(tokens: list[str], names: Iterable[str]) -> set[int]:
    """The positions of the tokens that spell one of `names` whole."""
    runs = {run for run in map(_name_run, names) if run}
    if not runs:
        return set()
    firsts = {run[0] for run in runs}
    skip: set[int] = set()
    for i, token in enumerate(tokens):
        if token in firsts:
            for run in runs:
                if tuple(tokens[i:i + len(run)]) == run:
                    skip.update(range(i, i + len(run)))
    return skip


def document_counts(texts: Iterable[tuple[str, Iterable[str]]], glossary: Glossary) -> Counter:
    """term -> how many of the texts hold it, for (text, names) pairs (see `terms`)."""
    counts: Counter = Counter()
    for text, names in texts:
        counts.update(terms(text, glossary, said=False, names=names)[0].keys())
    return counts


class Weights:
    """How much each term weighs: tf-idf, from how many recommendations of `size` hold it."""

    def __init__(self, df: Mapping[str, int], size: int):
        self.df, self.size = df, size
        self.unseen = math.log(1 + size) + 1  # a term no recommendation holds

    @classmethod
    def of(cls, bags: Iterable[Counter]) -> "Weights":
        df: Counter = Counter()
        size = 0
        for bag in bags:
            df.update(bag.keys())
            size += 1
        return cls(df, size)

    def vector(self, bag: Counter) -> dict[str, float]:
        """A bag as a unit vector of tf-idf weights (phrase terms weigh PHRASE_WEIGHT)."""
        raw = {}
        for term, count in bag.items():
            found = self.df.get(term)
            idf = math.log((1 + self.size) / (1 + found)) + 1 if found else self.unseen
            raw[term] = (1 + math.log(count)) * idf * (PHRASE_WEIGHT if " " in term else 1.0)
        norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
        return {term: w / norm for term, w in raw.items()}


def cosine(a: dict, b: dict) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b[term] for term, weight in a.items() if term in b)


class Index:
    """The weighted bags of many recommendations, and an inverted index over them, held
    compactly (terms as numbers, weights in arrays) so that 100,000 fit in a few hundred MB."""

    def __init__(self, bags: Iterable[tuple[int, Counter]], weights: Weights):
        self.weights = weights
        self.number: dict[str, int] = {}  # term -> its number
        self.keys: list[int] = []  # position -> the recommendation's key
        self.terms: list[array] = []  # position -> its term numbers, heaviest first
        self.values: list[array] = []  # position -> their weights
        self.postings: dict[int, tuple[array, array]] = {}  # term -> (positions, weights)
        for key, bag in bags:
            position = len(self.keys)
            ordered = sorted(weights.vector(bag).items(), key=lambda item: (-item[1], item[0]))
            numbers = array("i", (self.number.setdefault(term, len(self.number))
                                  for term, _ in ordered))
            values = array("d", (weight for _, weight in ordered))
            self.keys.append(key)
            self.terms.append(numbers)
            self.values.append(values)
            for term, weight in zip(numbers, values):
                posted = self.postings.get(term)
                if posted is None:
                    posted = self.postings[term] = (array("i"), array("d"))
                posted[0].append(position)
                posted[1].append(weight)

    def vector(self, position: int) -> dict[int, float]:
        return dict(zip(self.terms[position], self.values[position]))

    def candidates(self, position: int, top: int, most: int) -> dict[int, float]:
        """position -> the part of the cosine with `position` that its `top` heaviest terms
        give, for the recommendations after it (by position) sharing one of them; a term more
        than `most` hold is passed over (it says little, and would make the work grow with
        the square)."""
        scores: dict[int, float] = defaultdict(float)
        for term, weight in zip(self.terms[position][:top], self.values[position][:top]):
            found, values = self.postings[term]
            if len(found) > most:
                continue
            start = bisect_right(found, position)  # postings are in position order
            for other, value in zip(found[start:], values[start:]):
                scores[other] += weight * value
        return scores

    def words(self, position: int) -> dict[str, float]:
        """A vector with its terms as words, for `why`."""
        names = self._names()
        return {names[term]: value for term, value in zip(self.terms[position], self.values[position])}

    def _names(self) -> list[str]:
        if len(getattr(self, "_named", ())) != len(self.number):
            self._named = sorted(self.number, key=self.number.__getitem__)
        return self._named


def why(a: dict[str, float], b: dict[str, float], shown: dict[str, str], most: int = 6) -> list[str]:
    """The terms that make two bags most alike, as the words of the text, heaviest first."""
    shared = sorted(((a[t] * b[t], t) for t in a.keys() & b.keys()), reverse=True)[:most]
    return [shown.get(term, term) for _, term in shared]


@functools.lru_cache(maxsize=4096)  # import reads a text for its prints, then compares it
def plain_words(text: str) -> tuple[str, ...]:
    """A text's words, folded, as import's check for near copies counts them."""
    return tuple(re.findall(r"[^\W_]+", text.casefold()))


@functools.lru_cache(maxsize=4096)  # a common text is the candidate of many
def word_set(text: str) -> frozenset[str]:
    return frozenset(plain_words(text))


def prints(text: str) -> list[int]:
    """Fingerprints of a text's words - of its first half and of its second - that a copy
    with a small edit still shares one of (import checks candidates by word overlap): 64-bit
    integers, each once."""
    found = plain_words(text)
    halves = [found[:len(found) // 2], found[len(found) // 2:]] if len(found) >= 8 else [found]
    return list(dict.fromkeys(int.from_bytes(hashlib.blake2b(
        " ".join(half).encode("utf-8"), digest_size=8).digest(), "big", signed=True)
        for half in halves if half))
