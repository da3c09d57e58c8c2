"""The document corpus (tests/documents/corpus, made by make_corpus.py): each document imported,
compared with its ground truth. `python tests/test_document_corpus.py` prints the figures and
every miss."""

import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "documents" / "corpus"


def measure(show: bool = False, corpus: Path = CORPUS) -> dict:
    """Recommendations exactly right (number, text, addressees), misses flagged, right ones
    flagged, and review fields right, over every document of the corpus."""
    sys.path.insert(0, str(HERE.parent))
    from dhrcli.agencies import load, name_index
    from dhrcli.readers import read

    registry = load(None)
    known, first_words = name_index(registry.names())
    totals = {"documents": 0, "recommendations": 0, "right": 0, "missed": 0, "missed_flagged": 0,
              "right_flagged": 0, "extra": 0, "extra_flagged": 0, "fields": 0, "fields_right": 0, "layouts": set()}
    for truth_path in sorted(corpus.glob("*.truth.yaml")):
        name = truth_path.name[:-len(".truth.yaml")]
        document = next(corpus.glob(name + ".*[!l]"))  # the .pdf or .docx beside it
        truth = yaml.safe_load(truth_path.read_text(encoding="utf-8"))
        raw = next(iter(read(document.read_bytes(), str(document), known, first_words)))
        got = raw.data["recommendations"]
        flagged = {index for index, _ in raw.notes if index is not None}
        totals["documents"] += 1
        totals["layouts"].add(name.split("-", 1)[1])
        for field in ("csp", "published", "year_of_death"):
            totals["fields"] += 1
            wanted, found = str(truth[field]), str(raw.data.get(field))
            if field == "published":
                wanted = wanted.split()[-1]  # the month is checked as written below
                found = found.split("-")[0] if "-" in found else found.split()[-1]
            totals["fields_right"] += wanted == found
        used = set()
        for want in truth["recommendations"]:
            totals["recommendations"] += 1
            match = next((i for i, rec in enumerate(got) if i not in used
                          and rec["text"] == want["text"] and str(rec["number"]) == want["number"]
                          and (rec.get("to") or []) == (want.get("to") or [])), None)
            if match is not None:
                used.add(match)
                totals["right"] += 1
                totals["right_flagged"] += match in flagged
                continue
            totals["missed"] += 1
            near = next((i for i, rec in enumerate(got) if i not in used and
                         (rec["text"][:40] == want["text"][:40])), None)
            totals["missed_flagged"] += near is not None and near in flagged
            if show:
                print(f"{name}: MISS {want['number']} to {want.get('to')}: {want['text'][:70]!r}"
                      + (f"\n    got {got[near]['number']} to {got[near].get('to')}: "
                         f"{got[near]['text'][:70]!r} flagged={near in flagged}"
                         if near is not None else "\n    not read at all"))
        for index, rec in enumerate(got):  # read, but in no ground truth
            if index not in used and not any(rec["text"][:40] == want["text"][:40]
                                             for want in truth["recommendations"]):
                totals["extra"] += 1
                totals["extra_flagged"] += index in flagged
                if show:
                    print(f"{name}: EXTRA {rec['number']}: {rec['text'][:70]!r}")
    totals["layouts"] = sorted(totals["layouts"])
    return totals


@pytest.mark.parametrize("part", ["corpus", "holdout"])
def test_the_document_corpus_is_read_right(part):
    pytest.importorskip("pypdfium2", reason="needs the dhr[documents] extra")
    pytest.importorskip("docx", reason="needs the dhr[documents] extra")
    found = measure(corpus=HERE / "documents" / part)
    assert found["documents"] >= (12 if part == "corpus" else 6) and len(found["layouts"]) >= 4
    exact = found["right"] / found["recommendations"]
    print(f"\ndocument {part}: {found['right']} of {found['recommendations']} exactly right "
          f"({exact:.1%}), {found['right_flagged']} of them flagged; {found}")
    assert exact >= 0.97
    assert found["missed_flagged"] == found["missed"] and found["extra"] == found["extra_flagged"]
    assert found["right_flagged"] <= 0.10 * found["right"]
    assert found["fields_right"] == found["fields"]


if __name__ == "__main__":
    print(measure(show=True, corpus=HERE / "documents" / sys.argv[1] if sys.argv[1:] else CORPUS))
