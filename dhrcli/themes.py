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
from pathlib import Path

from .records import DhrError

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = DATA / "themes.yaml"
GLOSSARY = DATA / "glossary.yaml"
MAX_GAP = 4  # words allowed between the parts of a "a ... b" cue

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_SPAN = re.compile(r"[^\W_]+(?:['’‘`´ʼ][^\W_]+)*|&")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light stem: plural, -ing and -ed endings, a final e and a doubled last consonant go,
    so that train/training/trained/trains and policy/policies share a stem."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        root = word[: -len(suffix)]
        if word.endswith(suffix) and len(root) >= 3 and re.search("[aeiouy]", root):
            word = root
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouylsz":
        word = word[:-1]
    return word


def words(text: str) -> list[tuple[str, str, int, int]]:
    """(folded word, stem, start, end) for each word of a text; start/end index the text.
    Apostrophes inside a word are dropped ("Clare’s" is "clares"), "&" is the word "and", and
    other marks split words."""
    if "&" not in text and _APOSTROPHES.search(text) is None:  # the common case, done in bulk
        lower = text.casefold()
        if len(lower) == len(text):  # so that positions in it are positions in the text
            return [(m.group(), stem(m.group()), m.start(), m.end()) for m in _WORD.finditer(lower)]
    result = []
    for match in _SPAN.finditer(text):
        token = match.group()
        if token == "&":
            result.append(("and", "and", match.start(), match.end()))
        else:
            for part in _WORD.findall(_APOSTROPHES.sub("", token).casefold()):
                result.append((part, stem(part), match.start(), match.end()))
    return result


@dataclass(frozen=True)
class Slot:
    kind: str            # "stem", "prefix", "exact" (the word as written) or "any" (of stems)
    values: tuple[str, ...]

    def matches(self, word: str, stemmed: str) -> bool:
        if self.kind == "prefix":
            return word.startswith(self.values[0])
        if self.kind == "exact":
            return word == self.values[0]
        return stemmed in self.values


@dataclass(frozen=True)
class Cue:  # frozen, but cached_property needs a __dict__: keep the default (no slots)
    text: str
    slots: tuple[Slot, ...]
    gaps: tuple[bool, ...]  # gaps[i]: up to MAX_GAP words may come before slot i

    @classmethod
    def parse(cls, text: str, source: str) -> "Cue":
        slots, gaps, gap = [], [], False
        for token in str(text).split():
            if token in ("...", "…"):
                gap = True
                continue
            if token.startswith("(") and token.endswith(")") and "|" in token:
                options = [w for option in token[1:-1].split("|") for w in _fold_words(option)]
                slot = Slot("any", tuple(stem(w) for w in options))
            elif token.endswith("*") and len(token) > 2:
                slot = Slot("prefix", tuple(_fold_words(token[:-1])[:1]))
            elif token.startswith("=") and len(token) > 1:
                slot = Slot("exact", tuple(_fold_words(token[1:])[:1]))
            else:
                for word in _fold_words(token):
                    slots.append(Slot("stem", (stem(word),)))
                    gaps.append(gap)
                    gap = False
                continue
            if not slot.values or not all(slot.values):
                raise DhrError(f"{source}: cue {text!r} has an empty part")
            slots.append(slot)
            gaps.append(gap)
            gap = False
        if not slots or gaps[0]:
            raise DhrError(f"{source}: cue {text!r} has no words to match (or starts with ...)")
        return cls(str(text), tuple(slots), tuple(gaps))

    @functools.cached_property
    def needs(self) -> frozenset:
        """Keys (kind, value) of the words a text must have for this cue to match it."""
        return frozenset(("s" if slot.kind == "stem" else "w", slot.values[0])
                         for slot in self.slots if slot.kind in ("stem", "exact"))

    def find(self, tokens) -> list[tuple[int, int]]:
        """(first, last) token index of each place the cue matches, left to right."""
        found = []
        for start in range(len(tokens)):
            end = self._match(tokens, 0, start)
            if end is not None:
                found.append((start, end))
        return found

    def _match(self, tokens, slot: int, position: int) -> int | None:
        if position >= len(tokens) or not self.slots[slot].matches(*tokens[position][:2]):
            return None
        return self._after(tokens, slot, position)

    def _after(self, tokens, slot: int, position: int) -> int | None:
        """Where the cue ends, given that `slot` matched the word at `position`."""
        if slot + 1 == len(self.slots):
            return position
        reach = MAX_GAP + 1 if self.gaps[slot + 1] else 1
        for step in range(1, reach + 1):
            end = self._match(tokens, slot + 1, position + step)
            if end is not None:
                return end
        return None


def _fold_words(text: str) -> list[str]:
    return _WORD.findall(_APOSTROPHES.sub("", text.casefold().replace("&", " and ")))


