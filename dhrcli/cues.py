"""Cues: the word patterns that give a theme, and the folding and light stemming that text and
cues share (lower case, apostrophes dropped, "&" read as "and", each word to its stem)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .records import DhrError

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


@functools.lru_cache(maxsize=8)  # classification and lessons.terms read the same text in turn
def words(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """(folded word, stem, start, end) for each word of a text; start/end index the text.
    Apostrophes inside a word are dropped ("Clare’s" is "clares"), "&" is the word "and", and
    other marks split words."""
    return tuple(_words(text))


def _words(text: str) -> list[tuple[str, str, int, int]]:
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
    companions: tuple[str, ...] = ()  # stems; the text must hold one of them too

    @classmethod
    def parse(cls, text: str, source: str) -> "Cue":
        slots, gaps, gap, companions = [], [], False, []
        for token in str(text).split():
            if token in ("...", "…"):
                gap = True
                continue
            if token.startswith("{") and token.endswith("}") and len(token) > 2:
                found = [stem(w) for option in token[1:-1].split("|") for w in fold_words(option)]
                if not found:
                    raise DhrError(f"{source}: cue {text!r} has an empty part")
                companions.extend(found)
                continue
            if token.startswith("(") and token.endswith(")") and "|" in token:
                options = [w for option in token[1:-1].split("|") for w in fold_words(option)]
                slot = Slot("any", tuple(stem(w) for w in options))
            elif token.endswith("*") and len(token) > 2:
                slot = Slot("prefix", tuple(fold_words(token[:-1])[:1]))
            elif token.startswith("=") and len(token) > 1:
                slot = Slot("exact", tuple(fold_words(token[1:])[:1]))
            else:
                for word in fold_words(token):
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
        return cls(str(text), tuple(slots), tuple(gaps), tuple(companions))

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


def fold_words(text: str) -> list[str]:
    return _WORD.findall(_APOSTROPHES.sub("", text.casefold().replace("&", " and ")))
