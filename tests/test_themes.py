import json
from pathlib import Path

import pytest
import yaml

from conftest import NORFOLK, numbers, run, snapshot, write
from dhrcli.cues import Cue, stem, words
from dhrcli.themes import load

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def taxonomy_file(tmp_path, monkeypatch):
    path = tmp_path / "config" / "taxonomy.yaml"
    monkeypatch.setenv("DHR_TAXONOMY", str(path))
    return path


@pytest.mark.parametrize("forms", [
    ["train", "training", "trained", "trains"],
    ["policy", "policies"],
    ["share", "sharing", "shared", "shares"],
    ["campaign", "campaigns"],
    ["sentence", "sentences", "sentencing"],
    ["assess", "assessed", "assessing"],
])
def test_forms_of_a_word_share_a_stem(forms):
    assert len({stem(form) for form in forms}) == 1


def test_words_fold_apostrophes_and_keep_positions():
    text = "Clare’s Law & multi-agency work"
    found = words(text)
    assert [w[0] for w in found] == ["clares", "law", "and", "multi", "agency", "work"]
    assert text[found[0][2]:found[0][3]] == "Clare’s"


@pytest.mark.parametrize("cue, text, matched", [
    ("information sharing", "improve information sharing now", True),
    ("share ... information", "share relevant safeguarding information", True),
    ("share ... information", "share it with the GP and later record information", False),
    ("safeguard*", "Safeguarding leads", True),
    ("=staffing", "staff are trained", False),
    ("=staffing", "adequate staffing", True),
    ("(audit|review) ... process", "audit the referral process", True),
    ("clares law", "Clare's Law", True),
])
def test_cue_forms(cue, text, matched):
    assert bool(Cue.parse(cue, "test").find(words(text))) is matched


def test_negative_cues_drop_overlapping_matches():
    taxonomy = load(None)
    assert "training" not in taxonomy.classify("Run awareness raising campaigns for the public.")
    assert "training" in taxonomy.classify("Domestic abuse awareness raising for GP staff.")
    assert "public-awareness" in taxonomy.classify("Run awareness raising campaigns for the public.")


def test_norfolk_themes(norfolk):
    def by_theme(theme):
        return set(numbers(run("by-theme", theme, "--json")))

    assert {"2", "3", "5", "6", "7", "31"} <= by_theme("justice-legal")
    assert {"11", "14", "19", "20"} <= by_theme("training")
    assert {"9", "10"} <= by_theme("workforce")
    assert {"12", "13"} <= by_theme("engagement")


def test_rows_carry_themes_after_scope(norfolk):
    rows = json.loads(run("show", "norfolk-2023-04", "--json").stdout)
    assert list(rows[0])[9:13] == ["scope", "status", "themes", "source_url"]
    assert "engagement" in rows[12]["themes"]


def test_explain_names_the_words(norfolk):
    result = run("explain", "norfolk-2023-04/13", "--json")
    assert result.exit_code == 0, result.stderr
    rows = [r for r in json.loads(result.stdout) if r["theme"] == "engagement"]
    assert rows and {r["source"] for r in rows} == {"rules"}
    assert {"DNA", "Did Not Attend"} <= {r["words"] for r in rows}
    table = run("explain", "norfolk-2023-04/13").stdout
    assert "DNA (Did Not Attend) processes" in table and "engagement" in table


def test_glossary_widens_search(norfolk):
    exact = run("search", "DVDS", "--exact", "--json")
    assert sorted(numbers(exact), key=int) == ["2", "6", "7"] and exact.stderr == ""
    wide = run("search", "DVDS", "--json")
    assert sorted(numbers(wide), key=int) == ["2", "3", "5", "6", "7"]
    assert "'DVDS' also searched as:" in wide.stderr and "Clare's Law" in wide.stderr
    assert sorted(numbers(run("search", "Clare's Law", "--json")), key=int) == ["2", "3", "5", "6", "7"]
    assert sorted(numbers(run("search", "did not attend", "--json")), key=int) == ["12", "13"]


def test_search_by_theme(norfolk):
    assert len(numbers(run("search", "staff", "--json"))) == 6
    assert numbers(run("search", "staff", "--theme", "workforce", "--json")) == ["10"]
    bad = run("search", "staff", "--theme", "trainning")
    assert bad.exit_code == 1 and "did you mean 'training'" in bad.stderr


