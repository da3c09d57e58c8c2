"""The do-it-yourself route a data person would take instead of dhr, step one: review files to
JSON lines, one row per recommendation with its review's fields, using PyYAML's C loader.
(Steps two and three are `sqlite-utils insert --nl --alter` and `sqlite-utils enable-fts`.)

    python benchmarks/diy.py REVIEW_DIR OUT.jsonl"""

import json
import sys
from pathlib import Path

import yaml


def main() -> None:
    source, target = Path(sys.argv[1]), sys.argv[2]
    with open(target, "w", encoding="utf-8") as out:
        for path in sorted(source.rglob("*.yaml")):
            with open(path, encoding="utf-8") as handle:
                for review in yaml.load_all(handle, Loader=yaml.CSafeLoader):
                    fields = {k: v for k, v in review.items() if k != "recommendations"}
                    for rec in review["recommendations"]:
                        out.write(json.dumps({**fields, **rec}, default=str, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
