"""Recurring lessons: similar and recurring recommendations, and repeats found at import
(issue 16, first part)."""

import json

import yaml

from conftest import ROOT, run, write

SAMPLES = ROOT / "samples"
PAIRS = ROOT / "tests" / "data" / "lesson_pairs.yaml"


def _repeats(norfolk):
    for name in ("repeats-wyvern.yaml", "repeats-avon.yaml", "repeats-tamar.yaml"):
        assert run("import", SAMPLES / name).exit_code == 0


def test_similar_lists_the_repeats_of_a_lesson_first(norfolk):
    _repeats(norfolk)
    rows = json.loads(run("similar", "norfolk-2023-04/5", "--json").stdout)
    assert {(r["review_id"], r["number"]) for r in rows[:3]} == {
        ("wyvern-2024-02", "1"), ("avondale-2022-09", "1"), ("tamarside-2025-01", "1")}
    assert all(r["review_id"] != "norfolk-2023-04" for r in rows)
    assert "Clare’s Law" in rows[0]["alike"]  # "Domestic Violence Disclosure Scheme" is one term
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_recurring_groups_the_lessons_repeated_across_reviews(norfolk):
    _repeats(norfolk)
    rows = json.loads(run("recurring", "--min-reviews", "2", "--json").stdout)
    groups: dict = {}
    for row in rows:
        groups.setdefault(row["group"], set()).add(f"{row['review_id']}/{row['number']}")
    assert {"norfolk-2023-04/5", "wyvern-2024-02/1", "avondale-2022-09/1",
            "tamarside-2025-01/1"} in groups.values()
    assert {"norfolk-2023-04/2", "wyvern-2024-02/2", "avondale-2022-09/2"} in groups.values()
    assert any({"norfolk-2023-04/14", "wyvern-2024-02/3", "tamarside-2025-01/2"} <= members
               for members in groups.values())
    assert json.loads(run("recurring", "--min-reviews", "2", "--json").stdout) == rows  # the same
    three = json.loads(run("recurring", "--json").stdout)  # the default: three reviews or more
    reviews: dict = {}
    for row in three:
        reviews.setdefault(row["group"], set()).add(row["review_id"])
    assert reviews and all(len(found) >= 3 for found in reviews.values())
    assert "norfolk-2023-04/5" in {f"{r['review_id']}/{r['number']}" for r in three}


def test_importing_a_review_twice_under_two_ids_warns_once_naming_both(norfolk, tmp_path):
    copy = "id: norfolk-copy\n" + (SAMPLES / "norfolk.yaml").read_text(encoding="utf-8")
    result = run("import", write(tmp_path / "copy.yaml", copy))
    assert result.exit_code == 0
    warned = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warned == [f"{tmp_path / 'copy.yaml'}:1: warning: review norfolk-copy repeats 31 of "
                      f"its 31 recommendations from review norfolk-2023-04: is it the same review "
                      f"imported twice under two ids?"]


def test_a_recommendation_copied_from_another_review_is_reported(norfolk, tmp_path):
    text = ("csp: Z\nrecommendations:\n  - {number: '1', text: 'It is recommended that evaluation "
            "of Clare’s Law is commissioned to assess its use and effectiveness in protecting "
            "victims', to: Home Office}\n  - {number: '2', text: Paint the lamp posts blue., to: Z}\n")
    result = run("import", write(tmp_path / "z.yaml", text))
    assert "warning: recommendation 1 repeats norfolk-2023-04/5" in result.stderr
    assert "recommendation 2 repeats" not in result.stderr