def themes_of(reference):
    rows = json.loads(run("explain", reference, "--json").stdout)
    return {r["theme"] for r in rows if r["source"] not in ("blocked", "removed by a person")}


def test_untag_outlives_reimport(norfolk, tmp_path):
    assert "children" in themes_of("norfolk-2023-04/16")
    result = run("untag", "norfolk-2023-04/16", "children")
    assert result.exit_code == 0, result.stderr
    assert "children" not in themes_of("norfolk-2023-04/16")
    removed = json.loads(run("explain", "norfolk-2023-04/16", "--json").stdout)
    assert {"theme": "children", "source": "removed by a person", "signal": "text",
            "cue": "child*", "words": "child"} in removed
    assert run("import", NORFOLK).exit_code == 0  # unchanged
    edited = NORFOLK.read_text(encoding="utf-8").replace("mandatory reporting field", "required field")
    assert "1 updated" in run("import", write(tmp_path / "n.yaml", edited)).stderr
    assert "children" not in themes_of("norfolk-2023-04/16")
    assert "children" not in themes_of("norfolk-2023-04/16")
    assert run("retheme").exit_code == 0
    assert "children" not in themes_of("norfolk-2023-04/16")


def test_tag_adds_a_persons_theme(norfolk):
    assert run("tag", "norfolk-2023-04/4", "specialist-services").exit_code == 0
    rows = json.loads(run("explain", "norfolk-2023-04/4", "--json").stdout)
    assert {"theme": "specialist-services", "source": "a person (dhr tag)", "signal": None, "cue": None,
            "words": None} in rows
    assert "4" in numbers(run("by-theme", "specialist-services", "--json"))
    assert run("tag", "norfolk-2023-04/4", "nonsense").exit_code == 1


def test_user_taxonomy_and_retheme(norfolk, taxonomy_file):
    run("tag", "norfolk-2023-04/29", "housing")
    before = {r["theme"]: r["recommendations"] for r in json.loads(run("themes", "--json").stdout)}
    taxonomy_file.parent.mkdir(parents=True)
    write(taxonomy_file, "themes:\n  - slug: hospital\n    label: Hospitals\n    cues: [hospital, a and e]\n"
                         "  - slug: workforce\n    label: Workforce\n    cues: [caseload]\n")
    assert "run 'dhr retheme'" in json.loads(run("info", "--json").stdout)[0]["themes"]
    result = run("retheme")
    assert result.exit_code == 0, result.stderr
    changed = int(result.stderr.split()[1])
    assert changed > 0
    after = {r["theme"]: r["recommendations"] for r in json.loads(run("themes", "--json").stdout)}
    assert after["hospital"] == 5 and "hospital" not in before  # recs 14, 15, 17, 18, 20
    assert after["workforce"] == 2 and before["workforce"] >= 2
    assert "housing" in themes_of("norfolk-2023-04/29")  # the person's theme is kept
    assert json.loads(run("info", "--json").stdout)[0]["themes"] == "up to date"
    write(taxonomy_file, "mode: replace\nthemes:\n  - slug: hospital\n    cues: [hospital]\n")
    run("retheme")
    assert [r["theme"] for r in json.loads(run("themes", "--json").stdout)] == ["hospital"]


def test_a_bad_taxonomy_file_is_one_line(norfolk, taxonomy_file):
    taxonomy_file.parent.mkdir(parents=True)
    write(taxonomy_file, "themes:\n  - slug: Bad Slug\n    cues: [x]\n")
    result = run("retheme")
    assert result.exit_code == 1 and "may hold only" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_themes_given_in_the_review_file(tmp_path):
    text = ("csp: A\nrecommendations:\n"
            "  - {number: 1, text: Train GPs in the DASH risk checklist., themes: [housing]}\n"
            "  - {number: 2, text: Train GPs., themes: training | workforce}\n"
            "  - {number: 3, text: Train GPs.}\n")
    assert run("import", write(tmp_path / "a.yaml", text)).exit_code == 0
    assert themes_of("a-undated/1") == {"housing"}
    assert themes_of("a-undated/2") == {"training", "workforce"}
    assert themes_of("a-undated/3") == {"training"}
    bad = run("import", write(tmp_path / "b.yaml", "csp: B\nrecommendations:\n  - {text: x, themes: [trainin]}\n"))
    assert bad.exit_code == 1
    assert "b.yaml:3: recommendation 1 (number 1): no theme 'trainin' (did you mean 'training'?)" in bad.stderr


