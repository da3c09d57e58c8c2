import pytest

from dhrcli.readers import read
from dhrcli.records import InputError

ONE = "csp: A\nrecommendations:\n  - text: a\n"


def raws(text, where="f.yaml"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return list(read(data, where))


@pytest.mark.parametrize("text, csps", [
    (ONE, ["A"]),
    (ONE + "---\n" + ONE.replace("A", "B"), ["A", "B"]),
    ("- csp: A\n  recommendations: [{text: a}]\n- csp: B\n  recommendations: [{text: b}]\n", ["A", "B"]),
    ("reviews:\n  - csp: A\n    recommendations: [{text: a}]\n  - csp: B\n    recommendations: [{text: b}]\n", ["A", "B"]),
    ('{"csp": "A", "recommendations": [{"text": "a"}]}', ["A"]),
])
def test_every_file_shape_gives_its_reviews(text, csps):
    assert [raw.data["csp"] for raw in raws(text)] == csps


def test_numbers_and_dates_are_kept_as_written():
    text = "csp: A\npublished: 2023-04-12\nyear_of_death: 2017\nrecommendations:\n  - number: 8.10\n    text: a\n  - number: 1e3\n    text: b\n"
    raw = raws(text)[0]
    assert raw.data["published"] == "2023-04-12"
    assert raw.data["year_of_death"] == 2017
    assert [r["number"] for r in raw.data["recommendations"]] == ["8.10", "1e3"]


def test_lines_are_known_for_each_part():
    text = "csp: A\nrecommendations:\n  - text: a\n  - number: 2\n    text: b\n"
    raw = raws(text)[0]
    assert raw.line() == 1
    assert raw.line("recommendations", 1) == 4
    assert raw.line("recommendations", 1, "text") == 5
    assert raw.line("recommendations", 1, "missing") == 4


@pytest.mark.parametrize("data, expected", [
    ("csp: [a\n", "f.yaml:2:1: YAML error"),
    ("", "f.yaml: no reviews found"),
    ("# only a comment\n", "f.yaml: no reviews found"),
    ("csp: !!python/object/apply:os.system ['echo hi']\nrecommendations: [{text: a}]\n",
     "f.yaml:1: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("csp: !!python/name:os.system\nrecommendations: [{text: a}]\n",
     "f.yaml:1: could not determine a constructor"),
    (b"csp: caf\xe9\n", "f.yaml:1: not UTF-8 text"),
    ("reviews: 3\n", "f.yaml:1: 'reviews' must be a list"),
])
def test_unreadable_files_are_one_line_errors(data, expected):
    with pytest.raises(InputError) as error:
        raws(data)
    assert len(error.value.problems) == 1
    assert error.value.problems[0].startswith(expected), error.value.problems


def test_utf16_with_a_byte_order_mark_is_read():
    assert raws(ONE.encode("utf-16"))[0].data["csp"] == "A"


def test_utf8_byte_order_mark_is_ignored():
    assert raws(b"\xef\xbb\xbf" + ONE.encode())[0].data["csp"] == "A"


def test_alias_bomb_is_refused_not_expanded():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        lines.append(f"{chr(97 + n)}: &{chr(97 + n)} [" + ", ".join([f"*{chr(96 + n)}"] * 10) + "]")
    text = "\n".join(lines) + "\ncsp: A\nrecommendations:\n  - text: a\n    to: *i\n"
    with pytest.raises(InputError) as error:
        raws(text)
    assert "too large" in error.value.problems[0]
