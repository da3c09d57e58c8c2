"""The words of addressees' names, for the flattened-layout splitter: which words end names,
begin them, say what kind of body a name is, or never end a text; and the small tests on one
word that the splitter is built from."""

from __future__ import annotations

import re

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
    "helpline",
}
NAME_STARTERS = {"nhs", "hm", "hmp", "his", "her", "all", "multiple", "other", "contributing",
                 "the", "greater", "west", "east", "north", "south", "city", "royal", "national",
                 "safer", "safe", "london"}
GENERIC_WORDS = ORG_ENDINGS | {  # words of names that say what kind of body, not which one
    "community", "safety", "domestic", "abuse", "violence", "womens", "aid", "victim",
    "victims", "support", "adults", "adult", "children", "childrens", "local", "social",
    "care", "health", "mental", "public", "county", "city", "borough", "district", "and", "of",
    "the", "for", "idva", "independent", "advisory", "specialist", "clinical", "commissioning",
    "drug", "drugs", "alcohol", "substance", "misuse", "recovery", "treatment", "homelessness",
    "options", "needs", "advice", "wellbeing", "maternity", "midwifery", "emergency", "liaison",
    "crisis", "young", "people", "family", "families", "learning", "disability", "disabilities",
}
NOT_STARTERS = {  # capitalised words that begin text, not names
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "dash", "marac", "mappa", "dvds", "dna", "idva",
    "isva", "dvpn", "dvpo", "ric", "wnb", "ase", "a&e", "nice", "care", "act",
}
ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$|^[A-Z]{2,}$")  # KMPT, SLaM, GMP
YEAR = re.compile(r"^(19|20)\d\d[.,;:]?$")
CODE = re.compile(r"^[A-Z]+\d+[A-Za-z0-9]*[.,;:]?$")  # PH50, NG225


def core(word: str) -> str:
    return word.strip(",.;:").strip("()").strip("’'\"")


def name_like(word: str) -> bool:
    bare = core(word)
    if not bare:
        return False
    if bare.lower() in CONNECTORS or bare == "&":
        return True
    return bare[0].isupper() or bare[0].isdigit() or bare[0] in "‘“"


def bracket_abbreviation(word: str) -> bool:
    """"(SNEE)", "(BTUH)": an abbreviation in brackets, which may stand inside a name."""
    return len(word) > 3 and word[0] == "(" and word.rstrip(",")[-1] == ")" \
        and ACRONYM.match(word.strip("(),")) is not None


def is_generic(word: str) -> bool:
    """A word that says what kind of body, not which one: Children's, Social, Care, Council."""
    return core(word).lower().replace("’", "").replace("'", "") in GENERIC_WORDS


def same(a: str, b: str) -> bool:
    """Two words written alike (case counts; straight and curly apostrophes do not)."""
    return a.replace("’", "'") == b.replace("’", "'")


def fold(name: str) -> str:
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
DOCUMENT_ENDINGS = {  # words that end the name of a document, scheme or process, not of a body
    "policy", "policies", "procedure", "procedures", "protocol", "strategy", "guidance",
    "pathway", "plan", "framework", "toolkit", "assessment", "act", "review", "scheme",
    "concession", "model", "checklist", "record", "records", "standards", "principles",
    "campaign", "law", "order", "notice", "conference", "meeting", "meetings",
}
