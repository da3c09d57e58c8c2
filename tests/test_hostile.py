"""Hostile and broken input: each a one-line error naming the file, no traceback, and the
catalogue unchanged."""

import os

import pytest

from conftest import run, snapshot, write


def _files(tmp_path):
    yield "object.yaml", b"csp: !!python/object/apply:os.system ['touch /tmp/dhr-pwned']\nrecommendations: [{text: a}]\n"
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(97 + n)}: &{chr(97 + n)} [" + ", ".join([f"*{chr(96 + n)}"] * 9) + "]" for n in range(1, 9)]
    yield "bomb.yaml", ("\n".join(bomb) + "\ncsp: A\nrecommendations:\n  - {text: a, to: *i}\n").encode()
    yield "deep.yaml", ("csp: A\nrecommendations:\n  - text: " + "[" * 5000 + "]" * 5000 + "\n").encode()
    yield "huge.yaml", b"csp: A\nrecommendations:\n  - text: " + b"a" * (2 * 1024 * 1024) + b"\n"
    yield "junk.yaml", bytes(range(256)) * 50
    yield "latin1.yaml", "csp: Café\nrecommendations: [{text: a}]\n".encode("latin-1")
    yield "empty.yaml", b""
    yield "types.yaml", b"csp: [1, 2]\nyear_of_death: soon\nrecommendations: [{text: {a: b}, number: [1]}]\n"
    yield "date.yaml", b"csp: A\npublished: 31/02/2023\nrecommendations: [{text: a}]\n"
    yield "page.txt", b"CSP: A Extracted: 3 recs\n# Recommendation Addressed to\nnot a row\n"
    yield "twice.yaml", b"csp: A\ncsp: B\nrecommendations: [{text: a}]\n"
    yield "twice-recs.yaml", b"csp: A\nrecommendations: [{text: a}]\nrecommendations: [{text: b}]\n"
    yield "twice.json", b'{"csp": "A",\n "recommendations": [{"text": "a", "text": "b"}]}\n'
    yield "twice.jsonl", b'{"csp": "A", "recommendations": [{"text": "a"}]}\n{"csp": "B", "csp": "C", "recommendations": []}\n'


