"""Themes: what a recommendation is about, given by transparent word rules, and the glossary.

The taxonomy (dhrcli/data/themes.yaml, extended or replaced by the user's taxonomy file) gives
each theme cues; `Taxonomy.classify` says which themes a text has and, for each, which cue
matched which words. Nothing here knows SQL or the command line.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
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
    result = []
    for match in _SPAN.finditer(text):
        if match.group() == "&":
            result.append(("and", "and", match.start(), match.end()))
            continue
        for part in _WORD.findall(_APOSTROPHES.sub("", match.group()).casefold()):
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
class Cue:
    text: str
    slots: tuple[Slot, ...]
    gaps: tuple[bool, ...]  # gaps[i]: up to MAX_GAP words may come before slot i

    @classmethod
    def parse(cls, text: str, where: str) -> "Cue":
        slots, gaps, gap = [], [], False
        for token in str(text).split():
            if token in ("...", "…"):
                gap = True
                continue
            if token.startswith("(") and token.endswith(")") and "|" in token:
                options = [w for option in token[1:-1].split("|") for w in _fold_words(option)]
                slot = Slot("any", tuple(stem(w) for w in options))
            elif token.endswith("*") and len(token) > 1:
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
                raise DhrError(f"{where}: cue {text!r} has an empty part")
            slots.append(slot)
            gaps.append(gap)
            gap = False
        if not slots or gaps[0]:
            raise DhrError(f"{where}: cue {text!r} has no words to match (or starts with ...)")
        return cls(str(text), tuple(slots), tuple(gaps))

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

    def add(self, data: dict, where: str, replace: bool = False) -> None:
        if not isinstance(data, dict):
            raise DhrError(f"{where}: a taxonomy file must be a mapping with 'themes:'")
        if replace:
            self.themes = {}
        for entry in data.get("themes") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("slug"), str):
                raise DhrError(f"{where}: each theme needs a 'slug' (got {entry!r})")
            slug = entry["slug"]
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
                raise DhrError(f"{where}: theme slug {slug!r} may hold only a-z, 0-9 and '-'")
            cues = entry.get("cues") or []
            if not cues:
                raise DhrError(f"{where}: theme {slug!r} has no cues")
            self.themes[slug] = Theme(
                slug, str(entry.get("label") or slug), str(entry.get("definition") or ""),
                [Cue.parse(c, f"{where}: theme {slug!r}") for c in cues],
                [Cue.parse(c, f"{where}: theme {slug!r}") for c in entry.get("not") or []])
        for group in data.get("glossary") or []:
            terms = group.get("terms") if isinstance(group, dict) else group
            if not isinstance(terms, list) or len(terms) < 2:
                raise DhrError(f"{where}: each glossary entry needs two or more terms (got {group!r})")
            self.glossary.append([str(t) for t in terms])
        self.sources.append(where)

    def classify(self, text: str) -> dict[str, list[Match]]:
        """The themes of a text, each with the matches that gave it, in taxonomy order."""
        tokens = words(text)
        found: dict[str, list[Match]] = {}
        for theme in self.themes.values():
            blocked = [span for cue in theme.nots for span in cue.find(tokens)]
            spans = []
            for cue in theme.cues:
                for first, last in cue.find(tokens):
                    if any(first <= b_last and b_first <= last for b_first, b_last in blocked):
                        continue
                    spans.append((first, last, cue.text))
            # A match inside a longer one of the same theme says nothing more: keep the longer.
            spans = [(f, la, c) for f, la, c in spans
                     if not any(f2 <= f and la <= la2 and (f2, la2) != (f, la)
                                for f2, la2, _ in spans)]
            spans = list(dict.fromkeys(spans))
            if spans:
                found[theme.slug] = [Match(cue, text[tokens[f][2]:tokens[la][3]])
                                     for f, la, cue in sorted(spans)]
        return found

    def check(self, slug: str) -> str:
        """The slug if the taxonomy has it; DhrError naming the closest ones if not."""
        if slug in self.themes:
            return slug
        import difflib

        close = difflib.get_close_matches(slug, list(self.themes), n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise DhrError(f"no theme {slug!r}{hint}; 'dhr themes' lists them")

    def expansions(self, term: str) -> list[str] | None:
        """The glossary group a term belongs to (the term first), or None."""
        key = " ".join(_fold_words(term))
        for group in self.glossary:
            if key in (" ".join(_fold_words(t)) for t in group):
                return [term] + [t for t in group if " ".join(_fold_words(t)) != key]
        return None


def user_taxonomy_path() -> Path:
    """$XDG_CONFIG_HOME/dhr/taxonomy.yaml, else ~/.config/dhr/taxonomy.yaml."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "dhr" / "taxonomy.yaml"
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "dhr" / "taxonomy.yaml"


def fingerprint(user_path: Path | None) -> str:
    digest = hashlib.sha256(b"themes 1")
    for path in (SHIPPED, user_path):
        if path is not None and path.is_file():
            digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def load(user_path: Path | None) -> Taxonomy:
    """The shipped taxonomy and glossary, then the user's taxonomy file if there is one."""
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