@dataclass
class Theme:
    slug: str
    label: str
    definition: str
    cues: list[Cue]
    nots: list[Cue] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    """Why a theme was given: which cue matched which words of the text."""

    cue: str
    words: str


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
            self.themes[slug] = Theme(
                slug, str(entry.get("label") or slug), str(entry.get("definition") or ""),
                [Cue.parse(c, f"{source}: theme {slug!r}") for c in cues],
                [Cue.parse(c, f"{source}: theme {slug!r}") for c in entry.get("not") or []])
        for group in data.get("glossary") or []:
            terms = group.get("terms") if isinstance(group, dict) else group
            if not isinstance(terms, list) or len(terms) < 2:
                raise DhrError(f"{source}: each glossary entry needs two or more terms (got {group!r})")
            self.glossary.append([str(t) for t in terms])
        self.sources.append(source)

    def _compiled(self):
        """Indexes from a word, its stem, or its first two letters to the cues that can start
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
                            key = (kind, value if kind != "p" else value[:2])
                            target.setdefault(key, []).append((theme.slug, cue, negative))
            self._index = (single, longer)
        return self._index

    def classify(self, text: str) -> dict[str, list[Match]]:
        """The themes of a text, each with the matches that gave it, in taxonomy order."""
        tokens = words(text)
        at: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, (word, stemmed, _, _) in enumerate(tokens):
            at["s", stemmed].append(i)
            at["w", word].append(i)
        for word, positions in list(at.items()):
            if word[0] == "w":
                at["p", word[1][:2]].extend(positions)
        single, longer = self._compiled()
        positive: dict[str, list] = {}
        negative: dict[str, list] = {}
        for key in single.keys() & at.keys():
            for slug, cue, is_not in single[key]:
                spans = (negative if is_not else positive).setdefault(slug, [])
                if key[0] == "p":
                    prefix = cue.slots[0].values[0]
                    spans.extend((i, i, cue.text) for i in at[key] if tokens[i][0].startswith(prefix))
                else:
                    spans.extend((i, i, cue.text) for i in at[key])
        present = at.keys()
        for key in longer.keys() & present:
            for slug, cue, is_not in longer[key]:
                if not cue.needs <= present:
                    continue  # a word the cue must have is not in the text
                for i in at[key]:
                    if key[0] == "p" and not tokens[i][0].startswith(cue.slots[0].values[0]):
                        continue
                    end = cue._after(tokens, 0, i)
                    if end is not None:
                        (negative if is_not else positive).setdefault(slug, []).append(
                            (i, end, cue.text))
        found: dict[str, list[Match]] = {}
        for slug in self.themes:
            spans = positive.get(slug)
            if not spans:
                continue
            blocked = negative.get(slug)
            if blocked:
                spans = [span for span in spans
                         if not any(span[0] <= b[1] and b[0] <= span[1] for b in blocked)]
            # A match inside a longer one of the same theme says nothing more: keep the longer.
            kept, reach, last_span = [], -1, None
            for first, last, cue in sorted(set(spans), key=lambda span: (span[0], -span[1], span[2])):
                if last <= reach and (first, last) != last_span:
                    continue
                kept.append((first, last, cue))
                if last > reach:
                    reach, last_span = last, (first, last)
            if kept:
                found[slug] = [Match(cue, text[tokens[f][2]:tokens[la][3]])
                               for f, la, cue in sorted(kept)]
        return found

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
        key = " ".join(_fold_words(term))
        for group in self.glossary:
            if key in (" ".join(_fold_words(t)) for t in group):
                return [term] + [t for t in group if " ".join(_fold_words(t)) != key]
        return None


def fingerprint(user_path: Path | None) -> str:
    """Changes whenever the themes or glossary could change; cheap (no parsing)."""
    from .datafiles import fingerprint as of_files

    return of_files("themes 1", SHIPPED, GLOSSARY, user_path)


def load(user_path: Path | None) -> Taxonomy:
    """The shipped taxonomy and glossary, then the user's taxonomy file if there is one
    (parsed once, then kept in the user's cache until a file changes)."""
    from .datafiles import cached

    return cached("taxonomy", fingerprint(user_path), lambda: _load(user_path))


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
    recommendation_themes.reason holds it)."""
    return json.dumps([{"cue": cue, "words": " ".join(words.split())} for cue, words, *_ in matches],
                      ensure_ascii=False)


def reasons(taxonomy: Taxonomy, text: str) -> dict[str, str]:
    """theme -> why (reason_json), for the themes the taxonomy's rules give a text."""
    return {theme: reason_json((m.cue, m.words) for m in matches)
            for theme, matches in taxonomy.classify(text).items()}
