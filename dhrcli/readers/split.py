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

import re
from collections.abc import Callable
from dataclasses import dataclass, field

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


def _bracket_abbreviation(word: str) -> bool:
    """"(SNEE)", "(BTUH)": an abbreviation in brackets, which may stand inside a name."""
    return len(word) > 3 and word[0] == "(" and word.rstrip(",")[-1] == ")" \
        and _ACRONYM.match(word.strip("(),")) is not None


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
        inside = _bracket_abbreviation(word) and i < len(words)
        if not inside and (word.endswith(")") or word.endswith((".", ";", ":"))
                           or not _name_like(word)):
            break
        if _bare(word).isdigit() and i - 1 > 0 and not _name_like(words[i - 2]):
            break  # "... by 2024" : a number does not start a name
        i -= 1
    while i < len(words) and _bare(words[i]).lower() in CONNECTORS and words[i] != "The":
        i += 1  # a name does not start with "and", "of", ... (but may with "The")
    return len(words) - i


def _generic(word: str) -> bool:
    """A word that says what kind of body, not which one: Children's, Social, Care, Council."""
    return _bare(word).lower().replace("’", "").replace("'", "") in GENERIC_WORDS


def _same(a: str, b: str) -> bool:
    """Two words written alike (case counts; straight and curly apostrophes do not)."""
    return a.replace("’", "'") == b.replace("’", "'")


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").replace("‘", "'").split()).casefold().strip(" ,.;:")


PHRASE_HEADS = {  # words that begin an addressee which is a phrase, not a body's name
    "all", "agencies", "commissioners", "community", "primary", "gp", "gps", "every", "each",
    "partner", "partners", "professionals", "practitioners", "frontline", "statutory",
    "relevant", "employers", "organisations", "managers", "pharmacies", "dentists", "any", "those",
}
BINDS_FORWARD = {"East", "West", "North", "South", "Greater", "Royal", "NHS", "HM", "The", "County",
                 "North-East", "North-West", "South-East", "South-West", "Mid"}
MEETINGS = {"marac", "mappa", "mash", "panel"}  # ORG_ENDINGS a phrase may name
NEVER_LAST = {"of", "and", "the", "&", "de", "a", "an", "its", "their", "our", "his", "her",
              "to", "in", "at", "across", "within", "from", "into", "by", "between", "throughout",
              "under", "over", "around", "near", "inside", "outside"}  # no text ends on these
PREPOSITIONS = CONNECTORS | {"across", "within", "throughout", "from", "by", "into", "about",
                              "under", "over", "between", "around", "outside", "inside", "near"}
SUBORDINATE = {"where", "when", "if", "whether", "so", "because", "which", "who", "whose", "while",
               "unless", "until", "after", "before", "including", "via", "using", "regarding",
               "such", "than", "ensure", "ensures", "consider", "considers", "review", "reviews",
               "use", "uses", "adopt", "adopts", "complete", "completes", "refer", "make", "all"}
FINITE = {"is", "are", "was", "were", "be", "been", "should", "must", "will", "shall", "would",
          "could", "can", "may", "has", "have", "had", "do", "does", "did"}
TEXT_BEFORE_PHRASE = CONNECTORS | {"a", "an", "their", "its", "his", "her", "our", "this",
                                   "that", "these", "by", "from", "or", "into", "onto", "as"}


@dataclass
class Evidence:
    """What one page says about its names (folded): `names` seen whole, `mentions` written
    inside texts, and `places`, the words of the CSP's name."""

    names: set[str] = field(default_factory=set)
    mentions: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)


