"""Themes and sectors measured on real recommendations and addressee strings labelled blind
(tests/data/real_sets/README.md). The thresholds sit a little below the figures measured on the
held-out part, so that a change that makes them worse fails."""

import csv

import yaml

from conftest import ROOT
from dhrcli.agencies import load as load_registry
from dhrcli.themes import load as load_taxonomy

SETS = ROOT / "tests" / "data" / "real_sets"


def _themes(items):
    """(micro precision, recall, share with no theme, per-theme (tp, fp, fn))."""
    taxonomy, registry = load_taxonomy(None), load_registry(None)
    per: dict[str, list[int]] = {}
    empty = 0
    for item in items:
        addressees = [(name, registry.resolve(name).sector) for name in item["to"] or []]
        got, want = set(taxonomy.classify(item["text"], addressees)), set(item["themes"])
        empty += not got
        for theme in got | want:
            counts = per.setdefault(theme, [0, 0, 0])
            counts[0 if theme in got and theme in want else 1 if theme in got else 2] += 1
    tp, fp, fn = (sum(c[i] for c in per.values()) for i in range(3))
    return tp / (tp + fp), tp / (tp + fn), empty / len(items), per


def _report(name, items):
    precision, recall, empty, per = _themes(items)
    print(f"\n{name}: {len(items)} recommendations, micro precision {precision:.3f}, recall "
          f"{recall:.3f}, {100 * empty:.1f}% with no theme")
    for theme, (tp, fp, fn) in sorted(per.items()):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        print(f"  {theme:24} precision {p:.2f} recall {r:.2f}  support {tp + fn:3}")
    return precision, recall, empty


def test_themes_on_the_real_labelled_set():
    items = yaml.safe_load((SETS / "recommendations.yaml").read_text(encoding="utf-8"))["recommendations"]
    assert len(items) >= 250 and sum(item["real"] for item in items) >= 100
    held = [item for item in items if item["part"] == "holdout"]
    _report("whole set", items)
    precision, recall, empty = _report("held out, all", held)
    assert precision >= 0.73 and recall >= 0.77 and empty <= 0.09
    precision, recall, empty = _report("held out, real only", [i for i in held if i["real"]])
    assert precision >= 0.62 and recall >= 0.78 and empty <= 0.09


def test_sectors_and_scope_of_real_addressee_strings():
    registry = load_registry(None)
    with open(SETS / "addressees.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) >= 140
    for part in ("tune", "holdout"):
        real = [row for row in rows if row["part"] == part and row["real"] == "yes"]
        sector = sum(registry.resolve(r["addressee"]).sector == r["sector"] for r in real) / len(real)
        national = sum(registry.resolve(r["addressee"]).national == (r["national"] == "yes")
                       for r in real) / len(real)
        print(f"\naddressees, {part} (real, {len(real)}): sector {sector:.3f}, national {national:.3f}")
        if part == "holdout":
            assert sector >= 0.86 and national >= 0.97
