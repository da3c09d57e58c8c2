"""Where a recommendation's text ends and its addressee begins, in the flattened page layout.

A flattened line is `NUMBER TEXT ADDRESSEE[ | ADDRESSEE...]`: the first addressee runs straight
on from the text. `split` tries every trailing run of words that could be an organisation's
name and scores it: a name dhr already knows (the registry, the catalogue) wins outright;
otherwise the shape of names (capitalised words, an ending such as Police, Council, Trust, ICB,
an abbreviation) and the shape of sentence endings (a full stop, a bracket, a lower-case word
before the name) decide, and the split says how sure it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_NAME_WORDS = 16
CONNECTORS = {"and", "of", "the", "for", "&", "in", "on", "upon", "at", "with", "de", "to"}
ORG_ENDINGS = {
    "police", "constabulary", "council", "nhs", "trust", "icb", "ccg", "partnership",
    "service", "services", "office", "ministry", "group", "ltd", "limited", "board",
    "commissioner", "agency", "agencies", "authority", "team", "unit", "department",
    "directorate", "hospital", "hospitals", "care", "government", "executive", "court",
    "courts", "probation", "prison", "hub", "centre", "center", "project", "charity",
    "association", "homes", "housing", "federation", "practice", "practices", "surgery",
    "college", "school", "university", "programme", "commission", "justice", "england",
    "wales", "cic", "plc", "foundation", "network", "alliance", "support", "aid", "marac",
    "mappa", "mash", "panel", "hmpps", "cps", "dwp", "dhsc", "dfe", "moj", "crc", "nps",
    "organisations", "partners", "providers", "provider", "safeguarding", "company", "body",
}
NAME_STARTERS = {"nhs", "hm", "hmp", "his", "her", "all", "multiple", "other", "contributing",
                 "the", "greater", "west", "east", "north", "south", "city", "royal", "national",
                 "safer", "safe", "london"}
GENERIC_WORDS = ORG_ENDINGS | {  # words of names that say what kind of body, not which one
    "community", "safety", "domestic", "abuse", "violence", "womens", "aid", "victim",
    "victims", "support", "adults", "adult", "children", "childrens", "local", "social",
    "care", "health", "mental", "public", "county", "city", "borough", "district", "and", "of",
    "the", "for", "idva", "independent", "advisory", "specialist", "clinical", "commissioning",
}
NOT_STARTERS = {  # capitalised words that begin text, not names
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "dash", "marac", "mappa", "dvds", "dna", "idva",
    "isva", "dvpn", "dvpo", "ric", "wnb", "ase", "a&e", "nice", "care", "act",
}
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$|^[A-Z]{2,}$")  # KMPT, SLaM, GMP
_YEAR = re.compile(r"^(19|20)\d\d[.,;:]?$")
_CODE = re.compile(r"^[A-Z]+\d+[A-Za-z0-9]*[.,;:]?$")  # PH50, NG225


@dataclass
class Split:
    text: str
    to: list[str]
    confidence: float  # 1.0 a known name; below 0.7 worth a person's check
    why: str


def _bare(word: str) -> str:
    return word.strip(",.;:").strip("()").strip("’'\"")


def _name_like(word: str) -> bool:
    bare = _bare(word)
    if not bare:
        return False
    if bare.lower() in CONNECTORS or bare == "&":
        return True
    return bare[0].isupper() or bare[0].isdigit() or bare[0] in "‘“"


def _name_run(words: list[str]) -> int:
    """How many trailing words could belong to one organisation name (a trailing bracket
    group, such as "(East of England)" or "(GMP)", counts as part of it)."""
    i = len(words)
    if i and words[-1].endswith(")"):  # a bracket group at the very end
        j = i - 1
        while j >= 0 and "(" not in words[j]:
            j -= 1
        if j >= 0 and all(_name_like(w) for w in words[j:i]) and words[j].startswith("("):
            i = j
    while i > 0 and len(words) - i < MAX_NAME_WORDS:
        word = words[i - 1]
        if word.endswith(")") or word.endswith((".", ";", ":")) or not _name_like(word):
            break
        if _bare(word).isdigit() and i - 1 > 0 and not _name_like(words[i - 2]):
            break  # "... by 2024" : a number does not start a name
        i -= 1
    while i < len(words) and _bare(words[i]).lower() in CONNECTORS:
        i += 1  # a name does not start with "and", "of", ...
    return len(words) - i


def split(line: str, known: Callable[[str], bool] | None = None,
          first_words: set[str] | None = None) -> Split:
    """Split `TEXT ADDRESSEE[ | ADDRESSEE...]` (the number already taken off)."""
    parts = [p.strip() for p in line.split(" | ")]
    head, others = parts[0], [p for p in parts[1:] if p]
    words = head.split()
    first_words = first_words or set()
    if len(words) < 2:
        return Split(head, others, 0.3, "too short to hold both text and an addressee")

    run = min(_name_run(words), len(words) - 1)

    # 1. A name dhr knows, the longest that fits - unless it is a generic one ("Community
    # Safety Partnership", "Women's Aid") that the words before it make particular.
    least = 1
    if known is not None:
        for k in range(min(MAX_NAME_WORDS, len(words) - 1), 0, -1):
            name = " ".join(words[-k:])
            if known(name):
                generic = all(_bare(w).lower().replace("’", "").replace("'", "") in GENERIC_WORDS
                              for w in words[-k:])
                if not generic or run <= k or not _name_like(words[-k - 1]):
                    return Split(" ".join(words[:-k]), [name] + others, 1.0, "a known agency")
                least = k
                break

    # 2. The shape of names and of sentence endings.
    if run == 0:
        return Split(head, others, 0.3, "no words at the end look like a name")
    scored = []
    for k in range(least, run + 1):
        name_words, before = words[-k:], words[-k - 1]
        first, last = _bare(name_words[0]), _bare(name_words[-1])
        if first.lower() in CONNECTORS or first[:1].isdigit():
            continue  # "of Justice", "7.14 Safe Durham Partnership" are not names
        score = 0.0
        if _bare(before).lower() in CONNECTORS and before[-1:].isalpha():
            score -= 2  # "Ministry of | Justice": a name does not end its text on "of"
        elif before.endswith((".", ")", ";", ":", "”", "’", '"', "?")) or _YEAR.match(before) \
                or (_bare(before)[:1].islower()) or _bare(before).isdigit():
            score += 3  # the text ends here as a sentence or a clause does
        elif _ACRONYM.match(_bare(before)) or _CODE.match(before):
            score += 1  # texts often end in an abbreviation: "... the DASH"
        if last.lower() in ORG_ENDINGS or name_words[-1].endswith(")"):
            score += 2
        elif _ACRONYM.match(last):
            score += 2 if all(_ACRONYM.match(_bare(w)) for w in name_words) else -1
        if first.lower() in first_words or first.lower() in NAME_STARTERS:
            score += 1
        if first.lower() in NOT_STARTERS or _CODE.match(first) or _YEAR.match(first):
            score -= 3
        if any(_YEAR.match(w) for w in name_words):
            score -= 3
        if k > 1 and _ACRONYM.match(first) and first.lower() not in NAME_STARTERS \
                and first.lower() not in first_words and not _ACRONYM.match(_bare(name_words[1])):
            score -= 3  # "... accreditation by DAHA | Karbon Homes": an abbreviation ends the text
        inner = [_bare(w).lower() for w in name_words[:-1]]
        if any(w in ORG_ENDINGS for w in inner[:1]) and k > 2:
            score -= 1  # "Team Leeds City Council": an ending word first is text, not a name
        scored.append((score, k))
    if not scored:
        return Split(head, others, 0.3, "no words at the end look like a name")
    best_score, best_k = max(scored, key=lambda s: (s[0], s[1]))
    runner_up = max((s for s, k in scored if k != best_k), default=-99)
    margin = best_score - runner_up
    confidence = 0.9 if best_score >= 5 and margin >= 2 else 0.75 if margin >= 1 and best_score >= 4 \
        else 0.5
    why = "the shape of the name and the end of the text" if confidence >= 0.7 else \
        "uncertain: several places could end the text"
    return Split(" ".join(words[:-best_k]), [" ".join(words[-best_k:])] + others, confidence, why)
