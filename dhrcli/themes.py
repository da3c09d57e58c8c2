"""Themes: what a recommendation is about, given by transparent word rules, and the glossary.

The taxonomy (dhrcli/data/themes.yaml, extended or replaced by the user's taxonomy file) gives
each theme cues; `Taxonomy.classify` says which themes a text has and, for each, which cue
matched which words. Nothing here knows SQL or the command line.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from pathlib import Path

from .cues import Cue, fold_words, words
from .records import DhrError

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = DATA / "themes.yaml"
GLOSSARY = DATA / "glossary.yaml"
MAX_SIGNAL_ADDRESSEES = 2  # an addressee says what a recommendation is about when it has few


@dataclass
class Theme:
    slug: str
    label: str
    definition: str
    cues: list[Cue]
    nots: list[Cue] = field(default_factory=list)
    sectors: frozenset = frozenset()  # addressees in these sectors are a signal of the theme
    names: list[Cue] = field(default_factory=list)  # as are addressees these cues match


class Match(NamedTuple):  # a tuple: made for every match of every text imported
    """Why a theme was given (or, with `blocked`, why a match did not count): which cue matched
    which words of the text, or (signal "addressee") which addressee was the signal."""

    cue: str
    words: str
    signal: str = "text"
    blocked: str | None = None  # the not-cue that overlapped it, or the companions it lacked


def _signal_lists(signals, where: str) -> tuple[list[str], list[str]]:
    """A theme's `addressees:` checked: (sectors, name cues)."""
    from .sectors import SECTORS

    if not isinstance(signals, dict) or set(signals) - {"sectors", "names"}:
        raise DhrError(f"{where}: 'addressees' must be a mapping with 'sectors:' and 'names:'")
    lists = []
    for key in ("sectors", "names"):
        value = signals.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DhrError(f"{where}: 'addressees: {key}:' must be a list of "
                           f"{'sector slugs' if key == 'sectors' else 'cues'}")
        lists.append(value)
    unknown = [sector for sector in lists[0] if sector not in SECTORS]
    if unknown:
        raise DhrError(f"{where}: {unknown[0]!r} is not a sector (one of: {', '.join(SECTORS)})")
    return lists[0], lists[1]


