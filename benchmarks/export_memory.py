"""Does `dhr export --nl` hold memory flat as the catalogue grows? Builds catalogues of
10,000 and 100,000 recommendations, runs the installed `dhr export --nl` on each with its
output thrown away, and records each run's peak memory (max RSS) and the ratio of the two.

    python benchmarks/export_memory.py [--small 10000] [--large 100000] [--seed 1]

Writes benchmarks/results/export_memory.json. Needs dhr installed (pip install .)."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("training GP police DVDS MARAC risk assessment information sharing housing children "
         "safeguarding review policy procedure perpetrator mental health alcohol campaign "
         "caseload supervision referral pathway IDVA refuge disclosure").split()
AGENCIES = ["Norfolk Constabulary", "Home Office", "NHS England", "Leeds City Council",
            "Safer Leeds", "Ministry of Justice", "GMP", "Leeds CCG", "Probation Service"]


def write_reviews(path: Path, recs: int, rng: random.Random) -> None:
    per_review = 20
    with open(path, "w", encoding="utf-8") as out:
        for i in range(recs // per_review):
            out.write(f"---\nid: bench-{i}\ncsp: CSP {i % 300}\npublished: {2012 + i % 13}-"
                      f"{1 + i % 12:02d}\nrecommendations:\n")
            for j in range(per_review):
                text = "It is recommended that " + " ".join(rng.choice(WORDS) for _ in range(30))
                to = " | ".join(rng.sample(AGENCIES, rng.randint(1, 3)))
                out.write(f"  - number: {j + 1}\n    text: {text}.\n    to: {to}\n")


def peak_of(command: list[str], env: dict) -> tuple[float, int]:
    """Wall time and the peak memory (KiB) of one command, its output discarded."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", code, *command], env=env, check=True,
                            capture_output=True, text=True)
    seconds, kib = result.stdout.split()
    return float(seconds), int(kib)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    dhr = shutil.which("dhr")
    if not dhr:
        sys.exit("install dhr first: pip install .")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, size in (("small", args.small), ("large", args.large)):
            rng = random.Random(args.seed)
            source, db = Path(tmp) / f"{label}.yaml", Path(tmp) / f"{label}.db"
            write_reviews(source, size, rng)
            env = {**os.environ, "DHR_DB": str(db), "DHR_ALIASES": str(Path(tmp) / "none"),
                   "DHR_TAXONOMY": str(Path(tmp) / "none")}
            subprocess.run([dhr, "import", "-q", str(source)], env=env, check=True)
            seconds, kib = peak_of([dhr, "export", "--nl"], env)
            results[label] = {"recommendations": size, "seconds": round(seconds, 2),
                              "peak_kib": kib}
            print(f"{label}: {size} recommendations, export --nl {seconds:.2f} s, "
                  f"peak {kib / 1024:.1f} MiB")
    results["peak_ratio_large_to_small"] = round(results["large"]["peak_kib"] / results["small"]["peak_kib"], 3)
    results["measured"] = time.strftime("%Y-%m-%d")
    print(f"peak memory, large / small: {results['peak_ratio_large_to_small']}")
    out = Path(__file__).resolve().parent / "results" / "export_memory.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