def test_references_to_repeated_numbers(tmp_path):
    text = "csp: A\nrecommendations:\n  - {number: 1, text: Train GPs.}\n  - {number: 1, text: Audit the MARAC.}\n"
    run("import", write(tmp_path / "a.yaml", text))
    ambiguous = run("explain", "a-undated/1")
    assert ambiguous.exit_code == 1 and "a-undated/1#1, a-undated/1#2" in ambiguous.stderr
    assert themes_of("a-undated/1#2") == {"assurance-governance", "multi-agency"}
    assert run("tag", "a-undated/1#2", "training").exit_code == 0
    assert "training" in themes_of("a-undated/1#2") and "training" in themes_of("a-undated/1#1")
    for bad in ["a-undated", "a-undated/9", "a-undated/1#3", "nope/1"]:
        result = run("explain", bad)
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, bad


def test_counts_and_cross_tabs(norfolk):
    rows = json.loads(run("themes", "--json").stdout)
    assert len(rows) == 20
    training = next(r for r in rows if r["theme"] == "training")
    assert training["share"] == round(100 * training["recommendations"] / 31, 1)
    police = {r["theme"]: r["recommendations"]
              for r in json.loads(run("themes", "--sector", "police", "--json").stdout)}
    assert police["justice-legal"] == 4  # recs 2, 3, 6, 7
    crosstab = json.loads(run("by-theme", "justice-legal", "--by-agency", "--json").stdout)
    cells = {r["agency"]: r["justice-legal"] for r in crosstab}
    assert cells["Norfolk Constabulary"] == 4 and cells["Home Office"] == 1
    wide = json.loads(run("by-agency", "Norfolk Constabulary", "--by-theme", "--json").stdout)
    assert {r["theme"]: r["Norfolk Constabulary"] for r in wide}["justice-legal"] == 4
    full = run("by-theme", "--by-agency", "--csv").stdout.splitlines()
    assert full[0].startswith("agency,recommendations,")


def test_glossary_command(norfolk):
    rows = json.loads(run("glossary", "DVDS", "--json").stdout)
    assert rows[0]["term"] == "DVDS" and "Clare's Law" in rows[0]["means"]
    assert run("glossary", "zzz").exit_code == 1
    assert len(json.loads(run("glossary", "--json").stdout)) >= 30


def _scores(data, taxonomy):
    per: dict[str, list[int]] = {}
    for rec in data:
        got, want = set(taxonomy.classify(rec["text"])), set(rec["themes"])
        for theme in got | want:
            tally = per.setdefault(theme, [0, 0, 0])
            tally[0] += theme in got and theme in want
            tally[1] += theme in got and theme not in want
            tally[2] += theme in want and theme not in got
    tp, fp, fn = (sum(t[i] for t in per.values()) for i in range(3))
    return tp / (tp + fp), tp / (tp + fn), per


def test_precision_and_recall_of_the_rules():
    """The labelled set (31 Norfolk recommendations and 133 written for it) was labelled by a
    person who did not see the rules. The rules were tuned against t-001..t-090 and Norfolk;
    t-091..t-133 were not looked at while tuning, and are reported apart."""
    data = yaml.safe_load((DATA / "themes_labelled.yaml").read_text(encoding="utf-8"))["recommendations"]
    assert len(data) >= 101
    taxonomy = load(None)
    precision, recall, per = _scores(data, taxonomy)
    held = [r for r in data if r["id"].startswith("t-") and int(r["id"][2:]) > 90]
    held_p, held_r, _ = _scores(held, taxonomy)
    print(f"\nthemes: micro precision {precision:.3f}, recall {recall:.3f} on {len(data)} "
          f"recommendations; held out while tuning ({len(held)}): {held_p:.3f}, {held_r:.3f}")
    print(f"  {'theme':24} precision recall  tp  fp  fn")
    for theme, (tp, fp, fn) in sorted(per.items()):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        print(f"  {theme:24} {p:9.2f} {r:6.2f} {tp:3} {fp:3} {fn:3}")
    assert precision >= 0.80 and recall >= 0.80