def test_same_lesson_on_the_labelled_pairs():
    """The figures the note reports; thresholds a little below them so that a change that
    makes them worse fails."""
    from dhrcli.lessons import Glossary, Weights, cosine, terms
    from dhrcli.recurrence import THRESHOLD
    from dhrcli.themes import load

    pairs = yaml.safe_load(PAIRS.read_text(encoding="utf-8"))["pairs"]
    assert len(pairs) >= 200
    glossary = Glossary(load(None).glossary)
    bags = {(p[side], tuple(p[f"{side}_to"])): terms(p[side], glossary,
                                                    names=p[f"{side}_to"])[0]
            for p in pairs for side in "ab"}  # the addressees' names are not lesson terms
    weights = Weights.of(bags.values())
    for part, least in (("tune", (0.75, 0.55)), ("holdout", (0.55, 0.55))):
        chosen = [p for p in pairs if p["part"] == part]
        said = [(cosine(*(weights.vector(bags[p[side], tuple(p[f"{side}_to"])])
                          for side in "ab")) >= THRESHOLD, p["same"]) for p in chosen]
        tp = sum(1 for got, same in said if got and same)
        precision = tp / max(1, sum(1 for got, _ in said if got))
        recall = tp / max(1, sum(1 for _, same in said if same))
        print(f"\nlesson pairs, {part} ({len(chosen)}): precision {precision:.2f}, recall {recall:.2f}")
        assert precision >= least[0] and recall >= least[1]


def test_the_report_lists_the_most_recurrent_lessons(norfolk, tmp_path):
    _repeats(norfolk)
    text = run("report", "--by", "sector").stdout
    assert "## Recurring lessons" in text
    assert "- **4 reviews, 2022 to 2025, 4 of 4 open:**" in text
    page = tmp_path / "r.html"
    assert run("report", "--html", "-o", page).exit_code == 0
    assert '<h2 id="recurring">Recurring lessons</h2>' in page.read_text(encoding="utf-8")
    alone = run("report", "--review", "norfolk-2023-04").stdout
    assert "Recurring lessons" not in alone  # one review repeats nothing


def _counts_in(path):
    """What lesson_terms holds, and (text, names) of each recommendation to count afresh."""
    import sqlite3

    from dhrcli.migrations import lesson_sources

    with sqlite3.connect(path) as db:
        held = dict(db.execute("SELECT term, df FROM lesson_terms"))
        texts = [(text, names) for _, _, text, names in lesson_sources(db)]
    return held, texts


def test_the_term_counts_stay_in_step_with_the_recommendations(norfolk, catalogue_path, tmp_path):
    """lesson_terms (the weights of similar and recurring) is kept at import: after adding,
    replacing and re-importing reviews it equals a count made from scratch."""
    from dhrcli.lessons import Glossary, document_counts
    from dhrcli.themes import load

    _repeats(norfolk)
    changed = (SAMPLES / "repeats-avon.yaml").read_text(encoding="utf-8").replace(
        "Clare's Law", "the Respect helpline")
    assert "Respect helpline" in changed
    assert run("import", write(tmp_path / "avon.yaml", changed)).exit_code == 0
    assert run("import", SAMPLES / "repeats-tamar.yaml").exit_code == 0  # unchanged
    held, texts = _counts_in(catalogue_path)
    assert held == dict(document_counts(texts, Glossary(load(None).glossary)))
    assert held["=dvds"] >= 2 and "respect" in held


def test_an_older_catalogue_gets_its_term_counts_when_upgraded(tmp_path):
    import shutil

    from dhrcli.lessons import Glossary, document_counts
    from dhrcli.themes import load

    path = tmp_path / "v4.db"
    shutil.copy(ROOT / "tests" / "data" / "catalogue-v4.db", path)
    assert run("import", SAMPLES / "repeats-wyvern.yaml", "--db", path).exit_code == 0
    held, texts = _counts_in(path)
    assert len(texts) > 10 and held == dict(document_counts(texts, Glossary(load(None).glossary)))


