"""dhr against the do-it-yourself route, side by side in one run, at two sizes.

    python benchmarks/run.py                  # S (5,000 reviews) and L (56,000), 5 runs each
    python benchmarks/run.py --sizes S --runs 3
    python benchmarks/run.py --sizes S --reviews-s 200 --runs 1 --out /tmp/small.json

For each size it generates a catalogue of review files (benchmarks/generate.py) and times each
import as the median of --runs runs, with its peak memory, and each quick command (search,
start-up, grouping) as the median of at least 7 runs taken in turn with the other route's
(--skip-import times only these, on the catalogue an earlier run left in --work):
  import     dhr import of the folder of files, and of the same reviews as one multi-document
             file, each  vs  PyYAML's C loader to JSON lines, sqlite-utils insert --nl --alter,
             sqlite-utils enable-fts --fts5 --tokenize porter, on the same input
  search     dhr search WORD --exact --limit 20  vs  sqlite-utils search DB recommendations
             WORD --limit 20 (on dhr's own database; a rare word, a two-word query and a
             common word), and dhr search with its glossary (DVDS) against the same
  start-up   dhr --version  vs  sqlite-utils --version, and dhr search on an empty catalogue
             vs  sqlite-utils search on an empty database with a full-text index
  grouping   dhr by-agency NAME --csv (the agency with most recommendations), and dhr agencies
             --csv  vs  the same SQL run by the sqlite3 command
  lessons    dhr recurring --csv, and dhr similar REC (the median over five recommendations), on
             catalogues of --lessons reviews each (default 555, 1667 and 5000: about 10,000,
             30,000 and 90,000 recommendations), against absolute targets (recurring within
             60 s and 500 MB, similar within 0.5 s) and the growth of recurring's time from the
             smallest to the largest against n log n
Every comparison is printed as a ratio dhr / other (below 1: dhr is faster) with its target,
and the results are written to benchmarks/results/ (or --out). Needs dhr installed
(pip install .), and the sqlite3 command for the grouping comparison (it is skipped without it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

# name: (query, --exact or not, target ratio)
QUERIES = {"rare": ("beauticians", True, 0.7), "two-word": ("risk assessment", True, 0.7),
           "common": ("safeguarding", True, 0.9), "glossary": ("DVDS", False, 1.0)}
TARGETS = {"import": 1.0, "start-up": 0.5, "grouping": 1.5}
MEMORY_TARGET_MIB = 400 * 1000 * 1000 / 2**20  # 400 MB at L
PER_RECOMMENDATION_TARGET = 1.3  # import cost per recommendation, L / S
QUICK_RUNS = 7  # searches, start-up and grouping take well under a second: more runs are cheap

AGENCY_COUNTS_SQL = """
SELECT a.name AS agency, a.sector, CASE WHEN a.national THEN 'national' ELSE 'local' END AS scope,
       count(DISTINCT ra.recommendation) AS recommendations, count(DISTINCT r.review) AS reviews
FROM agencies a JOIN recommendation_agencies ra ON ra.agency = a.id
JOIN recommendations r ON r.id = ra.recommendation
GROUP BY a.id ORDER BY recommendations DESC, reviews DESC, a.name;
"""
AGENCY_ROWS_SQL = """
SELECT v.key AS review_id, v.csp, v.title, v.published, v.year_of_death, r.number, r.text,
  (SELECT group_concat(written, ' | ') FROM (SELECT written FROM recommendation_agencies
    WHERE recommendation = r.id ORDER BY position)) AS agencies,
  (SELECT group_concat(sector, ' | ') FROM (SELECT a.sector FROM recommendation_agencies ra
    JOIN agencies a ON a.id = ra.agency WHERE ra.recommendation = r.id GROUP BY a.sector
    ORDER BY min(ra.position))) AS sectors,
  CASE WHEN EXISTS (SELECT 1 FROM recommendation_agencies ra JOIN agencies a ON a.id = ra.agency
    WHERE ra.recommendation = r.id AND a.national) THEN 'national' ELSE 'local' END AS scope,
  (SELECT group_concat(theme, ' | ') FROM (SELECT theme FROM recommendation_themes
    WHERE recommendation = r.id ORDER BY theme)) AS themes,
  v.source_url
FROM recommendations r JOIN reviews v ON v.id = r.review
WHERE r.id IN (SELECT recommendation FROM recommendation_agencies
               WHERE agency = (SELECT id FROM agencies WHERE name = '{name}'))
