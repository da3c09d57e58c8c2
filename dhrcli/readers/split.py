"""Where a recommendation's text ends and its addressee begins, in the flattened page layout.

A flattened line is `NUMBER TEXT ADDRESSEE[ | ADDRESSEE...]`: the first addressee runs straight
on from the text. `split` tries every trailing run of words that could be an organisation's
name and scores it: a name dhr already knows (the registry, the catalogue) wins outright;
otherwise the shape of names (capitalised words, an ending such as Police, Council, Trust, ICB,
an abbreviation) and the shape of sentence endings (a full stop, a bracket, a lower-case word
before the name) decide, and the split says how sure it is.

The page is evidence too (`Evidence`): a name written after a ` | ` on any row, or ending two
rows where a text plainly ends before it, is a name seen whole; names a text mentions ("That
Thurrock CSP reviews ...") and the CSP's own place make a candidate likelier. Addressees that
are phrases rather than bodies ("All practitioners with access to ...", "GP surgery") are found
by their head word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .words import (
    MAX_NAME_WORDS, CONNECTORS, ORG_ENDINGS, NAME_STARTERS, GENERIC_WORDS, NOT_STARTERS,
    ACRONYM, YEAR, CODE, core, name_like, bracket_abbreviation, is_generic, same, fold,
    PHRASE_HEADS, BINDS_FORWARD, MEETINGS, NEVER_LAST, PREPOSITIONS, SUBORDINATE, FINITE,
    TEXT_BEFORE_PHRASE, DOCUMENT_ENDINGS,
)


@dataclass
class Split:
    text: str
    to: list[str]
    confidence: float  # 1.0 a known name; below 0.7 worth a person's check
    why: str


def _name_run(words: list[str]) -> int:
    """How many trailing words could belong to one organisation name (a trailing bracket
    group, such as "(East of England)" or "(GMP)", counts as part of it)."""
    i = len(words)
    if i and words[-1].endswith(")"):  # a bracket group at the very end
        j = i - 1
        while j >= 0 and "(" not in words[j]:
            j -= 1
        if j >= 0 and all(name_like(w) for w in words[j:i]) and words[j].startswith("("):
            i = j
    while i > 0 and len(words) - i < MAX_NAME_WORDS:
        word = words[i - 1]
        inside = bracket_abbreviation(word) and i < len(words)
        if not inside and (word.endswith(")") or word.endswith((".", ";", ":"))
                           or not name_like(word)):
            break
        if core(word).isdigit() and i - 1 > 0 and not name_like(words[i - 2]):
            break  # "... by 2024" : a number does not start a name
        i -= 1
    while i < len(words) and core(words[i]).lower() in CONNECTORS and words[i] != "The":
        i += 1  # a name does not start with "and", "of", ... (but may with "The")
    return len(words) - i


@dataclass
class Evidence:
    """What one page says about its names (folded): `names` seen whole, `mentions` written
    inside texts, and `places`, the words of the CSP's name."""

    names: set[str] = field(default_factory=set)
    mentions: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)


