import json

import pytest

from conftest import NORFOLK, numbers, run, snapshot, write


def info(fmt="--json"):
    result = run("info", fmt)
    assert result.exit_code == 0
    return json.loads(result.stdout)[0]


def test_norfolk_imports_whole(norfolk):
    counts = info()
    assert (counts["reviews"], counts["recommendations"], counts["agencies"],
            counts["addressee_links"], counts["unaddressed"]) == (1, 31, 13, 35, 0)
    shown = run("show", "norfolk-2023-04", "--json")
    rows = json.loads(shown.stdout)
    assert [r["number"] for r in rows] == [str(n) for n in range(1, 32)]
    assert rows[3]["agencies"] == ["Leeway Domestic Abuse and Violence Services", "Norfolk Constabulary"]
    assert rows[29]["agencies"] == ["Norfolk County Community Safety Partnership", "Home Office",
                                    "Ministry of Justice"]
    assert rows[30]["agencies"] == ["Ministry of Justice", "Sentencing Council"]
    assert {r["published"] for r in rows} == {"2023-04"}
    assert {r["year_of_death"] for r in rows} == {2017}
    assert "• To widen and improve the recruitment campaign" in rows[9]["text"]


def test_import_summary_goes_to_stderr(norfolk):
    again = run("import", NORFOLK)
    assert again.stdout == ""
    assert again.stderr.strip().splitlines()[-1] == (
        "dhr: 1 file imported, 0 failed, 0 skipped; reviews: 0 added, 0 updated, 1 unchanged; "
        "recommendations: 31")


def test_importing_again_changes_no_count(norfolk, catalogue_path):
    before, state = info(), snapshot(catalogue_path)
    assert run("import", NORFOLK).exit_code == 0
    assert info() == before
    assert snapshot(catalogue_path) == state


def test_changed_review_is_updated_in_place(norfolk, tmp_path):
    text = NORFOLK.read_text(encoding="utf-8").replace("mandatory reporting field", "required field")
    text = text.replace("- number: 31\n", "- number: 32\n  text: A new one.\n- number: 31\n")
    result = run("import", write(tmp_path / "edited.yaml", text))
    assert "0 added, 1 updated, 0 unchanged" in result.stderr
    assert info()["reviews"] == 1 and info()["recommendations"] == 32
    assert numbers(run("search", "required field", "--json")) == ["16"]
    assert numbers(run("search", "mandatory reporting", "--json")) == []
    assert numbers(run("show", "norfolk-2023-04", "--json"))[-2:] == ["31", "32"]


def test_reviews_of_one_csp_and_month_are_kept_apart(tmp_path):
    two = ("csp: Safer Leeds\npublished: May 2022\ntitle: Adult A\nrecommendations: [{text: a}]\n---\n"
           "csp: Safer Leeds\npublished: 2022-05-20\ntitle: Adult B\nrecommendations: [{text: b}]\n")
    assert run("import", write(tmp_path / "two.yaml", two)).exit_code == 0
    assert run("import", tmp_path / "two.yaml").exit_code == 0
    keys = [r["review_id"] for r in json.loads(run("reviews", "--json").stdout)]
    assert sorted(keys) == ["safer-leeds-2022-05", "safer-leeds-2022-05-2"]


def test_an_id_in_the_file_is_the_key(tmp_path):
    text = "id: leeds-adult-c\ncsp: Safer Leeds\nrecommendations: [{text: a}]\n"
    assert run("import", write(tmp_path / "r.yaml", text)).exit_code == 0
    assert json.loads(run("reviews", "--json").stdout)[0]["review_id"] == "leeds-adult-c"


def test_repeated_numbers_are_both_kept(tmp_path):
    text = ("csp: A\nrecommendations:\n  - {number: 1, text: first, to: X}\n"
            "  - {number: 1, text: again, to: Y}\n  - {text: third}\n")
    assert run("import", write(tmp_path / "r.yaml", text)).exit_code == 0
    rows = json.loads(run("show", "a-undated", "--json").stdout)
    assert [(r["number"], r["text"], r["agencies"]) for r in rows] == [
        ("1", "first", ["X"]), ("1", "again", ["Y"]), ("3", "third", [])]