ORDER BY v.published, v.key, r.sort_key, r.position;
"""

_MEASURE = ("import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "stdin = open(sys.argv[1]) if sys.argv[1] != '-' else None\n"
            "code = subprocess.run(sys.argv[2:], stdin=stdin, stdout=subprocess.DEVNULL).returncode\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)")


def measure(command: list[str], env: dict, stdin: str = "-") -> tuple[float, int]:
    """Wall seconds and peak memory (KiB) of one command run, its output thrown away."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, stdin, *command], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    if out[2] != "0":
        raise SystemExit(f"benchmark command failed ({out[2]}): {' '.join(command)}")
    return float(out[0]), int(out[1])


def median_of(runs: int, step) -> tuple[float, int]:
    """The median wall time and the largest peak memory over `runs` runs of step()."""
    times, peaks = [], []
    for _ in range(runs):
        seconds, kib = step()
        times.append(seconds)
        peaks.append(kib)
    return statistics.median(times), max(peaks)


def paired(runs: int, ours, theirs) -> tuple[float, float]:
    """Median wall times of two quick commands, run in turn (ours, theirs, ours, ...) at least
    QUICK_RUNS times each after one unmeasured run of each, so that a drift of the machine
    falls on both."""
    ours(), theirs()
    times: tuple[list, list] = ([], [])
    for _ in range(max(runs, QUICK_RUNS)):
        times[0].append(ours()[0])
        times[1].append(theirs()[0])
    return statistics.median(times[0]), statistics.median(times[1])


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed here: pip install . (from the checkout)")
    return found