def page_evidence(lines: list[str], csp: str | None) -> Evidence:
    """The evidence of a page from its rows (`TEXT ADDRESSEE[ | ADDRESSEE...]`, numbers off)."""
    evidence = Evidence(places={fold(core(w)) for w in (csp or "").split()
                                if core(w)[:1].isupper()} - GENERIC_WORDS - {"safer", "safe"})
    heads = []
    for line in lines:
        parts = [p.strip() for p in line.split(" | ")]
        evidence.names.update(fold(p) for p in parts[1:] if p)
        heads.append(parts[0].split())
    # Names inside texts: runs of capitalised words that a lower-case word follows.
    for words in heads:
        i = 0
        while i < len(words):
            if core(words[i])[:1].isupper() and core(words[i]).lower() not in CONNECTORS:
                j = i
                while j + 1 < len(words) and name_like(words[j + 1]) \
                        and not words[j].endswith((",", ".", ";", ":")):
                    j += 1
                if j + 1 < len(words):  # a run at the very end is text and addressee together
                    run = words[i:j + 1]
                    while run and core(run[-1]).lower() in CONNECTORS:
                        run = run[:-1]
                    for start in range(len(run)):
                        evidence.mentions.add(fold(" ".join(run[start:])))
                i = j + 1
            else:
                i += 1
    # Tails two rows share, where at least one of them plainly ends its text before the tail.
    ends: dict[str, list[str]] = {}  # tail -> the words before it on the rows that share it
    for a in range(len(heads)):
        for b in range(a + 1, len(heads)):
            x, y = heads[a], heads[b]
            n = 0
            while n < min(len(x), len(y)) - 1 and same(x[-1 - n], y[-1 - n]):
                n += 1
            while n and not name_like(x[-n]):
                n -= 1
            if n and core(x[-n]).lower() not in CONNECTORS and not x[-n].startswith("("):
                ends.setdefault(fold(" ".join(x[-n:])), []).extend([x[-n - 1], y[-n - 1]])
    for tail, befores in ends.items():
        if len(tail.split()) == 1 and tail in evidence.places:
            continue  # "... across Gloucestershire" / "Safer Gloucestershire"
        if any(core(b).lower() in PREPOSITIONS and core(b)[:1].islower() for b in befores):
            continue  # "... in Dorset": the tail is the object of a text, at least once
        if any(b.endswith((".", ")", ";", ":", "?")) or not name_like(b) for b in befores):
            evidence.names.add(tail)  # a text plainly ends before it
    return evidence


def _phrase_start(words: list[str]) -> tuple[int, bool] | None:
    """Where an addressee that is a phrase begins, and whether its head says it is one (a word
    such as "All", "Agencies", "Commissioners", or a plural): "All practitioners with access to
    the shared care record", "GP reception teams across Gloucestershire", "Hairdressers, barbers
    and beauty salons in West Norfolk". A phrase is a capitalised head that no sentence,
    preposition or verb of the text leads into, then lower-case words; capitalised words inside
    it come after a preposition ("in West Norfolk", "attend the Liverpool MARAC"). The last
    such head wins."""
    for h in range(len(words) - 2, 0, -1):
        head, before = core(words[h]), words[h - 1]
        follows = core(words[h + 1])
        if not head[:1].isupper() or not (follows[:1].islower() or (
                ACRONYM.match(follows) and h + 2 < len(words) and core(words[h + 2])[:1].islower())):
            continue  # a head, then lower-case words (perhaps after an abbreviation: "All GP practices")
        if ACRONYM.match(head) and head.lower() not in PHRASE_HEADS:
            continue  # "... ensure DASH is completed by officers"
        if core(before).lower() in TEXT_BEFORE_PHRASE | PREPOSITIONS | SUBORDINATE \
                and not before.endswith((".", ",", ";", ":")):
            continue  # the capitalised word is an object of the text
        body = words[h:]
        if any(w.endswith((".", ";", ":", "?", "!", ")")) for w in body[:-1]):
            continue  # a sentence ends inside: the phrase would take text with it
        lower = [core(w).lower() for w in body]
        if any(w in FINITE for w in lower) or len(body) > 14:
            continue
        if not all(not core(w)[:1].isupper() or _introduced(body, k)
                   or (k == 1 and ACRONYM.match(core(w)))  # "All GP practices"
                   for k, w in enumerate(body) if k):
            continue
        if body[-1].endswith(")") or any(
                core(w)[:1].isupper() and core(w).lower() in ORG_ENDINGS - MEETINGS for w in body[1:]):
            continue  # "... for Dyfed-Powys Powys Community Safety Partnership": a body's name
        plural = head.endswith("s") and not head.endswith("ss") and len(head) > 3
        start = _capital_group_start(words, h)
        if start < h and core(words[start - 1]).lower() in PREPOSITIONS \
                and head.lower() not in PHRASE_HEADS \
                and core(before).lower() not in ORG_ENDINGS | DOCUMENT_ENDINGS:
            continue  # "... to Milton | Keynes agencies": inside a place the text names
        if core(before)[:1].isupper() and not before.endswith((".", ",", ";", ":", ")", "’", "”")) \
                and head.lower().replace("-", "") not in PHRASE_HEADS and not plural \
                and not ACRONYM.match(core(before)):
            continue  # "Domestic Abuse and Sexual | Violence board": inside a name of the text
        named = head.lower().replace("-", "") in PHRASE_HEADS or any(
            w.endswith("s") and not w.endswith("ss") and len(w) > 3 for w in lower[:3])
        return h, named
    return None


