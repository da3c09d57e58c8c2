"""A deterministic generator of realistic synthetic DHR catalogues, as review files.

    python benchmarks/generate.py OUT_DIR --reviews 5000 [--seed 1] [--per-file 100]

Each review has a CSP, a title, a publication month, a year of death and 6 to 30
recommendations (about 18 on average) written from templates in the words reviews use, with
numbers in the styles reviews use (1, 2.1, R3, 9.1 a, repeated lists) and one to three
addressees, named the ways reviews name them (GMP, Greater Manchester Police, curly
apostrophes, generic "All agencies"). The same seed gives the same files."""

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


def sentence(rng: random.Random) -> str:
    action = rng.choice(ACTIONS).format(
        thing=rng.choice(THINGS), who=rng.choice(WHO), do=rng.choice(DO), do2=rng.choice(DO2),
        topic=rng.choice(TOPICS), tool=rng.choice(TOOLS), board=rng.choice(BOARDS),
        public=rng.choice(PUBLIC), situation=rng.choice(SITUATIONS))
    return action


def recommendation(rng: random.Random, place: str) -> tuple[str, list[str]]:
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
    text = f"{rng.choice(OPENINGS)} {subject} {sentence(rng)}."
    if rng.random() < 0.3:
        text += f" This should include how {rng.choice(WHO)} {rng.choice(DO)}."
    return text, list(dict.fromkeys(who))


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def review_yaml(rng: random.Random, index: int) -> str:
    place = rng.choice(PLACES)
    csp = rng.choice(CSP_FORMS).format(p=place)
    year = rng.randint(2012, 2025)
    lines = ["---", f"csp: {quote(csp)}", f"title: {quote(f'{place} review {index}')}",
             f"published: {year}-{rng.randint(1, 12):02d}",
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
        text, to = recommendation(rng, place)
        lines.append(f"  - number: {quote(number)}")
        lines.append(f"    text: {quote(text)}")
        lines.append("    to: [" + ", ".join(quote(t) for t in to) + "]")
    return "\n".join(lines) + "\n"


def generate(out: Path, reviews: int, seed: int = 1, per_file: int = 100) -> int:
    """Write the catalogue; returns the number of recommendations."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    recs = 0
    for start in range(0, reviews, per_file):
        chunk = [review_yaml(rng, i) for i in range(start, min(start + per_file, reviews))]
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
