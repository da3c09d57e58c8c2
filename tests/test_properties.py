"""Property-based tests (hypothesis). The "ci" profile (the default) keeps them to a few
seconds and to the same examples every run, so CI does not flicker; HYPOTHESIS_PROFILE=long
runs many more, different each time:

    HYPOTHESIS_PROFILE=long pytest tests/test_properties.py
"""

import os

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dhrcli.catalogue import Catalogue
from dhrcli.fts import to_match
from dhrcli.readers import read
from dhrcli.readers.yaml_reader import dump
from dhrcli.building import build_review
from dhrcli.records import InputError
from dhrcli.queries import Filters

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Text as reviews have it: any printable unicode, trimmed, not empty.
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80).map(
    str.strip).filter(bool)
name = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|"),
               min_size=1, max_size=30).map(lambda s: " ".join(s.split())).filter(bool)
number = st.one_of(st.integers(1, 200).map(str), st.from_regex(r"R?[1-9][0-9]?(\.[1-9][0-9]?){0,2}( [a-c])?",
                                                                fullmatch=True))
recommendation = st.fixed_dictionaries(
    {"number": number, "text": text},
    optional={"to": st.lists(name, max_size=3, unique_by=str.casefold)})
review = st.fixed_dictionaries(
    {"csp": name, "recommendations": st.lists(recommendation, min_size=1, max_size=6)},
    optional={"title": text, "published": st.sampled_from(["2019", "2021-03", "2023-04-12", "April 2023"]),
              "year_of_death": st.integers(1990, 2025)})


@given(review)
def test_any_review_reads_back_as_written(tmp_path_factory, data):
    """A review written as a review file and read back is the same review."""
    built, problems, _ = build_review(next(iter(read(yaml.safe_dump(data, allow_unicode=True).encode(),
                                                          "x.yaml"))), "x.yaml")
    assert problems == []
    again = next(iter(read(dump(built.as_dict()).encode(), "y.yaml")))
    rebuilt, problems, _ = build_review(again, "y.yaml")
    assert problems == [] and rebuilt.as_dict() == built.as_dict()
    assert [r.text for r in rebuilt.recommendations] == [r["text"] for r in data["recommendations"]]


any_yaml_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20)


@given(st.one_of(any_yaml_value, st.dictionaries(
    st.sampled_from(["csp", "recommendations", "published", "year_of_death", "title", "id"]),
    any_yaml_value, max_size=6)))
def test_any_structure_is_a_review_or_dhrs_own_error(data):
    """Whatever a file holds, reading and checking it gives a review or dhr's own errors."""
    try:
        raws = list(read(yaml.safe_dump(data, allow_unicode=True).encode(), "x.yaml"))
    except InputError:
        return
    for raw in raws:
        built, problems, _ = build_review(raw, "x.yaml")
        assert (built is None) == bool(problems)


@given(st.binary(max_size=200))
def test_any_bytes_are_a_review_or_dhrs_own_error(data):
    try:
        for raw in read(data, "x.yaml"):
            build_review(raw, "x.yaml")
    except InputError:
        pass


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = tmp_path_factory.mktemp("props") / "c.db"
    catalogue = Catalogue(path, write=True, aliases=path.parent / "none", taxonomy=path.parent / "none")
    raws = read(b"csp: A\nrecommendations:\n  - {text: \"POL-358 Clare's Law A&E training\"}\n", "a.yaml")
    catalogue.writer.import_file(raws, "a.yaml")
    return catalogue


@given(st.text(max_size=60))
def test_any_query_searches_without_an_fts_error(catalogue, query):
    match, _ = to_match(query, catalogue.store.taxonomy.expansions)
    if match is not None:
        list(catalogue.read.search(match, Filters(), 20))  # never a QueryError in plain mode


def _same(built, data):
    assert built is not None
    assert built.csp == " ".join(data["csp"].split()) or built.csp == data["csp"]
    got = [(r.number, r.text, r.to) for r in built.recommendations]
    want = [(r["number"], r["text"], r.get("to", [])) for r in data["recommendations"]]
    return got, want


@given(review)
def test_any_review_reads_back_from_json(data):
    import json

    raws = list(read(json.dumps(data, ensure_ascii=False).encode(), "x.json"))
    built, problems, _ = build_review(raws[0], "x.json")
    assert problems == []
    got, want = _same(built, data)
    assert got == want


@given(review.filter(lambda d: all("\n" not in r["text"] and "\r" not in r["text"]
                                   for r in d["recommendations"])))
def test_any_review_reads_back_from_csv(data):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["review_id", "csp", "title", "published", "year_of_death", "number", "text", "agencies"])
    for rec in data["recommendations"]:
        writer.writerow(["r-1", data["csp"], data.get("title", ""), data.get("published", ""),
                         data.get("year_of_death", ""), rec["number"], rec["text"],
                         " | ".join(rec.get("to", []))])
    raws = list(read(out.getvalue().encode(), "x.csv"))
    built, problems, _ = build_review(raws[0], "x.csv")
    assert problems == []
    got, want = _same(built, data)
    assert got == want


table_cell = text.filter(lambda t: "|" not in t and "\n" not in t and "\r" not in t)


@given(st.fixed_dictionaries({
    "csp": name.filter(lambda n: ":" not in n),
    "recommendations": st.lists(st.fixed_dictionaries({
        "number": st.integers(1, 99).map(str), "text": table_cell,
        "to": st.lists(name, max_size=3, unique_by=str.casefold)}), min_size=1, max_size=5,
        unique_by=lambda r: r["number"])}))
def test_any_review_reads_back_from_a_markdown_page(data):
    rows = "".join(f"| {r['number']} | {r['text']} | " + " | ".join(r["to"]) + " |\n"
                   for r in data["recommendations"])
    page = (f"Source · Domestic Homicide Review\n\nA review\n\nCSP: {data['csp']} "
            f"Extracted: {len(data['recommendations'])} recs\n\n| # | Recommendation | Addressed to |\n"
            f"|---|---|---|\n{rows}")
    raws = list(read(page.encode(), "x.md"))
    built, problems, _ = build_review(raws[0], "x.md")
    assert problems == [], problems
    got = sorted((r.number, r.text, r.to) for r in built.recommendations)
    want = sorted((r["number"], r["text"], r["to"])
                  for r in data["recommendations"])
    assert got == want