def _capital_group_start(words: list[str], i: int) -> int:
    """The first word of the run of capitalised words (with "and", "of", "&" inside) ending at i."""
    j = i
    while j > 0 and not words[j - 1].endswith((".", ",", ";", ":", "?", "!", ")")) and (
            core(words[j - 1])[:1].isupper() or (core(words[j - 1]) in ("and", "of", "&")
                                                  and j >= 2 and core(words[j - 2])[:1].isupper())):
        j -= 1
    return j


def _introduced(body: list[str], k: int) -> bool:
    """Whether the capitalised word at k belongs to a group a preposition leads into, perhaps
    with a word between ("in rural Dorset")."""
    while k > 0 and core(body[k - 1])[:1].isupper():
        k -= 1
    return any(core(w).lower() in PREPOSITIONS for w in body[max(0, k - 2):k])


def split(line: str, known: Callable[[str], bool] | None = None,
          first_words: set[str] | None = None, page: Evidence | None = None) -> Split:
    """Split `TEXT ADDRESSEE[ | ADDRESSEE...]` (the number already taken off)."""
    parts = [p.strip() for p in line.split(" | ")]
    head, others = parts[0], [p for p in parts[1:] if p]
    words = head.split()
    first_words = first_words or set()
    page = page or Evidence()
    known = known or (lambda name: False)
    if len(words) < 2:
        return Split(head, others, 0.3, "too short to hold both text and an addressee")

    run = min(_name_run(words), len(words) - 1)

    def found(k: int, confidence: float, why: str) -> Split:
        return Split(" ".join(words[:-k]), [" ".join(words[-k:])] + others, confidence, why)

    # 1. A name seen whole on this page, the longest that fits.
    for k in range(min(MAX_NAME_WORDS, len(words) - 1), 0, -1):
        if fold(" ".join(words[-k:])) in page.names and core(words[-k])[:1].isupper():
            return found(k, 0.95, "a name seen whole on this page")

    # 2. A name dhr knows, the longest that fits - unless it is a generic one ("Community
    # Safety Partnership", "Women's Aid") that the words before it make particular.
    least = 1
    if True:
        for k in range(min(MAX_NAME_WORDS, len(words) - 1), 0, -1):
            name = " ".join(words[-k:])
            if not core(words[-k])[:1].isupper():
                continue  # "in all partner agencies": a name begins with a capital
            if known(name) or (k > 1 and words[-1].endswith(")") and words[-1].startswith("(")
                               and not words[-k].startswith("(")
                               and known(" ".join(words[-k:-1]))):
                generic = all(is_generic(w) for w in words[-k:])
                if not generic or run <= k or not name_like(words[-k - 1]):
                    return found(_extended(words, k, known), 1.0, "a known agency")
                least = k
                break

    # 3. The shape of names and of sentence endings, and phrases.
    phrase = _phrase_start(words)
    if run == 0 and phrase is None:
        return Split(head, others, 0.3, "no words at the end look like a name")
    scored = []
    if phrase is not None:
        before = words[phrase[0] - 1]
        scored.append((4 + phrase[1] + (before.endswith((".", ")", "’", "'", '"', "”"))
                                        or core(before).isdigit()
                                        or ACRONYM.match(core(before)) is not None),
                       len(words) - phrase[0]))
    for k in range(least, run + 1):
        name_words, before = words[-k:], words[-k - 1]
        first, last = core(name_words[0]), core(name_words[-1])
        if (first.lower() in CONNECTORS and name_words[0] != "The") or first[:1].isdigit() \
                or (name_words[0].startswith("(") and k < len(words) - 1
                    and not words[-k - 1].endswith((".", ";", ":"))):
            continue  # "of Justice", "7.14 Safe ...", "Service | (West Midlands)" are not names
        score = 0.0
        if core(before).lower() in NEVER_LAST and before[-1:].isalpha():
            score -= 2  # "Ministry of | Justice": a text does not end on "of"
        elif core(before).lower() in PREPOSITIONS and before[-1:].isalpha():
            score += 1  # "... they care for | Powys ...", but "... across | Gloucestershire"
        elif before.endswith((".", ")", ";", ":", "”", "’", '"', "?")) or YEAR.match(before) \
                or (core(before)[:1].islower()) or core(before).isdigit():
            score += 3  # the text ends here as a sentence or a clause does
        elif ACRONYM.match(core(before)) or CODE.match(before):
            score += 1  # texts often end in an abbreviation: "... the DASH"
        if last.lower() in ORG_ENDINGS or name_words[-1].endswith(")"):
            score += 2
        elif ACRONYM.match(last):
            score += 2 if all(ACRONYM.match(core(w)) for w in name_words) else -1
        if first.lower() in first_words or first.lower() in NAME_STARTERS:
            score += 1
        if first.lower() in NOT_STARTERS or CODE.match(first) or YEAR.match(first):
            score -= 3
        if any(YEAR.match(w) for w in name_words):
            score -= 3
        department = k > 1 and all(is_generic(w) for w in name_words[1:])
        if k > 1 and ACRONYM.match(first) and first.lower() not in NAME_STARTERS \
                and first.lower() not in first_words and not ACRONYM.match(core(name_words[1])) \
                and not before.endswith((".", ")", ";", ":", "?")):
            # "... accreditation by DAHA | Karbon Homes": an abbreviation ends the text; but a
            # kind of department needs a body before it: "ECC Children's Social Care"
            score += 1 if department else -3
        inner = [core(w).lower() for w in name_words[:-1]]
        if any(w in ORG_ENDINGS for w in inner[:1]) and k > 2:
            score -= 1  # "Team Leeds City Council": an ending word first is text, not a name
        if before in BINDS_FORWARD:
            score -= 3  # "East | Suffolk and North Essex ...": the word before belongs to the name
        elif is_generic(name_words[0]) and name_like(before) and core(before).lower() not in CONNECTORS \
                and not before.endswith((".", ")", ";", ":", "?", ",")) and not ACRONYM.match(core(before)) \
                and (core(before).lower() not in ORG_ENDINGS or all(is_generic(w) for w in name_words)):
            score -= 2  # "Powys County Council Adult | Social Care": a kind of body needs its body
        if before.endswith(",") and core(before).lower() in ORG_ENDINGS:
            score -= 2  # "Norfolk County Council, | Adult Social Services": its department
        if any(fold(core(w)) in page.places and name_like(b) and core(b).lower() not in CONNECTORS
               and b not in BINDS_FORWARD and core(b).lower() not in NAME_STARTERS
               and fold(core(b)) not in page.places  # "Tower Hamlets" is one place
               and core(b).lower() not in ORG_ENDINGS - {"england", "wales"}
               for b, w in zip(name_words[:-2], name_words[1:-1])):
            score -= 2  # "Wales Powys Community Safety Partnership": the CSP's place inside a name
        if any(core(w).lower() in DOCUMENT_ENDINGS and core(n)[:1].isupper()
               for w, n in zip(name_words[:-1], name_words[1:])):
            score -= 3  # "Did Not Attend Policy | Bounds Green ...": a document's name ends the text
        if k == 1 and fold(last) in page.places:
            score -= 3  # a place alone is where, not who: "... across | Gloucestershire"
        if k == 1 and last.lower() in ORG_ENDINGS and not ACRONYM.match(last):
            score -= 2  # "Housing | Association": a kind of body alone is not a name
        if k > 2 and any(known(" ".join(name_words[:j])) and all(is_generic(w) for w in name_words[j:])
                         for j in range(2, k)):
            score += 3  # a known body, then a department: "Lancashire County Council Children's Social Care"
        if fold(" ".join(name_words)) in page.mentions and not any(
                fold(" ".join(words[-j:])) in page.mentions for j in range(k + 1, run + 1)):
            score += 2  # a text on this page names it (and no longer name that ends here)
        if any(w.endswith(",") and core(w).lower() in ORG_ENDINGS and core(n)[:1].isupper()
               for w, n in zip(name_words[:-1], name_words[1:])):
            score += 2  # "Lambeth Council, Housing Needs": a body and its department
        if fold(first) in page.places:
            score += 1  # "Thurrock CSP" on Thurrock's page
        scored.append((score, k))
    if not scored:
        return Split(head, others, 0.3, "no words at the end look like a name")
    best_score, best_k = max(scored, key=lambda s: (s[0], s[1]))
    runner_up = max((s for s, k in scored if k != best_k), default=-99)
    margin = best_score - runner_up
    confidence = 0.9 if best_score >= 5 and margin >= 2 else 0.75 if margin >= 1 and best_score >= 4 \
        else 0.5
    if confidence < 0.9 and best_k < len(words) and name_like(words[-best_k - 1]) \
            and not words[-best_k - 1].endswith((".", ")", ";", ":", "?")):
        confidence = 0.6  # the text ends in a capitalised word too: a person should look
    elif confidence >= 0.7 and best_k < len(words) and all(is_generic(w) for w in words[-best_k:]) \
            and not words[-best_k - 1].endswith((".", ";", ":", "?", "!", ")")):
        confidence = 0.6  # a kind of body alone ("Drug and Alcohol Service"): whose?
    elif confidence >= 0.7 and best_k < len(words) \
            and not words[-best_k - 1].endswith((".", ";", ":", "?", "!")) \
            and _another_start(words[-best_k:], first_words, page):
        confidence = 0.6
    why = "the shape of the name and the end of the text" if confidence >= 0.7 else \
        "uncertain: several places could end the text"
    return found(best_k, confidence, why)