def page_evidence(lines: list[str], csp: str | None) -> Evidence:
    """The evidence of a page from its rows (`TEXT ADDRESSEE[ | ADDRESSEE...]`, numbers off)."""
    evidence = Evidence(places={_fold(_bare(w)) for w in (csp or "").split()
                                if _bare(w)[:1].isupper()} - GENERIC_WORDS - {"safer", "safe"})
    heads = []
    for line in lines:
        parts = [p.strip() for p in line.split(" | ")]
        evidence.names.update(_fold(p) for p in parts[1:] if p)
        heads.append(parts[0].split())
    # Names inside texts: runs of capitalised words that a lower-case word follows.
    for words in heads:
        i = 0
        while i < len(words):
            if _bare(words[i])[:1].isupper() and _bare(words[i]).lower() not in CONNECTORS:
                j = i
                while j + 1 < len(words) and _name_like(words[j + 1]) \
                        and not words[j].endswith((",", ".", ";", ":")):
                    j += 1
                if j + 1 < len(words):  # a run at the very end is text and addressee together
                    run = words[i:j + 1]
                    while run and _bare(run[-1]).lower() in CONNECTORS:
                        run = run[:-1]
                    for start in range(len(run)):
                        evidence.mentions.add(_fold(" ".join(run[start:])))
                i = j + 1
            else:
                i += 1
    # Tails two rows share, where at least one of them plainly ends its text before the tail.
    ends: dict[str, list[bool]] = {}
    for a in range(len(heads)):
        for b in range(a + 1, len(heads)):
            x, y = heads[a], heads[b]
            n = 0
            while n < min(len(x), len(y)) - 1 and _same(x[-1 - n], y[-1 - n]):
                n += 1
            while n and not _name_like(x[-n]):
                n -= 1
            if n and _bare(x[-n]).lower() not in CONNECTORS and not x[-n].startswith("("):
                ends.setdefault(_fold(" ".join(x[-n:])), []).extend([x[-n - 1], y[-n - 1]])
    for tail, befores in ends.items():
        if len(tail.split()) == 1 and tail in evidence.places:
            continue  # "... across Gloucestershire" / "Safer Gloucestershire"
        if any(_bare(b).lower() in PREPOSITIONS and _bare(b)[:1].islower() for b in befores):
            continue  # "... in Dorset": the tail is the object of a text, at least once
        if any(b.endswith((".", ")", ";", ":", "?")) or not _name_like(b) for b in befores):
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
        head, before = _bare(words[h]), words[h - 1]
        follows = _bare(words[h + 1])
        if not head[:1].isupper() or not (follows[:1].islower() or (
                _ACRONYM.match(follows) and h + 2 < len(words) and _bare(words[h + 2])[:1].islower())):
            continue  # a head, then lower-case words (perhaps after an abbreviation: "All GP practices")
        if _ACRONYM.match(head) and head.lower() not in PHRASE_HEADS:
            continue  # "... ensure DASH is completed by officers"
        if _bare(before).lower() in TEXT_BEFORE_PHRASE | PREPOSITIONS | SUBORDINATE \
                and not before.endswith((".", ",", ";", ":")):
            continue  # the capitalised word is an object of the text
        body = words[h:]
        if any(w.endswith((".", ";", ":", "?", "!", ")")) for w in body[:-1]):
            continue  # a sentence ends inside: the phrase would take text with it
        lower = [_bare(w).lower() for w in body]
        if any(w in FINITE for w in lower) or len(body) > 14:
            continue
        if not all(not _bare(w)[:1].isupper() or _introduced(body, k)
                   or (k == 1 and _ACRONYM.match(_bare(w)))  # "All GP practices"
                   for k, w in enumerate(body) if k):
            continue
        if body[-1].endswith(")") or any(
                _bare(w)[:1].isupper() and _bare(w).lower() in ORG_ENDINGS - MEETINGS for w in body[1:]):
            continue  # "... for Dyfed-Powys Powys Community Safety Partnership": a body's name
        if _bare(before)[:1].isupper() and not before.endswith((".", ",", ";", ":", ")", "’", "”")) \
                and head.lower().replace("-", "") not in PHRASE_HEADS and not _ACRONYM.match(_bare(before)):
            continue  # "Domestic Abuse and Sexual | Violence board": inside a name of the text
        named = head.lower().replace("-", "") in PHRASE_HEADS or any(
            w.endswith("s") and not w.endswith("ss") and len(w) > 3 for w in lower[:3])
        return h, named
    return None