def test_explain_shows_the_addressee_signal_and_what_was_blocked(tmp_path):
    text = ("csp: A\nrecommendations:\n"
            "  - {number: '1', text: Review how clients are assessed on referral., "
            "to: Change Grow Live}\n"
            "  - {number: '2', text: Review how clients are assessed on referral., "
            "to: [Change Grow Live, Leeds City Council, Leeds Teaching Hospitals NHS Trust]}\n")
    assert run("import", write(tmp_path / "a.yaml", text)).exit_code == 0
    one = json.loads(run("explain", "a-undated/1", "--json").stdout)
    assert {"theme": "substance-misuse", "source": "rules", "signal": "addressee",
            "cue": "addressed to the sector substance-misuse", "words": "Change Grow Live"} in one
    three = json.loads(run("explain", "a-undated/2", "--json").stdout)
    assert not any(row["theme"] == "substance-misuse" for row in three)  # too many addressees
    assert "substance-misuse" in themes_of("a-undated/1")


def test_a_not_cue_blocks_a_match_and_explain_says_which(tmp_path):
    taxonomy = write(tmp_path / "t.yaml", "themes:\n  - slug: fruit\n    cues: [apple]\n"
                     "    not: [apple pie]\n  - slug: weather\n    cues: ['rain {umbrella|coat}']\n")
    rec = "csp: A\nrecommendations:\n  - {number: '1', text: Serve apple pie when it may rain.}\n"
    assert run("import", "--taxonomy", taxonomy, write(tmp_path / "a.yaml", rec)).exit_code == 0
    rows = json.loads(run("explain", "a-undated/1", "--taxonomy", taxonomy, "--json").stdout)
    blocked = {(r["theme"], r["signal"]) for r in rows if r["source"] == "blocked"}
    assert blocked == {("fruit", "not: apple pie"), ("weather", "without any of: umbrella, coat")}
    assert themes_of("a-undated/1") == set()


def test_a_new_sector_for_an_addressee_classifies_its_recommendations_again(tmp_path):
    review = "csp: A\nrecommendations:\n  - {number: '1', text: Review how clients are assessed., to: Zorblax}\n"
    assert run("import", write(tmp_path / "a.yaml", review)).exit_code == 0
    assert "substance-misuse" not in themes_of("a-undated/1")
    assert run("agencies", "set-sector", "Zorblax", "substance-misuse").exit_code == 0
    assert "substance-misuse" in themes_of("a-undated/1")


@pytest.mark.parametrize("signals, said", [
    ("{sectors: 5}", "'addressees: sectors:' must be a list of sector slugs"),
    ("{sectors: [nope]}", "'nope' is not a sector"),
    ("{names: [{a: b}]}", "'addressees: names:' must be a list of cues"),
    ("[housing]", "'addressees' must be a mapping"),
    ("{sector: [housing]}", "'addressees' must be a mapping"),
])
def test_a_bad_addressee_signal_in_a_taxonomy_is_one_line(norfolk, catalogue_path, tmp_path,
                                                           signals, said):
    taxonomy = write(tmp_path / "t.yaml", f"themes:\n  - slug: x\n    cues: [x]\n    addressees: {signals}\n")
    before = snapshot(catalogue_path)
    result = run("retheme", "--taxonomy", taxonomy)
    assert result.exit_code == 1 and said in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert before is not None and snapshot(catalogue_path) == before


def test_what_blocked_a_cue_is_said_the_same_way_in_every_run(tmp_path):
    """Where several not-cues cover one match, the one named is chosen by place, not by the
    order a set happens to hold them in, which changes from one process to the next."""
    import subprocess
    import sys

    code = ("from dhrcli.themes import load; blocked = []; "
            "load(None).classify('Probation to offer the victim liaison scheme, as the liaison "
            "officer and community mental health team advised, in the community.', "
            "blocked=blocked); print(sorted(str(b) for b in blocked))")
    said = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)},
                           check=True).stdout for seed in range(8)}
    assert len(said) == 1 and "not:" in said.pop()