def test_a_group_is_alike_to_its_lead_not_a_chain_of_links(catalogue_path, tmp_path):
    """A is like B, B like C, C like D, but A is not like D: they do not make one group, and
    every member of a group is alike to the group's representative."""
    from dhrcli.catalogue import Catalogue
    from dhrcli.lessons import cosine, terms
    from dhrcli.recurrence import THRESHOLD

    chain = ["Train midwives on stalking risk and record stalking concerns in the notes.",
             "Train midwives on stalking risk and coercive control awareness.",
             "Audit coercive control awareness sessions delivered to paramedics.",
             "Audit the sessions delivered to paramedics on safe discharge from hospital."]
    reviews = [write(tmp_path / f"r{n}.yaml", f"id: chain-{n}\ncsp: Place {n}\npublished: 2020\n"
                     f"recommendations:\n  - {{number: '1', text: '{text}', to: Home Office}}\n")
               for n, text in enumerate(chain * 2)]  # each text twice, so that links recur
    assert run("import", *reviews).exit_code == 0
    recurrence = Catalogue(catalogue_path).recurrence
    weights = recurrence._weights()

    def alike(a, b):
        return cosine(*(weights.vector(terms(t, recurrence.glossary)[0]) for t in (a, b)))

    assert all(alike(a, b) >= THRESHOLD for a, b in zip(chain, chain[1:]))  # the premise
    assert alike(chain[0], chain[3]) < THRESHOLD
    rows = json.loads(run("recurring", "--min-reviews", "2", "--json").stdout)
    groups: dict = {}
    for row in rows:
        groups.setdefault(row["group"], set()).add(row["text"])
    lead = {row["group"]: row["representative"] for row in rows}
    texts = {f"chain-{n}/1": text for n, text in enumerate(chain * 2)}
    assert len(groups) >= 2
    for group, members in groups.items():
        assert not {chain[0], chain[3]} <= members
        assert all(alike(texts[lead[group]], text) >= THRESHOLD
                   for text in members if text != texts[lead[group]])


def test_the_names_of_a_recommendations_addressees_and_csp_are_not_lesson_terms():
    from dhrcli.lessons import Glossary, terms
    from dhrcli.themes import load

    glossary = Glossary(load(None).glossary)
    text = "Norfolk Constabulary should review its vetting policy with Safer Norfolk."
    named, _ = terms(text, glossary, names=("Safer Norfolk", "Norfolk Constabulary"))
    plain, _ = terms(text, glossary)
    assert "norfolk" in plain and "constab" in plain
    assert not any("norfolk" in term or "constab" in term for term in named)
    assert {"review", "vet", "policy", "vet policy"} <= set(named) and "review vet" in named


def test_a_catalogue_with_text_fingerprints_gets_integer_ones_when_upgraded(norfolk, catalogue_path,
                                                                           tmp_path):
    """A catalogue of schema step 008 held its fingerprints as hexadecimal text in
    recommendation_prints; the upgrade makes them again as integers, drops the old table, and
    import still finds a copy of one of its recommendations."""
    import sqlite3

    from dhrcli.lessons import prints

    with sqlite3.connect(catalogue_path) as db:  # back to step 008's shape
        texts = dict(db.execute("SELECT id, text FROM recommendations"))
        db.execute("DROP TABLE recommendation_fingerprints")
        db.execute("CREATE TABLE recommendation_prints (recommendation INTEGER NOT NULL, "
                   "print TEXT NOT NULL)")
        db.executemany("INSERT INTO recommendation_prints VALUES (?, ?)",
                       [(rec, "%016x" % (found % 2**64)) for rec, text in texts.items()
                        for found in prints(text)])
        db.execute("DELETE FROM migrations WHERE name = '009_integer_fingerprints'")
        db.execute("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    db.close()
    text = ("csp: Z\nrecommendations:\n  - {number: '1', text: 'It is recommended that evaluation "
            "of Clare’s Law is commissioned to assess its use and effectiveness in protecting "
            "victims', to: Home Office}\n")
    result = run("import", write(tmp_path / "z.yaml", text))
    assert "warning: recommendation 1 repeats norfolk-2023-04/5" in result.stderr
    with sqlite3.connect(catalogue_path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        held = sorted(db.execute("SELECT recommendation, print FROM recommendation_fingerprints "
                                 "WHERE recommendation IN (SELECT id FROM recommendations r "
                                 "WHERE r.review = 1)"))
    db.close()
    assert "recommendation_prints" not in tables
    assert held == sorted((rec, found) for rec, text in texts.items() for found in prints(text))
    assert all(isinstance(found, int) for _, found in held)