def _introduced(body: list[str], k: int) -> bool:
    """Whether the capitalised word at k belongs to a group a preposition leads into, perhaps
    with a word between ("in rural Dorset")."""
    while k > 0 and _bare(body[k - 1])[:1].isupper():
        k -= 1
    return any(_bare(w).lower() in PREPOSITIONS for w in body[max(0, k - 2):k])


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
        if _fold(" ".join(words[-k:])) in page.names and _bare(words[-k])[:1].isupper():
            return found(k, 0.95, "a name seen whole on this page")

    # 2. A name dhr knows, the longest that fits - unless it is a generic one ("Community
    # Safety Partnership", "Women's Aid") that the words before it make particular.
    least = 1
    if True:
        for k in range(min(MAX_NAME_WORDS, len(words) - 1), 0, -1):
            name = " ".join(words[-k:])
            if not _bare(words[-k])[:1].isupper():
                continue  # "in all partner agencies": a name begins with a capital
            if known(name) or (k > 1 and words[-1].endswith(")") and words[-1].startswith("(")
                               and not words[-k].startswith("(")
                               and known(" ".join(words[-k:-1]))):
                generic = all(_generic(w) for w in words[-k:])
                if not generic or run <= k or not _name_like(words[-k - 1]):
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
                                        or _bare(before).isdigit()
                                        or _ACRONYM.match(_bare(before)) is not None),
                       len(words) - phrase[0]))
    for k in range(least, run + 1):
        name_words, before = words[-k:], words[-k - 1]
        first, last = _bare(name_words[0]), _bare(name_words[-1])
        if (first.lower() in CONNECTORS and name_words[0] != "The") or first[:1].isdigit() \
                or (name_words[0].startswith("(") and k < len(words) - 1
                    and not words[-k - 1].endswith((".", ";", ":"))):
            continue  # "of Justice", "7.14 Safe ...", "Service | (West Midlands)" are not names
        score = 0.0
        if _bare(before).lower() in NEVER_LAST and before[-1:].isalpha():
            score -= 2  # "Ministry of | Justice": a text does not end on "of"
        elif _bare(before).lower() in PREPOSITIONS and before[-1:].isalpha():
            score += 1  # "... they care for | Powys ...", but "... across | Gloucestershire"
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
        department = k > 1 and all(_generic(w) for w in name_words[1:])
        if k > 1 and _ACRONYM.match(first) and first.lower() not in NAME_STARTERS \
                and first.lower() not in first_words and not _ACRONYM.match(_bare(name_words[1])) \
                and not before.endswith((".", ")", ";", ":", "?")):
            # "... accreditation by DAHA | Karbon Homes": an abbreviation ends the text; but a
            # kind of department needs a body before it: "ECC Children's Social Care"
            score += 1 if department else -3
        inner = [_bare(w).lower() for w in name_words[:-1]]
        if any(w in ORG_ENDINGS for w in inner[:1]) and k > 2:
            score -= 1  # "Team Leeds City Council": an ending word first is text, not a name
        if before in BINDS_FORWARD:
            score -= 3  # "East | Suffolk and North Essex ...": the word before belongs to the name
        elif _generic(name_words[0]) and _name_like(before) and _bare(before).lower() not in CONNECTORS \
                and not before.endswith((".", ")", ";", ":", "?", ",")) and not _ACRONYM.match(_bare(before)) \
                and (_bare(before).lower() not in ORG_ENDINGS or all(_generic(w) for w in name_words)):
            score -= 2  # "Powys County Council Adult | Social Care": a kind of body needs its body
        if before.endswith(",") and _bare(before).lower() in ORG_ENDINGS:
            score -= 2  # "Norfolk County Council, | Adult Social Services": its department
        if any(_fold(_bare(w)) in page.places and _name_like(b) and _bare(b).lower() not in CONNECTORS
               and b not in BINDS_FORWARD and _bare(b).lower() not in NAME_STARTERS
               and _bare(b).lower() not in ORG_ENDINGS - {"england", "wales"}
               for b, w in zip(name_words[:-2], name_words[1:-1])):
            score -= 2  # "Wales Powys Community Safety Partnership": the CSP's place inside a name
        if k == 1 and _fold(last) in page.places:
            score -= 3  # a place alone is where, not who: "... across | Gloucestershire"
        if k == 1 and last.lower() in ORG_ENDINGS and not _ACRONYM.match(last):
            score -= 2  # "Housing | Association": a kind of body alone is not a name
        if k > 2 and any(known(" ".join(name_words[:j])) and all(_generic(w) for w in name_words[j:])
                         for j in range(2, k)):
            score += 3  # a known body, then a department: "Lancashire County Council Children's Social Care"
        if _fold(" ".join(name_words)) in page.mentions and not any(
                _fold(" ".join(words[-j:])) in page.mentions for j in range(k + 1, run + 1)):
            score += 2  # a text on this page names it (and no longer name that ends here)
        if any(w.endswith(",") and _bare(w).lower() in ORG_ENDINGS and _bare(n)[:1].isupper()
               for w, n in zip(name_words[:-1], name_words[1:])):
            score += 2  # "Lambeth Council, Housing Needs": a body and its department
        if _fold(first) in page.places:
            score += 1  # "Thurrock CSP" on Thurrock's page
        scored.append((score, k))
    if not scored:
        return Split(head, others, 0.3, "no words at the end look like a name")
    best_score, best_k = max(scored, key=lambda s: (s[0], s[1]))
    runner_up = max((s for s, k in scored if k != best_k), default=-99)
    margin = best_score - runner_up
    confidence = 0.9 if best_score >= 5 and margin >= 2 else 0.75 if margin >= 1 and best_score >= 4 \
        else 0.5
    if confidence < 0.9 and best_k < len(words) and _name_like(words[-best_k - 1]) \
            and not words[-best_k - 1].endswith((".", ")", ";", ":", "?")):
        confidence = 0.6  # the text ends in a capitalised word too: a person should look
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
    first = _bare(name_words[0]).lower()
    if first in first_words or first in NAME_STARTERS or _fold(first) in page.places:
        return False
    for before, word in zip(name_words, name_words[1:]):
        bare = _bare(word)
        if bare[:1].isupper() and not _generic(word) and before not in BINDS_FORWARD \
                and _bare(before).lower() not in CONNECTORS and not _ACRONYM.match(bare) \
                and (bare.lower() in first_words or _fold(bare) in page.places):
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
