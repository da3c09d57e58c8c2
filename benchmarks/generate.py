"""A deterministic generator of realistic synthetic DHR catalogues, as review files.

    python benchmarks/generate.py OUT_DIR --reviews 5000 [--seed 1] [--per-file 100]

Each review has a CSP, a title, a publication month, a year of death and 6 to 30
recommendations (about 18 on average) written from templates in the words reviews use, with
numbers in the styles reviews use (1, 2.1, R3, 9.1 a, repeated lists) and one to three
addressees, named the ways reviews name them (GMP, Greater Manchester Police, curly
apostrophes, generic "All agencies"). The same seed gives the same files.

Like real catalogues, some lessons recur: about a third of the recommendations restate one of
LESSON_COUNT lessons (a family of paraphrases, such as "train X to recognise Y" / "include Y in
the training of X", with its own X and Y), in other words each time; lessons are chosen with
Zipf-like weights (the k-th most common about 1/k as often as the first), so a few lessons
recur in hundreds of reviews and most in a handful. Most of the rest (ONE_OFF) are put together
from a verb, an object, for whom and why, each drawn on its own; the others come from the
templates with a detail of their own (a named service and a place).
benchmarks/README.md gives the groups `dhr recurring` finds."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PLACES = ["Norfolk", "Suffolk", "Kent", "Surrey", "Leeds", "Bradford", "Manchester", "Salford",
          "Bristol", "Cardiff", "Swansea", "Durham", "Cumbria", "Devon", "Cornwall", "Hull",
          "Sheffield", "Rotherham", "Leicester", "Nottingham", "Derby", "Coventry", "Wirral",
          "Sefton", "Bolton", "Wigan", "Oldham", "Stockport", "Southwark", "Lambeth", "Hackney",
          "Camden", "Croydon", "Brighton", "Plymouth", "Exeter", "Oxford", "Reading", "Luton",
          "Essex", "Lincolnshire", "Shropshire", "Wrexham", "Newport", "Sunderland", "Gateshead"]
CSP_FORMS = ["{p} Community Safety Partnership", "Safer {p}", "Safe {p} Partnership", "{p}"]
FORCES = {"Norfolk": "Norfolk Constabulary", "Suffolk": "Suffolk Constabulary", "Kent": "Kent Police",
          "Surrey": "Surrey Police", "Leeds": "West Yorkshire Police", "Bradford": "West Yorkshire Police",
          "Manchester": "Greater Manchester Police", "Salford": "Greater Manchester Police",
          "Bristol": "Avon and Somerset Constabulary", "Cardiff": "South Wales Police",
          "Durham": "Durham Constabulary", "Devon": "Devon and Cornwall Police"}
FORCE_ALIASES = {"Greater Manchester Police": ["GMP", "Greater Manchester Police (GMP)"],
                 "West Yorkshire Police": ["WYP"], "Devon and Cornwall Police": ["Devon & Cornwall Police"]}
LOCAL = ["{p} City Council", "{p} County Council, Children’s Social Care",
         "{p} Council Adult Social Care", "NHS {p} ICB", "{p} Teaching Hospitals NHS Foundation Trust",
         "{p} Women’s Aid", "{p} Homes Ltd", "{p} Safeguarding Adults Board", "{p} IDVA Service",
         "{p} Drug and Alcohol Service"]
NATIONAL = ["Home Office", "Ministry of Justice", "Department of Health and Social Care",
            "NHS England", "Department for Work and Pensions", "Probation Service", "CPS"]
GENERIC = ["All agencies", "All partner agencies", "Multiple Agencies"]
OPENINGS = ["It is recommended that", "That", "The review recommends that", "It is recommended that"]
ACTIONS = [
    "reviews its {thing} to ensure that {who} {do}",
    "ensures that {who} receive training on {topic} and {do}",
    "develops guidance for {who} on {topic}, including how to {do2}",
    "audits the use of {tool} and reports the findings to the {board}",
    "considers how {topic} can be shared with partner agencies through the MARAC",
    "raises awareness of {topic} among {public} through a publicity campaign",
    "strengthens the process for following up patients who did not attend appointments",
    "evaluates the impact of {thing} on victims and reports to the {board}",
    "commissions additional IDVA capacity so that high-risk victims are offered support",
    "updates its case management system so that a flag alerts staff to {topic}",
    "reviews caseloads and supervision arrangements for {who} working with {topic}",
    "ensures that {who} ask about domestic abuse when {situation}",
]
THINGS = ["domestic abuse policy", "safeguarding procedures", "referral pathway", "risk assessment practice",
          "information sharing agreement", "DASH risk checklist process", "record keeping standards"]
WHO = ["frontline practitioners", "GPs", "call handlers", "housing officers", "A&E staff",
       "probation officers", "social workers", "health visitors", "mental health practitioners"]
DO = ["coercive and controlling behaviour is recognised", "concerns are recorded and shared",
      "the voice of the child is heard", "the DASH is completed at every incident",
      "victims are referred to specialist support", "Clare’s Law disclosures are considered"]
DO2 = ["ask about abuse safely", "use interpreters", "escalate concerns", "record professional curiosity"]
TOPICS = ["economic abuse", "stalking", "honour-based abuse", "older victims", "substance misuse",
          "suicide risk", "non-fatal strangulation", "the DVDS", "adult safeguarding", "children living with abuse"]
TOOLS = ["the DASH risk checklist", "DVPNs and DVPOs", "the Right to Ask", "routine enquiry"]
BOARDS = ["Community Safety Partnership", "Safeguarding Adults Board", "Domestic Abuse Partnership Board"]
PUBLIC = ["employers", "friends and family", "young people", "hairdressers and beauticians", "faith communities"]
SITUATIONS = ["patients present with injuries", "a tenancy is ended", "a child is not brought to appointments",
              "a victim discloses alcohol use"]


# Families of paraphrases: one lesson, said several ways ({who}, {topic}, {tool} and {board} are
# fixed per lesson, so that "train GPs on stalking" and "train GPs on economic abuse" are two).
FAMILIES = [
    ["ensures that {who} are trained to recognise {topic}",
     "delivers training so that {who} can identify {topic} and respond to it",
     "includes {topic} in the mandatory training given to {who}",
     "provides learning for {who} on spotting the signs of {topic}"],
    ["commissions an evaluation of {tool} and shares the findings with the {board}",
     "evaluates how effective {tool} is in protecting victims, reporting to the {board}",
     "assesses the use and impact of {tool} and tells the {board} what it found"],
    ["raises public awareness of {tool}, in particular among {public}",
     "runs a campaign so that {public} know about {tool}",
     "promotes {tool} to {public} so that more people use it"],
    ["makes routine enquiry about {topic} part of every contact {who} have with patients",
     "ensures {who} ask every patient directly about {topic} as a matter of routine",
     "embeds routine questions about {topic} in the practice of {who}"],
    ["audits the records kept by {who} on {topic} and reports the results to the {board}",
     "carries out an audit of how {who} record {topic}, with findings to the {board}",
     "checks through a case file audit that {who} document {topic} properly"],
    ["writes a protocol for {who} on sharing information about {topic} with the MARAC",
     "agrees with partners how {who} share what they know about {topic} with the MARAC",
     "sets out in a protocol when {who} must pass information on {topic} to the MARAC"],
    ["reviews supervision for {who} whose caseloads include {topic}",
     "ensures {who} working with {topic} receive regular reflective supervision",
     "strengthens the supervision of {who} handling cases of {topic}"],
    ["adds a flag to its records so that {who} are alerted to {topic}",
     "changes its case management system to alert {who} when {topic} is known",
     "introduces an alert on the system that tells {who} about {topic}"],
    ["commissions specialist support for victims of {topic}",
     "funds a specialist service for people experiencing {topic}",
     "ensures that victims of {topic} can reach specialist support locally"],
    ["follows up {who} contacts that are missed when {topic} is present",
     "makes sure missed appointments are chased by {who} where there is {topic}",
     "puts in place a process for {who} to act on non-attendance in cases of {topic}"],
]
WORDS_OF = {  # the slots of a family, chosen once per lesson
    "who": ["GPs", "call handlers", "housing officers", "A&E staff", "probation officers",
            "social workers", "health visitors", "mental health practitioners", "midwives",
            "school nurses", "pharmacists", "paramedics", "substance misuse workers"],
    "topic": ["economic abuse", "stalking", "honour-based abuse", "coercive control",
              "non-fatal strangulation", "suicide risk", "adolescent to parent violence",
              "abuse of older people", "tech-enabled abuse", "substance misuse",
              "sexual violence", "forced marriage"],
    "tool": ["the DVDS", "the Right to Ask", "Domestic Violence Protection Orders",
             "the DASH risk checklist", "the MARAC", "Operation Encompass", "the Ask for ANI scheme",
             "the Respect helpline", "Clare’s Law"],
    "board": ["Community Safety Partnership", "Safeguarding Adults Board",
              "Domestic Abuse Partnership Board", "Health and Wellbeing Board"],
    "public": ["employers", "friends and family", "young people", "hairdressers and beauticians",
               "faith communities", "sports clubs", "older people", "students"],
}
LESSON_COUNT = 600  # distinct lessons that recur
LESSON_SHARE = 0.33  # of recommendations that restate one
QUALIFIERS = ["", "", " within six months", " and reports progress to the partnership",
              " across the partnership", " as a priority", " with partner agencies",
              " and monitors its effect"]
SERVICES = ["health centre", "hostel", "outreach team", "recovery service", "children’s centre",
            "refuge", "walk-in centre", "custody suite", "contact centre", "food bank",
            "tenancy team", "Early Help hub", "youth service", "memory clinic", "job centre",
            "maternity unit", "crisis team", "day centre", "housing panel", "liaison service"]
DETAILS = ["at the {place} {service}", "in the {place} {service}",
           "starting with the {place} {service}", "through the {place} {service}",
           "as the {place} {service} does"]


# One-off recommendations: a verb, an object, for whom and why, each drawn on its own, so that two
# seldom share more than one part (the templates above share most of their words).
VERBS = ["reviews", "updates", "publishes", "rewrites", "strengthens", "monitors", "audits",
         "clarifies", "simplifies", "extends", "promotes", "evaluates", "resources", "tests",
         "benchmarks", "standardises", "embeds", "refreshes", "circulates", "pilots", "funds",
         "streamlines", "records", "maps", "translates", "reissues", "documents", "explains"]
SUBJECTS = ["lone worker", "escalation", "out-of-hours", "complaints", "tenancy sustainment",
            "interpreting", "hospital discharge", "missing person", "firearms licensing",
            "welfare benefits", "carers assessment", "self-neglect", "bail notification",
            "prison release", "professional curiosity", "records retention", "case closure",
            "child protection conference", "front door", "quality assurance", "dual diagnosis",
            "neighbour dispute", "anti-social behaviour", "GP registration", "medicines review",
            "workforce induction", "school exclusion", "court liaison", "chaperone",
            "emergency accommodation", "threshold", "bereavement support", "pet fostering",
            "debt advice", "immigration advice", "sight loss", "hoarding", "fire safety"]
KINDS = ["policy", "protocol", "checklist", "procedure", "guidance", "form", "pathway",
         "framework", "template", "rota", "leaflet", "training pack", "audit tool", "service level agreement"]
FOR_WHOM = ["for older tenants", "for care leavers", "for people with learning disabilities",
            "for veterans", "for migrant women", "for deaf service users", "for rough sleepers",
            "for young fathers", "for people in rural areas", "for students",
            "for people with dementia", "for men who are victims", "for carers",
            "for same-sex couples", "for people leaving prison", "for disabled parents"]
WHY = ["so that decisions are explained", "so that gaps are closed quickly",
       "so that families are kept informed", "so that cases are not closed too early",
       "so that records match across teams", "so that staff know who to call",
       "so that delays are reported", "so that consent is checked",
       "so that risks are reassessed after a change", "so that repeat contacts are spotted"]
ONE_OFF = 0.6  # of the recommendations that restate no lesson, written this way


def one_off(rng: random.Random) -> str:
    why = f" {rng.choice(WHY)}" if rng.random() < 0.3 else ""
    return f"{rng.choice(VERBS)} its {rng.choice(SUBJECTS)} {rng.choice(KINDS)} {rng.choice(FOR_WHOM)}{why}"


def lessons(rng: random.Random) -> list[list[str]]:
    """LESSON_COUNT lessons, each the paraphrases of one family with its slots filled."""
    found = []
    for _ in range(LESSON_COUNT):
        family = rng.choice(FAMILIES)
        fill = {slot: rng.choice(options) for slot, options in WORDS_OF.items()}
        found.append([variant.format(**fill) for variant in family])
    return found


def restated(rng: random.Random, lesson: list[str]) -> str:
    return rng.choice(lesson) + rng.choice(QUALIFIERS)


def sentence(rng: random.Random) -> str:
    action = rng.choice(ACTIONS).format(
        thing=rng.choice(THINGS), who=rng.choice(WHO), do=rng.choice(DO), do2=rng.choice(DO2),
        topic=rng.choice(TOPICS), tool=rng.choice(TOOLS), board=rng.choice(BOARDS),
        public=rng.choice(PUBLIC), situation=rng.choice(SITUATIONS))
    return action


def recommendation(rng: random.Random, place: str, lesson: list[str] | None = None
                   ) -> tuple[str, list[str]]:
    who = []
    for _ in range(rng.choices([1, 2, 3], [80, 15, 5])[0]):
        kind = rng.random()
        if kind < 0.3 and place in FORCES:
            force = FORCES[place]
            who.append(rng.choice([force] + FORCE_ALIASES.get(force, [])))
        elif kind < 0.8:
            who.append(rng.choice(LOCAL).format(p=place))
        elif kind < 0.95:
            who.append(rng.choice(NATIONAL))
        else:
            who.append(rng.choice(GENERIC))
    subject = who[0] if who[0] not in GENERIC else "each agency"
    if lesson is not None:
        return f"{rng.choice(OPENINGS)} {subject} {restated(rng, lesson)}.", list(dict.fromkeys(who))
    if rng.random() < ONE_OFF:
        return f"{rng.choice(OPENINGS)} {subject} {one_off(rng)}.", list(dict.fromkeys(who))
    else:
        detail = rng.choice(DETAILS).format(place=rng.choice(PLACES), service=rng.choice(SERVICES))
        text = f"{rng.choice(OPENINGS)} {subject} {sentence(rng)}, {detail}."
    if rng.random() < 0.3:
        text += f" This should include how {rng.choice(WHO)} {rng.choice(DO)}."
    return text, list(dict.fromkeys(who))


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def review_yaml(rng: random.Random, index: int, known: list[list[str]], weights: list[float],
                taken: set) -> str:
    place = rng.choice(PLACES)
    csp = rng.choice(CSP_FORMS).format(p=place)
    year, month = rng.randint(2012, 2025), rng.randint(1, 12)
    # A second review of one CSP in one month gets an id of its own, as its writer would give
    # it: without one dhr would take it for an update of the first where their texts are alike.
    own_id = [f"id: review-{index}"] if (csp, year, month) in taken else []
    taken.add((csp, year, month))
    lines = ["---", *own_id, f"csp: {quote(csp)}", f"title: {quote(f'{place} review {index}')}",
             f"published: {year}-{month:02d}",
             f"year_of_death: {year - rng.randint(1, 3)}",
             "basis: Statutory domestic homicide review under section 9 of the Domestic Violence, "
             "Crime and Victims Act 2004.", "recommendations:"]
    style = rng.random()
    count = rng.randint(6, 30)
    for n in range(1, count + 1):
        if style < 0.6:
            number = str(n)
        elif style < 0.8:
            number = f"{1 + n // 5}.{1 + n % 5}"
        elif style < 0.9:
            number = f"R{n}"
        else:
            number = str(1 + n % 4)  # agency lists that restart at 1
        lesson = (rng.choices(known, weights)[0] if rng.random() < LESSON_SHARE else None)
        text, to = recommendation(rng, place, lesson)
        lines.append(f"  - number: {quote(number)}")
        lines.append(f"    text: {quote(text)}")
        lines.append("    to: [" + ", ".join(quote(t) for t in to) + "]")
    return "\n".join(lines) + "\n"


def generate(out: Path, reviews: int, seed: int = 1, per_file: int = 100) -> int:
    """Write the catalogue; returns the number of recommendations."""
    rng = random.Random(seed)
    known = lessons(random.Random(seed + 1))
    weights = [1 / rank for rank in range(1, len(known) + 1)]
    out.mkdir(parents=True, exist_ok=True)
    recs, taken = 0, set()
    for start in range(0, reviews, per_file):
        chunk = [review_yaml(rng, i, known, weights, taken)
                 for i in range(start, min(start + per_file, reviews))]
        recs += sum(text.count("\n  - number:") for text in chunk)
        (out / f"reviews-{start // per_file:05d}.yaml").write_text("".join(chunk), encoding="utf-8")
    return recs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--reviews", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-file", type=int, default=100)
    args = parser.parse_args()
    recs = generate(args.out, args.reviews, args.seed, args.per_file)
    print(f"{args.reviews} reviews, {recs} recommendations in {args.out}")


if __name__ == "__main__":
    main()
