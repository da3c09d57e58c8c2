"""A small run of the benchmark, to keep it working (the full run is documented in the README
and is not part of CI). No timing is asserted: only that it runs and reports."""

import pytest
import json
import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402


def test_the_generator_is_deterministic(tmp_path):
    first = generate(tmp_path / "a", 30, seed=7)
    second = generate(tmp_path / "b", 30, seed=7)
    assert first == second > 30 * 6
    assert [p.read_text() for p in sorted((tmp_path / "a").iterdir())] == \
        [p.read_text() for p in sorted((tmp_path / "b").iterdir())]
    assert generate(tmp_path / "c", 30, seed=8) != first or \
        (tmp_path / "c" / "reviews-00000.yaml").read_text() != (tmp_path / "a" / "reviews-00000.yaml").read_text()


@pytest.mark.slow
def test_a_small_benchmark_runs_and_reports(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "S",
                             "--reviews-s", "60", "--runs", "1", "--out", str(out), "--lessons", "20,60",
                             "--work", str(tmp_path / "work")],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "dhr/other" in result.stdout and "import, one file (vs YAML->JSONL" in result.stdout
    results = json.loads(out.read_text())
    size = results["sizes"]["S"]
    assert size["reviews"] == 60 and size["recommendations"] > 60
    assert set(size["import"]) == {"one file", "folder"}
    assert all(entry["dhr"] > 0 and entry["other"] > 0 and entry["target"] == 1.0
               for entry in size["import"].values())
    assert set(size["search"]) == {"rare", "two-word", "common", "glossary"}
    assert [size["search"][name]["exact"] for name in ("rare", "glossary")] == [True, False]
    assert set(size["start-up"]) == {"dhr --version", "dhr search (empty catalogue)"}
    lessons = results["lessons"]
    assert [size["reviews"] for size in lessons["sizes"]] == [20, 60]
    assert all(size["recurring_s"] > 0 and size["similar_s"] > 0 for size in lessons["sizes"])
    assert lessons["growth"]["n_log_n"] > lessons["growth"]["linear"] > 1
    assert "recurring's time grew" in result.stdout
    again = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "S",
                            "--reviews-s", "60", "--runs", "1", "--out", str(out), "--lessons", "",
                            "--work", str(tmp_path / "work"), "--skip-import"],
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    quick = json.loads(out.read_text())["sizes"]["S"]
    assert quick["import"] == {} and set(quick["search"]) == set(size["search"])
    missing = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "S",
                              "--reviews-s", "60", "--lessons", "", "--out", str(out),
                              "--work", str(tmp_path / "elsewhere"), "--skip-import"],
                             capture_output=True, text=True, timeout=600)
    assert missing.returncode != 0 and "no catalogue" in missing.stderr


def test_no_two_generated_reviews_share_a_key(tmp_path):
    """A second review of one CSP in one month has an id of its own, so that every generated
    review is imported as itself (one file or a folder alike) and none updates another."""
    generate(tmp_path / "data", 400, seed=3)
    one = tmp_path / "one.yaml"
    one.write_text("".join(p.read_text() for p in sorted((tmp_path / "data").iterdir())))
    db = tmp_path / "cat.db"
    result = subprocess.run([sys.executable, "-m", "dhrcli", "import", "--db", str(db), str(one)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "reviews: 400 added, 0 updated" in result.stderr
    assert one.read_text().count("\nid: review-") > 0


def test_the_generator_writes_lessons_that_recur_in_other_words(tmp_path):
    """Not thousands of copies of one text: nearly every text is its own, but the most common
    lessons recur in many reviews, in more than one wording."""
    import random
    import re

    from generate import lessons

    generate(tmp_path, 300, seed=1)
    files = "".join(p.read_text(encoding="utf-8") for p in sorted(tmp_path.iterdir()))
    texts = re.findall(r'\n    text: "(.*)"', files)
    assert len(set(texts)) > 0.98 * len(texts)
    first = lessons(random.Random(2))[0]  # the most common lesson (seed 1 makes them with 2)
    said = {variant for variant in first for text in texts if variant in text}
    reviews = [review for review in files.split("\n---\n") if any(v in review for v in first)]
    assert len(said) >= 2 and len(reviews) >= 20