def test_unknown_keys_warn_and_import(tmp_path):
    text = "csp: A\nchair: Someone\nrecommendations: [{text: a, priority: high}]\n"
    result = run("import", write(tmp_path / "r.yaml", text))
    assert result.exit_code == 0
    assert "unknown key 'chair'" in result.stderr and "unknown key 'priority'" in result.stderr
    assert info()["recommendations"] == 1


BAD = {
    "syntax.yaml": ("csp: A\nrecommendations:\n  - text: [oops\n", ["syntax.yaml:4:1: YAML error"]),
    "notext.yaml": ("csp: A\nrecommendations:\n  - number: 1\n    to: Home Office\n",
                    ["notext.yaml:3: review 'A', recommendation 1 (number 1): missing 'text'"]),
    "empty.yaml": ("csp: A\nrecommendations: []\n",
                   ["empty.yaml:2: review 'A': 'recommendations' is empty"]),
    "two.yaml": ("csp: A\nrecommendations:\n  - text: fine\n---\ncsp: B\npublished: 31/02/2023\n"
                 "recommendations:\n  - number: 1\n", ["two.yaml:6: review 'B': published",
                                                       "two.yaml:8: review 'B', recommendation 1"]),
}


def test_bad_files_are_rejected_whole_with_one_line_each(norfolk, tmp_path, catalogue_path):
    before = snapshot(catalogue_path)
    for name, (text, expected) in BAD.items():
        result = run("import", write(tmp_path / name, text))
        assert result.exit_code == 1, name
        problems = result.stderr.strip().splitlines()[:-1]
        assert len(problems) == len(expected), result.stderr
        for line, start in zip(problems, expected):
            assert line.startswith(f"{tmp_path}/{start}"), (line, start)
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("dhr: 0 files imported, 1 failed")
        assert snapshot(catalogue_path) == before


def test_a_bad_file_leaves_the_others_imported(tmp_path):
    good = write(tmp_path / "good.yaml", "csp: A\nrecommendations: [{text: a}]\n")
    bad = write(tmp_path / "bad.yaml", "csp: B\nrecommendations: []\n")
    later = write(tmp_path / "later.yaml", "csp: C\nrecommendations: [{text: c}]\n")
    result = run("import", good, bad, later)
    assert result.exit_code == 1
    assert sorted(r["csp"] for r in json.loads(run("reviews", "--json").stdout)) == ["A", "C"]


def test_the_same_review_twice_in_one_file_is_an_error(tmp_path):
    text = "id: x\ncsp: A\nrecommendations: [{text: a}]\n---\nid: x\ncsp: A\nrecommendations: [{text: b}]\n"
    result = run("import", write(tmp_path / "r.yaml", text))
    assert result.exit_code == 1
    assert "review 'x' is in this file twice" in result.stderr
    assert info()["reviews"] == 0


