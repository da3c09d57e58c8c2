"""Where an import's time goes, step by step, against the do-it-yourself route's first step:
the floors the round-two figures in benchmarks/README.md are measured against.

    python benchmarks/floors.py                    # a generated folder of 5,000 reviews (S)
    python benchmarks/floors.py --folder DIR       # review files already generated

CPU seconds per step, for the whole folder, one process:
  C loader      yaml.load_all with PyYAML's C loader (what benchmarks/diy.py reads with)
  dhr reader    dhr's YAML reader (C composer, nodes turned into records with their lines)
  themes        the rule themes and their reasons of each distinct text
  terms         the lesson terms of each text (for dhr similar and recurring)
Then `dhr import` of the folder into a new catalogue: its wall time and the CPU of dhr and its
second process together; the second process does the reader, themes and terms, the main
process the rest (checks, agency links, writes, the search index, near copies)."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _cpu(step) -> tuple[float, object]:
    start = time.process_time()
    value = step()
    return time.process_time() - start, value


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--reviews", type=int, default=5000)
    args = parser.parse_args()

    import yaml

    from dhrcli import themes
    from dhrcli.lessons import Glossary, terms
    from dhrcli.pipeline import _names
    from dhrcli.readers import read

    with tempfile.TemporaryDirectory() as work:
        folder = args.folder
        if folder is None:
            from generate import generate
            folder = Path(work) / "reviews"
            generate(folder, args.reviews)
        files = sorted(folder.rglob("*.yaml"))
        data = [path.read_bytes() for path in files]

        loader, _ = _cpu(lambda: [list(yaml.load_all(raw.decode("utf-8"), Loader=yaml.CSafeLoader))
                                  for raw in data])
        reader, raws = _cpu(lambda: [raw for path, blob in zip(files, data)
                                     for raw in read(blob, str(path))])
        texts = [(rec["text"].strip(), _names(raw.data.get("csp"), rec.get("to")))
                 for raw in raws for rec in raw.data["recommendations"]]
        taxonomy = themes.load(None)
        glossary = Glossary(taxonomy.glossary)
        classify, _ = _cpu(lambda: [themes.reasons(taxonomy, text) for text in {text for text, _ in texts}])
        lesson, _ = _cpu(lambda: [terms(text, glossary, said=False, names=names) for text, names in texts])

        catalogue = Path(work) / "catalogue.db"
        env = {**os.environ, "DHR_DB": str(catalogue)}
        before, start = _children_cpu(), time.perf_counter()
        subprocess.run([str(Path(sys.executable).with_name("dhr")), "import", "-q", str(folder)],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        wall, cpu = time.perf_counter() - start, _children_cpu() - before

    count = len(texts)
    rows = [("C loader (the do-it-yourself route's reading)", loader),
            ("dhr reader", reader), ("themes and reasons", classify), ("lesson terms", lesson),
            ("second process (reader + themes + terms)", reader + classify + lesson),
            ("main process (the rest: checks, links, writes, index, near copies)",
             cpu - reader - classify - lesson),
            ("dhr import, CPU of both processes", cpu), ("dhr import, wall", wall)]
    print(f"{len(files)} files, {count:,} recommendations")
    for name, seconds in rows:
        print(f"  {name:<70} {seconds:7.2f} s  {seconds / count * 1e6:6.1f} µs/rec")


if __name__ == "__main__":
    main()
