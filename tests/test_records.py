import datetime

import pytest

from dhrcli.building import build_review, parse_published
from dhrcli.records import Raw, number_sort_key


@pytest.mark.parametrize("given, stored", [
    ("2023-04", "2023-04"),
    ("2023-04-12", "2023-04-12"),
    (datetime.date(2023, 4, 12), "2023-04-12"),
    ("April 2023", "2023-04"),
    ("Apr 2023", "2023-04"),
    ("apr. 2023", "2023-04"),
    ("Sept 2021", "2021-09"),
    ("12 April 2023", "2023-04-12"),
    ("2023", "2023"),
    (2023, "2023"),
    ("2023-4", "2023-04"),
])
def test_published_forms_are_stored_as_iso(given, stored):
    assert parse_published(given) == stored


@pytest.mark.parametrize("given", ["31/02/2023", "2023-02-30", "2023-13", "Aprile 2023", "soon",
                                   "", True, 3.5, "12023", "31 February 2023"])
def test_published_rejects_what_is_not_a_date(given):
    with pytest.raises(ValueError):
        parse_published(given)


def test_numbers_sort_naturally():
    given = ["10", "2", "1", "8.10", "8.2", "9.1 b", "9.1 a", "10.1.1.3", "10.1", "R4", "R10"]
    assert sorted(given, key=number_sort_key) == [
        "1", "2", "8.2", "8.10", "9.1 a", "9.1 b", "10", "10.1", "10.1.1.3", "R4", "R10"]


def review(**fields):
    data = {"csp": "Safer Leeds", "recommendations": [{"text": "Train GPs."}]}
    data.update(fields)
    return build_review(Raw(data, {(): 1}), "f.yaml")


def test_minimal_review_gets_defaults():
    built, problems, warnings = review()
    assert problems == [] and warnings == []
    assert built.review_type == "DHR"
    assert built.recommendations[0].number == "1"
    assert built.recommendations[0].to == []
    assert built.base_key == "safer-leeds-undated"


def test_addressees_accepted_in_every_form():
    built, problems, _ = review(recommendations=[
        {"text": "a", "to": "Home Office | Ministry of Justice"},
        {"text": "b", "addressed_to": ["GMP", "NHS England"]},
        {"text": "c", "addressees": "Norfolk Constabulary"},
        {"text": "d", "to": ["Home Office", "home office"]},
    ])
    assert problems == []
    assert [r.to for r in built.recommendations] == [
        ["Home Office", "Ministry of Justice"], ["GMP", "NHS England"],
        ["Norfolk Constabulary"], ["Home Office"]]


def test_text_is_kept_exactly_but_trimmed():
    text = "  It is recommended that ‘patients of concern’:\n• are followed up\n"
    built, _, _ = review(recommendations=[{"text": text, "number": "9.1 a"}])
    assert built.recommendations[0].text == "It is recommended that ‘patients of concern’:\n• are followed up"
    assert built.recommendations[0].number == "9.1 a"


def test_unknown_keys_are_warnings_naming_the_key():
    built, problems, warnings = review(chair="A. Person",
                                       recommendations=[{"text": "a", "priority": "high"}])
    assert built is not None and problems == []
    assert any("'chair'" in w for w in warnings)
    assert any("'priority'" in w for w in warnings)


@pytest.mark.parametrize("fields, expected", [
    ({"csp": None}, "missing 'csp'"),
    ({"csp": ["a"]}, "'csp' must be text"),
    ({"recommendations": []}, "'recommendations' is empty"),
    ({"recommendations": None}, "missing 'recommendations'"),
    ({"recommendations": "train"}, "must be a list"),
    ({"recommendations": [{"number": 1}]}, "missing 'text'"),
    ({"recommendations": [{"text": "  "}]}, "'text' is empty"),
    ({"recommendations": [{"text": 5}]}, "'text' must be text"),
    ({"recommendations": ["just text"]}, "must be a mapping"),
    ({"recommendations": [{"text": "a", "to": [["x"]]}]}, "each addressee must be a name"),
    ({"recommendations": [{"text": "a", "to": "X", "addressees": "Y"}]}, "addressees given twice"),
    ({"published": "31/02/2023"}, "published '31/02/2023' is not a date"),
    ({"year_of_death": "last year"}, "year_of_death 'last year' is not a year"),
    ({"review_type": "XYZ"}, "review_type 'XYZ' is not one of"),
    ({"id": "has space"}, "id 'has space' may hold only"),
])
def test_invalid_reviews_name_the_problem(fields, expected):
    built, problems, _ = review(**fields)
    assert built is None
    assert len(problems) == 1 and expected in problems[0], problems
    assert problems[0].startswith("f.yaml:1: ")


def test_every_problem_in_a_review_is_reported():
    _, problems, _ = review(published="never", recommendations=[{"text": "ok"}, {"number": 2}, {}])
    assert len(problems) == 3
    assert "recommendation 2 (number 2)" in problems[1]
    assert "recommendation 3" in problems[2]


def test_a_misspelt_key_suggests_the_right_one():
    _, _, warnings = review(recommendations=[{"text": "a", "adressed_to": "X"}])
    assert warnings[0].endswith("unknown key 'adressed_to' ignored (did you mean 'addressed_to'?)")