class Taxonomy:
    """The themes in force, and the glossary's groups of terms that mean the same."""

    def __init__(self):
        self.themes: dict[str, Theme] = {}
        self.glossary: list[list[str]] = []
        self.sources: list[str] = []
        self._index = None

    def add(self, data: dict, source: str, replace: bool = False) -> None:
        if not isinstance(data, dict):
            raise DhrError(f"{source}: a taxonomy file must be a mapping with 'themes:'")
        self._index = None
        self.__dict__.pop("_signal_cache", None)
        if replace:
            self.themes = {}
        for entry in data.get("themes") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("slug"), str):
                raise DhrError(f"{source}: each theme needs a 'slug' (got {entry!r})")
            slug = entry["slug"]
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
                raise DhrError(f"{source}: theme slug {slug!r} may hold only a-z, 0-9 and '-'")
            cues = entry.get("cues") or []
            if not cues:
                raise DhrError(f"{source}: theme {slug!r} has no cues")
            where = f"{source}: theme {slug!r}"
            signals = entry.get("addressees") or {}
            sectors, names = _signal_lists(signals, where)
            self.themes[slug] = Theme(
                slug, str(entry.get("label") or slug), str(entry.get("definition") or ""),
                [Cue.parse(c, where) for c in cues],
                [Cue.parse(c, where) for c in entry.get("not") or []],
                frozenset(sectors), [Cue.parse(c, where) for c in names])
        for group in data.get("glossary") or []:
            terms = group.get("terms") if isinstance(group, dict) else group
            if not isinstance(terms, list) or len(terms) < 2:
                raise DhrError(f"{source}: each glossary entry needs two or more terms (got {group!r})")
            self.glossary.append([str(t) for t in terms])
        self.sources.append(source)

    def _compiled(self):
        """Indexes from a word, its stem, or its first two or three letters to the cues that can start
        there, one-word cues apart from longer ones, so that a text is looked up once per
        distinct word rather than tried against every cue."""
        if self._index is None:
            single: dict[tuple[str, str], list] = {}
            longer: dict[tuple[str, str], list] = {}
            for theme in self.themes.values():
                for cues, negative in ((theme.cues, False), (theme.nots, True)):
                    for cue in cues:
                        first = cue.slots[0]
                        kind = {"stem": "s", "any": "s", "exact": "w"}.get(first.kind, "p")
                        values = first.values if kind == "s" else first.values[:1]
                        target = single if len(cue.slots) == 1 else longer
                        for value in values:
                            key = (kind, value)
                            if kind == "p":  # a prefix: by its first three letters if it has them
                                key = ("p3", value[:3]) if len(value) >= 3 else ("p", value[:2])
                            target.setdefault(key, []).append((theme.slug, cue, negative))
            wanted = set(single) | set(longer)  # every key a cue looks up or needs
            for theme in self.themes.values():
                for cue in (*theme.cues, *theme.nots):
                    wanted.update(cue.needs)
                    wanted.update(("s", c) for c in cue.companions)
            self._index = (single, longer, wanted, {})
        return self._index

    @staticmethod
    def _keys(word: str, stemmed: str, wanted: set) -> tuple:
        """The keys under which classify files a word: its stem, itself, its first three and
        two letters, as far as any cue asks for them."""
        return tuple(key for key in (("s", stemmed), ("w", word), ("p3", word[:3]),
                                     ("p", word[:2]))
                     if key in wanted and (key[0] != "p3" or len(word) >= 3))

    def classify(self, text: str, addressees=(), blocked: list | None = None
                 ) -> dict[str, list[Match]]:
        """The themes of a text, each with the matches that gave it, in taxonomy order.

        `addressees`, (name, sector) pairs, are a signal too when there are at most
        MAX_SIGNAL_ADDRESSEES of them. `blocked`, if a list, gets (theme, Match) for each
        match that did not count: overlapped by a not-cue, or lacking its companions."""
        tokens = words(text)
        single, longer, wanted, known = self._compiled()
        at: dict[tuple[str, str], list[int]] = defaultdict(list)  # only keys some cue wants
        for i, (word, stemmed, _, _) in enumerate(tokens):
            keys = known.get(word)
            if keys is None:  # each word's keys worked out once (reviews share a vocabulary)
                if len(known) >= 200_000:
                    known.clear()
                keys = known[word] = self._keys(word, stemmed, wanted)
            for key in keys:
                at[key].append(i)
        present = at.keys()
        positive: dict[str, list] = {}
        negative: dict[str, list] = {}
        for key in single.keys() & present:
            for slug, cue, is_not in single[key]:
                spans = (negative if is_not else positive).setdefault(slug, [])
                if key[0][0] == "p":
                    prefix = cue.slots[0].values[0]
                    spans.extend((i, i, cue) for i in at[key] if tokens[i][0].startswith(prefix))
                else:
                    spans.extend((i, i, cue) for i in at[key])
        waiting = []  # longer not-cues: tried only for the themes some cue gave
        for key in longer.keys() & present:
            for slug, cue, is_not in longer[key]:
                if not cue.needs <= present:
                    continue  # a word the cue must have is not in the text
                if is_not:
                    waiting.append((key, slug, cue))
                    continue
                self._place(tokens, at, key, cue, positive.setdefault(slug, []))
        for key, slug, cue in waiting:
            if positive.get(slug):
                self._place(tokens, at, key, cue, negative.setdefault(slug, []))

        def said(first, last, cue, why=None):
            return Match(cue.text, text[tokens[first][2]:tokens[last][3]], blocked=why)

        signals = self.signals(addressees)
        found: dict[str, list[Match]] = {}
        for slug in self.themes if signals else [s for s in self.themes if positive.get(s)]:
            spans = positive.get(slug)
            if not spans:
                matches = []
            elif len(spans) == 1 and not spans[0][2].companions and not negative.get(slug):
                matches = [said(*spans[0])]  # the common case, quickly
            else:
                matches = self._kept(slug, spans, negative.get(slug), present, said, blocked)
            matches += signals.get(slug, [])
            if matches:
                found[slug] = matches
        return found

    @staticmethod
    def _place(tokens, at, key, cue, spans: list) -> None:
        """Add (first, last, cue) for each place a cue of several words matches."""
        for i in at[key]:
            if key[0][0] == "p" and not tokens[i][0].startswith(cue.slots[0].values[0]):
                continue
            end = cue._after(tokens, 0, i)
            if end is not None:
                spans.append((i, end, cue))

    @staticmethod
    def _kept(slug, spans, against, present, said, blocked) -> list[Match]:
        """The matches of one theme that count: not overlapped by a not-cue, with their
        companions, and not inside a longer match (which says nothing more)."""
        kept_spans, dropped = [], []
        order = (lambda span: (span[0], span[1], span[2].text))  # not the order cues were found
        for span in sorted(spans, key=order):
            cue = span[2]
            if cue.companions and not any(("s", c) in present for c in cue.companions):
                dropped.append((span, "without any of: " + ", ".join(cue.companions)))
                continue
            if against:
                over = sorted((b for b in against if span[0] <= b[1] and b[0] <= span[1]),
                              key=order)
                if over:
                    dropped.append((span, f"not: {over[0][2].text}"))
                    continue
            kept_spans.append(span)
        if blocked is not None:
            blocked.extend((slug, said(*span, why)) for span, why in dropped)
        if len(kept_spans) > 1:
            kept, reach, last_span = [], -1, None
            for first, last, cue in sorted(set(kept_spans),
                                           key=lambda span: (span[0], -span[1], span[2].text)):
                if last <= reach and (first, last) != last_span:
                    continue
                kept.append((first, last, cue))
                if last > reach:
                    reach, last_span = last, (first, last)
            kept_spans = sorted(kept, key=lambda span: (span[0], span[1], span[2].text))
        return [said(*span) for span in kept_spans]

    def signals(self, addressees) -> dict[str, list[Match]]:
        """theme -> the addressees, (name, sector) pairs, that signal it: a recommendation
        with at most MAX_SIGNAL_ADDRESSEES addressees, one in a theme's sectors or matched by
        one of its name cues."""
        if not addressees or len(addressees) > MAX_SIGNAL_ADDRESSEES:
            return {}
        found: dict[str, list[Match]] = {}
        for name, sector in addressees:
            for slug, match in self._signals_of(name, sector):
                found.setdefault(slug, []).append(match)
        return found

    def _signals_of(self, name: str, sector: str) -> list[tuple[str, Match]]:
        """(theme, why) for one addressee; worked out once per name and sector, as an import
        meets the same few hundred addressees on every page."""
        cache = self.__dict__.setdefault("_signal_cache", {})
        known = cache.get((name, sector))
        if known is None:
            tokens, known = words(name), []
            for slug, theme in self.themes.items():
                if sector in theme.sectors:
                    cue = f"addressed to the sector {sector}"
                else:
                    cue = next((f"addressed to a body named {c.text}" for c in theme.names
                                if c.find(tokens)), None)
                if cue is not None:
                    known.append((slug, Match(cue, name, "addressee")))
            cache[name, sector] = known
        return known

    def check(self, slug: str) -> str:
        """The slug if the taxonomy has it; DhrError naming the closest ones if not."""
        if slug in self.themes:
            return slug
        import difflib

        close = difflib.get_close_matches(slug, list(self.themes), n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise DhrError(f"no theme {slug!r}{hint}", hint="themes")

    def expansions(self, term: str) -> list[str] | None:
        """The glossary group a term belongs to (the term first), or None."""
        return expansions(self.glossary, term)


def expansions(groups: list[list[str]], term: str) -> list[str] | None:
    """The group of `groups` (a glossary) a term belongs to (the term first), or None."""
    key = " ".join(fold_words(term))
    for group in groups:
        if key in (" ".join(fold_words(t)) for t in group):
            return [term] + [t for t in group if " ".join(fold_words(t)) != key]
    return None


def fingerprint(user_path: Path | None) -> str:
    """Changes whenever the themes or glossary could change; cheap (no parsing)."""
    from .datafiles import fingerprint as of_files

    return of_files("themes 2", SHIPPED, GLOSSARY, user_path)


def load(user_path: Path | None) -> Taxonomy:
    """The shipped taxonomy and glossary, then the user's taxonomy file if there is one
    (parsed once, then kept in the user's cache until a file changes)."""
    from .datafiles import cached

    return cached("taxonomy", fingerprint(user_path), lambda: _load(user_path))


def glossary(user_path: Path | None) -> list[list[str]]:
    """The glossary's groups alone, cached apart from the taxonomy: what a search needs to
    expand its terms, without unpickling every theme's cues."""
    from .datafiles import cached

    return cached("glossary", fingerprint(user_path), lambda: load(user_path).glossary)


def _load(user_path: Path | None) -> Taxonomy:
    from .datafiles import read_yaml

    def read(path: Path) -> dict:
        return read_yaml(path, "taxonomy file")

    taxonomy = Taxonomy()
    taxonomy.add(read(SHIPPED), str(SHIPPED))
    taxonomy.add(read(GLOSSARY), str(GLOSSARY))
    if user_path is not None and user_path.is_file():
        data = read(user_path)
        mode = data.get("mode", "extend")
        if mode not in ("extend", "replace"):
            raise DhrError(f"{user_path}: 'mode' must be extend or replace, not {mode!r}")
        taxonomy.add(data, str(user_path), replace=mode == "replace")
        if not taxonomy.themes:
            raise DhrError(f"{user_path}: the taxonomy has no themes")
    return taxonomy


def reason_json(matches) -> str:
    """A rule theme's reason: a JSON list of {"cue": ..., "words": ...}, one per match (as
    recommendation_themes.reason holds it), with "signal": "addressee" where an addressee was
    the signal rather than the text."""
    return _reason_json(tuple(tuple(match) for match in matches))


@functools.lru_cache(maxsize=20_000)  # the same cue meets the same words in many texts
def _reason_json(matches: tuple) -> str:
    listed = []
    for cue, said, *signal in matches:
        item = {"cue": cue, "words": " ".join(said.split())}
        if signal and signal[0] not in ("", "text"):
            item["signal"] = signal[0]
        listed.append(item)
    return json.dumps(listed, ensure_ascii=False)


def reasons(taxonomy: Taxonomy, text: str, addressees=()) -> dict[str, str]:
    """theme -> why (reason_json), for the themes the taxonomy's rules give a text and its
    addressees, (name, sector) pairs."""
    return {theme: reason_json((m.cue, m.words, m.signal) for m in matches)
            for theme, matches in taxonomy.classify(text, addressees).items()}