def _another_start(name_words: list[str], first_words: set[str], page: Evidence) -> bool:
    """Whether a name found by its shape holds, after its first word, a place or a word that
    begins known names ("Operation Encompass | Lancashire County Council ..."): it may be text
    and name run together."""
    first = core(name_words[0]).lower()
    if first in first_words or first in NAME_STARTERS or fold(first) in page.places:
        return False
    for before, word in zip(name_words, name_words[1:]):
        bare = core(word)
        if core(before).lower() in DOCUMENT_ENDINGS and bare[:1].isupper():
            return True
        if bare[:1].isupper() and not is_generic(word) and before not in BINDS_FORWARD \
                and core(before).lower() not in CONNECTORS and not ACRONYM.match(bare) \
                and (bare.lower() in first_words or fold(bare) in page.places):
            return True
    return False


def _extended(words: list[str], k: int, known: Callable[[str], bool]) -> int:
    """A known name made longer by what plainly belongs to it: "NHS" or "The" before it, or a
    known body and a comma ("Kent County Council, | Adult Social Care")."""
    while k < len(words) - 1:
        before = words[-k - 1]
        if before in ("NHS", "The", "HM"):
            k += 1
            continue
        if before.endswith(","):
            for j in range(min(MAX_NAME_WORDS - k, len(words) - k - 1), 0, -1):
                if known(" ".join(words[-k - j:-k]).rstrip(",")):
                    return k + j
        break
    return k