@pytest.mark.parametrize("name", [name for name, _ in _files(None)])
def test_hostile_file_is_one_line_and_changes_nothing(norfolk, tmp_path, catalogue_path, name):
    data = dict(_files(tmp_path))[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(catalogue_path)
    result = run("import", path)
    problems = result.stderr.strip().splitlines()[:-1]
    assert result.exit_code == 1
    assert problems and all(line.startswith(str(path)) for line in problems), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(catalogue_path) == before
    assert not os.path.exists("/tmp/dhr-pwned")


def test_utf16_with_a_bom_is_read(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_bytes("csp: Café\nrecommendations: [{text: a}]\n".encode("utf-16"))
    assert run("import", path).exit_code == 0


def test_a_folder_of_symlink_loops(tmp_path):
    folder = tmp_path / "loops"
    folder.mkdir()
    (folder / "a.yaml").symlink_to(folder / "b.yaml")
    (folder / "b.yaml").symlink_to(folder / "a.yaml")
    (folder / "sub").symlink_to(folder, target_is_directory=True)
    write(folder / "good.yaml", "csp: A\nrecommendations: [{text: a}]\n")
    result = run("import", folder)
    assert result.exit_code == 1
    assert "Too many levels of symbolic links" in result.stderr
    assert "Traceback" not in result.stderr
    assert "1 file imported, 2 failed" in result.stderr


@pytest.mark.parametrize("name, text, message", [
    ("a.yaml", "csp: A\nrecommendations: [{text: a}]\ncsp: B\n", "a.yaml:3: 'csp' is given twice (also on line 1)"),
    ("b.yaml", "csp: A\nrecommendations:\n  - text: a\n    to: X\n    to: Y\n", "b.yaml:5: 'to' is given twice (also on line 4)"),
    ("c.json", '[{"csp": "A", "recommendations": [{"text": "a"}]},\n{"csp": "B",\n "csp": "C", "recommendations": []}]',
     "c.json:3: 'csp' is given twice in one object (also on line 2)"),
])
def test_a_key_given_twice_names_both_lines(tmp_path, name, text, message):
    """YAML and JSON keep the last of two equal keys without a word: a review's CSP or its
    recommendations would be lost."""
    result = run("import", write(tmp_path / name, text))
    assert result.exit_code == 1 and f"{tmp_path / name}"[:-len(name)] + message in result.stderr


def test_special_files_in_a_folder_are_skipped_and_named_devices_refused(tmp_path, catalogue_path):
    """/dev/zero named, or a link to it or a FIFO in a folder, hung dhr or ran it out of memory."""
    from conftest import NORFOLK

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "norfolk.yaml").write_bytes(NORFOLK.read_bytes())
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    result = run("import", folder)
    assert result.exit_code == 0 and "1 file imported, 0 failed, 2 skipped" in result.stderr
    result = run("import", "/dev/zero")
    assert result.exit_code == 1 and "/dev/zero: not a file (a device or socket)" in result.stderr


def test_an_input_larger_than_the_limit_is_refused_unread(norfolk, tmp_path, catalogue_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"padding " * 150_000 + b"\ncsp: A\nrecommendations: [{text: a}]\n")
    before = snapshot(catalogue_path)
    result = run("import", "--max-size", "1", big)
    assert result.exit_code == 1 and "larger than 1 MB" in result.stderr and "--max-size" in result.stderr
    assert snapshot(catalogue_path) == before
    assert run("import", "--max-size", "2", big).exit_code == 0


FORMATS = {  # a small valid input of each format, to break
    "r.yaml": "csp: A\nrecommendations: [{text: a, to: B}]\n",
    "r.json": '{"csp": "A", "recommendations": [{"text": "a", "to": "B"}]}',
    "r.jsonl": '{"csp": "A", "recommendations": [{"text": "a"}]}\n{"csp": "C", "recommendations": [{"text": "c"}]}\n',
    "r.csv": "csp,number,text,agencies\nA,1,a,B\n",
    "r.tsv": "csp\tnumber\ttext\tagencies\nA\t1\ta\tB\n",
    "p.txt": "CSP: A Extracted: 1 recs\n# Recommendation Addressed to\n1 That a is done Home Office\n",
    "p.md": "CSP: A\n\n| # | Recommendation | Addressed to |\n|---|---|---|\n| 1 | a | B |\n",
    "p.html": "<html><body><p>CSP: A</p><table><tr><th>#</th><th>Recommendation</th></tr>"
              "<tr><td>1</td><td>a</td><td>B</td></tr></table></body></html>",
}
BREAKS = {
    "empty": lambda text: b"",
    "junk": lambda text: bytes(range(256)) * 20,
    "cut": lambda text: text.encode()[: len(text.encode()) // 2],
    "nul": lambda text: text.encode().replace(b"a", b"a\x00", 1),
    "latin1": lambda text: text.replace("a", "é", 1).encode("latin-1"),
    "control": lambda text: text.replace("a", "a\x1b[2J\u202e", 1).encode(),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
@pytest.mark.parametrize("broken", sorted(BREAKS))
def test_every_input_format_broken_every_way(norfolk, tmp_path, catalogue_path, name, broken):
    """Each reader, fed each kind of damage: it imports (the damage was harmless) or fails
    with one line per problem naming the file, never a traceback; a failure changes nothing."""
    path = tmp_path / name
    path.write_bytes(BREAKS[broken](FORMATS[name]))
    before = snapshot(catalogue_path)
    for command in ("validate", "import"):
        result = run(command, path)
        assert "Traceback" not in result.stderr
        assert result.exit_code in (0, 1)
        if result.exit_code == 1:
            problems = [line for line in result.stderr.splitlines() if not line.startswith("dhr: ")]
            assert problems and all(line.startswith(str(path)) for line in problems), result.stderr
    if result.exit_code == 1:
        assert snapshot(catalogue_path) == before


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_unbroken_input_imports(tmp_path, name):
    result = run("import", write(tmp_path / name, FORMATS[name]))
    assert result.exit_code == 0, result.stderr


def test_odd_file_names_are_read_and_named_on_one_line(tmp_path, catalogue_path):
    """Spaces, accents, a leading dash, and a newline in a file's name."""
    from conftest import NORFOLK

    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "révision ✓ 2023.yaml").write_bytes(NORFOLK.read_bytes())
    (folder / "-dash.yaml").write_text("id: d\ncsp: D\nrecommendations: [{text: d}]\n", encoding="utf-8")
    (folder / "bad\nname.yaml").write_text("csp: A\nrecommendations: []\n", encoding="utf-8")
    result = run("import", folder)
    assert result.exit_code == 1 and "2 files imported, 1 failed" in result.stderr
    problems = [line for line in result.stderr.splitlines() if not line.startswith("dhr: ")]
    assert problems == [f"{folder}/bad\\nname.yaml:2: review 'A': 'recommendations' is empty: a review needs at least one"]
    assert run("import", "--", str(folder / "-dash.yaml")).exit_code == 0