def run_size(label: str, reviews: int, runs: int, seed: int, work: Path,
             skip_import: bool = False) -> dict:
    dhr, sqlite_utils = tool("dhr"), tool("sqlite-utils")
    sqlite3_cli = shutil.which("sqlite3")
    data = work / f"{label}-{reviews}-{seed}"
    db, diy_db, jsonl = work / f"{label}.db", work / f"{label}-diy.db", work / f"{label}.jsonl"
    if skip_import and not db.exists():
        raise SystemExit(f"--skip-import: no catalogue {db} from an earlier run in --work")
    if not data.exists():
        generate(data, reviews, seed)
    one = work / f"{label}-{reviews}-{seed}-one"  # the same reviews as one file
    if not one.exists():
        one.mkdir()
        with open(one / "reviews.yaml", "wb") as out:
            for path in sorted(data.glob("*.yaml")):
                out.write(path.read_bytes())
    recs = sum(p.read_text(encoding="utf-8").count("\n  - number:") for p in data.glob("*.yaml"))
    env = {**os.environ, "DHR_ALIASES": str(work / "no-aliases.yaml"),
           "DHR_TAXONOMY": str(work / "no-taxonomy.yaml"), "COLUMNS": "120"}
    result: dict = {"reviews": reviews, "recommendations": recs, "runs": runs}

    def fresh(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    def dhr_import(source: Path):
        fresh(db)
        return measure([dhr, "import", "-q", "--db", str(db), str(source)], env)

    def diy_import(source: Path):
        fresh(diy_db)
        steps = [[sys.executable, str(HERE / "diy.py"), str(source), str(jsonl)],
                 [sqlite_utils, "insert", str(diy_db), "recommendations", str(jsonl), "--nl",
                  "--alter"],  # a review with an id has a column the first rows lack
                 [sqlite_utils, "enable-fts", str(diy_db), "recommendations", "text", "--fts5",
                  "--tokenize", "porter"]]
        measured = [measure(step, env) for step in steps]
        return sum(m[0] for m in measured), max(m[1] for m in measured)

    print(f"{label}: {reviews} reviews, {recs} recommendations; {runs} run(s) of each", flush=True)
    result["import"] = {}
    for name, source, folder in () if skip_import else (
            ("one file", one / "reviews.yaml", one), ("folder", data, data)):
        theirs, their_peak = median_of(runs, lambda: diy_import(folder))
        ours, peak = median_of(runs, lambda: dhr_import(source))  # the folder's db is kept
        result["import"][name] = {"dhr": ours, "other": theirs, "ratio": ours / theirs,
                                  "target": TARGETS["import"],
                                  "dhr_peak_mib": peak / 1024, "other_peak_mib": their_peak / 1024,
                                  "dhr_us_per_recommendation": 1e6 * ours / recs}
    result["search"] = {}
    for name, (word, exact, target) in QUERIES.items():
        ours, theirs = paired(runs, lambda: measure(
            [dhr, "search", word, "--limit", "20", "--db", str(db)]
            + (["--exact"] if exact else []), env), lambda: measure(
            [sqlite_utils, "search", str(db), "recommendations", word, "--limit", "20"], env))
        result["search"][name] = {"query": word, "exact": exact, "dhr": ours, "other": theirs,
                                  "ratio": ours / theirs, "target": target}
    empty, empty_other = work / "empty.db", work / "empty-other.db"
    fresh(empty_other)
    subprocess.run([sqlite_utils, "create-table", str(empty_other), "recommendations", "text",
                    "text"], check=True, env=env)
    subprocess.run([sqlite_utils, "enable-fts", str(empty_other), "recommendations", "text",
                    "--fts5"], check=True, env=env)
    result["start-up"] = {}
    for name, command, other in (
            ("dhr --version", [dhr, "--version"], [sqlite_utils, "--version"]),
            ("dhr search (empty catalogue)", [dhr, "search", "x", "--db", str(empty)],
             [sqlite_utils, "search", str(empty_other), "recommendations", "x"])):
        ours, theirs = paired(runs, lambda: measure(command, env), lambda: measure(other, env))
        result["start-up"][name] = {"dhr": ours, "other": theirs, "ratio": ours / theirs,
                                    "target": TARGETS["start-up"]}
    result["grouping"] = {}
    if sqlite3_cli:
        largest = subprocess.run([sqlite3_cli, str(db), "SELECT a.name FROM agencies a JOIN "
                                  "recommendation_agencies ra ON ra.agency = a.id GROUP BY a.id "
                                  "ORDER BY count(*) DESC, a.name LIMIT 1"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        for name, command, sql in (
                ("by-agency NAME", [dhr, "by-agency", largest, "--csv", "--db", str(db)],
                 AGENCY_ROWS_SQL.format(name=largest.replace("'", "''"))),
                ("agencies", [dhr, "agencies", "--csv", "--db", str(db)], AGENCY_COUNTS_SQL)):
            script = work / "query.sql"
            script.write_text(sql, encoding="utf-8")
            ours, theirs = paired(runs, lambda: measure(command, env), lambda: measure(
                [sqlite3_cli, "-csv", "-header", str(db)], env, stdin=str(script)))
            result["grouping"][name] = {"dhr": ours, "other": theirs, "ratio": ours / theirs,
                                        "target": TARGETS["grouping"]}
    return result


LESSON_TARGETS = {"recurring_s": 60.0, "recurring_mib": 500.0, "similar_s": 0.5}


def run_lessons(reviews: list[int], runs: int, seed: int, work: Path) -> dict:
    """recurring and similar on catalogues of each size in `reviews`, and how recurring's time
    grows with the number of recommendations, against n log n."""
    import math
    import sqlite3

    dhr = tool("dhr")
    env = {**os.environ, "DHR_ALIASES": str(work / "no-aliases.yaml"),
           "DHR_TAXONOMY": str(work / "no-taxonomy.yaml"), "COLUMNS": "120"}
    sizes = []
    for count in reviews:
        data, db = work / f"lessons-{count}-{seed}", work / f"lessons-{count}.db"
        if not data.exists():
            generate(data, count, seed)
        if not db.exists():
            subprocess.run([dhr, "import", "-q", "--db", str(db), str(data)], env=env, check=True)
        with sqlite3.connect(db) as con:
            recs = con.execute("SELECT count(*) FROM recommendations").fetchone()[0]
            step = max(1, recs // 5)
            refs = [f"{key}/{number}" + (f"#{occurrence}" if twice else "")
                    for key, number, occurrence, twice in con.execute(
                        "SELECT v.key, r.number, r.occurrence, (SELECT count(*) > 1 FROM "
                        "recommendations o WHERE o.review = r.review AND o.number = r.number) "
                        "FROM recommendations r JOIN reviews v ON v.id = r.review "
                        f"WHERE r.id % {step} = 1 ORDER BY r.id LIMIT 5")]
        print(f"lessons: {count} reviews, {recs} recommendations", flush=True)
        seconds, peak = median_of(runs, lambda: measure(
            [dhr, "recurring", "--csv", "--db", str(db)], env))
        similar = [median_of(runs, lambda: measure([dhr, "similar", ref, "--db", str(db)], env))
                   for ref in refs]
        sizes.append({"reviews": count, "recommendations": recs, "recurring_s": seconds,
                      "recurring_mib": peak / 1024,
                      "similar_s": statistics.median(s for s, _ in similar),
                      "similar_mib": max(kib for _, kib in similar) / 1024})
    result: dict = {"sizes": sizes, "targets": LESSON_TARGETS}
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        n, m = small["recommendations"], large["recommendations"]
        result["growth"] = {"time": large["recurring_s"] / small["recurring_s"],
                            "n_log_n": m * math.log(m) / (n * math.log(n)), "linear": m / n}
    return result


def table(results: dict) -> str:
    lines = [f"{'comparison':50} {'size':>4} {'dhr s':>9} {'other s':>9} {'dhr/other':>9} "
             f"{'target':>7}  met"]

    def row(name, size, entry):
        met = "yes" if entry["ratio"] <= entry["target"] else "NO"
        lines.append(f"{name:50} {size:>4} {entry['dhr']:9.3f} {entry['other']:9.3f} "
                     f"{entry['ratio']:9.2f} {entry['target']:7.2f}  {met}")

    for size, result in results["sizes"].items():
        for name, entry in result["import"].items():
            row(f"import, {name} (vs YAML->JSONL, insert, fts)", size, entry)
        for name, entry in result["search"].items():
            row(f"search {name} ({entry['query']}{', --exact' if entry['exact'] else ''})",
                size, entry)
        for name, entry in result["start-up"].items():
            row(f"start-up: {name}", size, entry)
        for name, entry in result["grouping"].items():
            row(f"grouping: {name}", size, entry)
    for size, result in results["sizes"].items():
        for name, imp in result["import"].items():
            lines.append(f"{size}: import ({name}) peak memory dhr {imp['dhr_peak_mib']:.0f} MiB, "
                         f"other {imp['other_peak_mib']:.0f} MiB; "
                         f"{imp['dhr_us_per_recommendation']:.0f} µs per recommendation"
                         + (f" (memory target: under {MEMORY_TARGET_MIB:.0f} MiB)"
                            if size == "L" else ""))
    if "per_recommendation_L_over_S" in results:
        for name, ratio in results["per_recommendation_L_over_S"].items():
            lines.append(f"import cost per recommendation, L / S ({name}): {ratio:.2f} "
                         f"(target {PER_RECOMMENDATION_TARGET:.2f})")
    lessons = results.get("lessons")
    if lessons:
        targets = lessons["targets"]
        lines.append(f"{'lessons: recommendations':26} {'recurring s':>11} {'MiB':>6} "
                     f"{'similar s':>9}  met (within {targets['recurring_s']:.0f} s, "
                     f"{targets['recurring_mib']:.0f} MB; {targets['similar_s']} s)")
        for size in lessons["sizes"]:
            met = all(size[key] <= limit for key, limit in targets.items())
            lines.append(f"{size['recommendations']:26,} {size['recurring_s']:11.2f} "
                         f"{size['recurring_mib']:6.0f} {size['similar_s']:9.3f}  "
                         f"{'yes' if met else 'NO'}")
        growth = lessons.get("growth")
        if growth:
            lines.append(f"recurring's time grew {growth['time']:.1f}x; n log n would be "
                         f"{growth['n_log_n']:.1f}x, n {growth['linear']:.1f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,L")
    parser.add_argument("--reviews-s", type=int, default=5000)
    parser.add_argument("--reviews-l", type=int, default=56000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lessons", default="555,1667,5000",
                        help="reviews in each catalogue for recurring and similar ('' for none)")
    parser.add_argument("--work", type=Path, help="keep generated data here (default: a temporary folder)")
    parser.add_argument("--out", type=Path, help="the results file (default: benchmarks/results/)")
    parser.add_argument("--skip-import", action="store_true",
                        help="time only the quick commands, on the catalogue an earlier run left "
                             "in --work")
    args = parser.parse_args()
    sizes = {"S": args.reviews_s, "L": args.reviews_l}
    chosen = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    results = {"measured": time.strftime("%Y-%m-%d %H:%M %Z"),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
                          f"{platform.release()}, Python {platform.python_version()}",
               "runs": args.runs, "sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for label in chosen:
            results["sizes"][label] = run_size(label, sizes[label], args.runs, args.seed, work,
                                               args.skip_import)
        counts = [int(c) for c in args.lessons.split(",") if c.strip()]
        if counts:
            results["lessons"] = run_lessons(counts, args.runs, args.seed, work)
    if {"S", "L"} <= results["sizes"].keys() and not args.skip_import:
        s, l = results["sizes"]["S"]["import"], results["sizes"]["L"]["import"]
        results["per_recommendation_L_over_S"] = {
            name: l[name]["dhr_us_per_recommendation"] / s[name]["dhr_us_per_recommendation"]
            for name in s}
    print(table(results))
    out = args.out or HERE / "results" / f"run-{time.strftime('%Y%m%d-%H%M')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {out}")


if __name__ == "__main__":
    main()
