"""dhr's own CSV read back: what the file cannot hold is left as it was, and a row that does not
fit its header is an error."""

import json
import sqlite3

from conftest import NORFOLK, run, snapshot, write


def _review(catalogue_path):
    db = sqlite3.connect(catalogue_path)
    row = db.execute("SELECT summary, basis, review_type FROM reviews").fetchone()
    given = db.execute("SELECT number, themes_given FROM recommendations WHERE themes_given IS NOT NULL").fetchall()
    db.close()
    return row, given


def test_reimporting_the_csv_export_keeps_review_fields_and_given_themes(tmp_path, catalogue_path):
    text = NORFOLK.read_text(encoding="utf-8").replace("- number: 5\n", "- number: 5\n  themes: [training]\n", 1)
    assert run("import", write(tmp_path / "n.yaml", text)).exit_code == 0
    before = snapshot(catalogue_path)
    kept = _review(catalogue_path)
    assert kept[0][0] and kept[0][1] and kept[1] == [("5", '["training"]')]
    exported = run("export", "--csv").stdout
    result = run("import", write(tmp_path / "x.csv", exported))
    assert result.exit_code == 0 and "1 unchanged" in result.stderr
    assert snapshot(catalogue_path) == before
    edited = exported.replace("is commissioned to assess", "is commissioned soon to assess")
    result = run("import", write(tmp_path / "y.csv", edited))
    assert "norfolk-2023-04: 0 recommendations added, 1 changed, 0 removed" in result.stderr
    assert _review(catalogue_path) == kept


def test_a_csv_row_with_more_cells_than_its_header_is_an_error(tmp_path, catalogue_path):
    path = write(tmp_path / "r.csv", "csp,number,text,agencies\nNorfolk,1,Train staff,Home Office\n"
                                     "Norfolk,2,Train staff, and managers,Home Office\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert f"{path}:3: this row has 5 cells but the header has 4" in result.stderr
    assert not catalogue_path.exists() or json.loads(run("reviews", "--json").stdout) == []


def test_the_excel_form_reads_back_without_its_protective_apostrophes(tmp_path, catalogue_path):
    source = write(tmp_path / "f.yaml", 'id: x\ncsp: A\nrecommendations: [{text: "=cmd|x", to: "-Trust"}, '
                                        '{text: "+ plus", to: "@Home Office"}, {text: "\'quoted\' plain", to: A}]\n')
    assert run("import", source).exit_code == 0
    before = snapshot(catalogue_path)
    excel = run("export", "--excel").stdout
    assert "'=cmd|x" in excel
    path = tmp_path / "x.csv"
    path.write_bytes(excel.encode("utf-8-sig").replace(b"\xef\xbb\xbf\xef\xbb\xbf", b"\xef\xbb\xbf"))
    result = run("import", path)
    assert result.exit_code == 0 and "1 unchanged" in result.stderr
    assert snapshot(catalogue_path) == before