def test_missing_file_is_a_one_line_error(tmp_path):
    result = run("import", tmp_path / "nowhere.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith("nowhere.yaml: cannot read this file (No such file or directory)")


def test_stdin_and_folders(tmp_path):
    result = run("import", "-", input="csp: Stdin\nrecommendations: [{text: a}]\n")
    assert result.exit_code == 0
    folder = tmp_path / "reviews"
    (folder / "sub").mkdir(parents=True)
    write(folder / "one.yaml", "csp: One\nrecommendations: [{text: a}]\n")
    write(folder / "sub" / "two.json", '{"csp": "Two", "recommendations": [{"text": "b"}]}')
    write(folder / "notes.txt", "not a review")
    assert run("import", folder).exit_code == 0
    assert sorted(r["csp"] for r in json.loads(run("reviews", "--json").stdout)) == ["One", "Stdin", "Two"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("import", empty).exit_code == 1


def _many_reviews(count: int) -> str:
    return "".join(f"---\nid: r-{n}\ncsp: Place {n % 7}\npublished: 2020-0{1 + n % 9}\n"
                   f"recommendations:\n  - {{number: '1', text: 'Review {n}: GPs should ask about "
                   f"domestic abuse at every contact.', to: NHS Norfolk and Waveney ICB}}\n"
                   f"  - {{number: '2', text: 'Police should record coercive control in case "
                   f"{n}.', to: Norfolk Constabulary}}\n" for n in range(count))


def _in_one_process(monkeypatch, *args):
    from dhrcli import pipeline

    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "PART_BYTES", 10 ** 12)
        return run(*args)


def test_a_large_file_read_in_parts_gives_what_one_process_gives(monkeypatch, tmp_path):
    from dhrcli import pipeline

    path = write(tmp_path / "many.yaml", _many_reviews(400))
    monkeypatch.setattr(pipeline, "PART_BYTES", 4096)
    data = path.read_bytes()
    parts = pipeline.parts(data)
    assert len(parts) > 5  # it is read in parts, which cover the file end to end
    assert [start for _, start, _ in parts] == [0] + [end for _, _, end in parts[:-1]]
    assert parts[-1][2] == len(data) and all(data[start:].startswith(b"---")
                                               for _, start, _ in parts[1:])
    assert [before for before, _, _ in parts] == [data.count(b"\n", 0, start)
                                                  for _, start, _ in parts]
    assert run("import", path, "--db", tmp_path / "parts.db").exit_code == 0
    assert _in_one_process(monkeypatch, "import", path, "--db", tmp_path / "one.db").exit_code == 0
    exported = [run("export", "--json", "--db", tmp_path / name).stdout for name in
                ("parts.db", "one.db")]
    assert exported[0] == exported[1] and len(json.loads(exported[0])) == 800


@pytest.mark.parametrize("fault", ["csp: [unclosed\n", "recommendations: []\n"])
def test_a_fault_in_a_later_part_is_reported_as_a_whole_read_reports_it(monkeypatch, tmp_path,
                                                                        fault):
    from dhrcli import pipeline

    text = _many_reviews(300).replace("---\nid: r-250\n", f"---\nid: r-250\n{fault}")
    path = write(tmp_path / "many.yaml", text)
    monkeypatch.setattr(pipeline, "PART_BYTES", 4096)
    in_parts = run("import", path, "--db", tmp_path / "parts.db")
    whole = _in_one_process(monkeypatch, "import", path, "--db", tmp_path / "one.db")
    assert in_parts.exit_code == whole.exit_code == 1
    assert in_parts.stderr == whole.stderr and ":" in in_parts.stderr
    assert json.loads(run("export", "--json", "--db", tmp_path / "parts.db").stdout or "[]") == []


def _die(*args):
    import os

    os._exit(3)  # as a helper killed by the system would


def test_when_the_helper_reading_parts_dies_the_file_is_read_here(monkeypatch, tmp_path):
    from dhrcli import pipeline

    path = write(tmp_path / "many.yaml", _many_reviews(300))
    monkeypatch.setattr(pipeline, "PART_BYTES", 4096)
    monkeypatch.setattr(pipeline, "prepare", _die)
    result = run("import", path, "--db", tmp_path / "c.db")
    assert result.exit_code == 0, result.stderr
    assert "the helper process reading it stopped; reading the rest here" in result.stderr
    assert len(json.loads(run("export", "--json", "--db", tmp_path / "c.db").stdout)) == 600


def test_a_file_in_parts_keeps_only_the_part_in_hand(monkeypatch, tmp_path):
    """What the second process worked out for a part (themes, lesson terms) is let go once the
    part is written: a file of a million recommendations must not hold them all at once."""
    from dhrcli import importing, pipeline
    from dhrcli.catalogue import Catalogue

    path = write(tmp_path / "many.yaml", _many_reviews(400))
    monkeypatch.setattr(pipeline, "PART_BYTES", 4096)
    parts = len(pipeline.parts(path.read_bytes()))
    catalogue = Catalogue(tmp_path / "cat.db", write=True, aliases=tmp_path / "none",
                          taxonomy=tmp_path / "none")
    seen = []
    original = catalogue.writer._store

    def store(review, result, replace=False):
        seen.append(len(catalogue.writer.rules_done))
        return original(review, result, replace)

    monkeypatch.setattr(catalogue.writer, "_store", store)
    summary = importing.Summary()
    outcomes = list(importing.import_sources(catalogue, importing.find_sources([str(path)], []),
                                             summary))
    assert outcomes[0].result is not None and summary.total.added == 400 and parts > 5
    assert 0 < max(seen) < 800 / parts * 3  # about one part's texts, never the file's 800
