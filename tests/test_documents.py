"""Overview reports read as PDF and Word (the dhr[documents] extra): the Norfolk review printed as
a report (tests/documents/make_corpus.py) imports to the same catalogue as samples/norfolk.yaml,
and documents that cannot be read say so in one line, with nothing written."""

import io
import json
import time
import zipfile

import pytest
import yaml

from conftest import NORFOLK, ROOT, run

DOCUMENTS = ROOT / "tests" / "documents"
REPORT = DOCUMENTS / "norfolk-report.pdf"
pdfium = pytest.importorskip("pypdfium2", reason="needs the dhr[documents] extra")
docx = pytest.importorskip("docx", reason="needs the dhr[documents] extra")


def _export(db) -> list[dict]:
    return json.loads(run("export", "--json", "--db", db).stdout)


def test_the_norfolk_report_as_a_pdf_imports_as_the_review_file_does(tmp_path):
    assert run("import", NORFOLK, "--db", tmp_path / "yaml.db").exit_code == 0
    result = run("import", REPORT, "--db", tmp_path / "pdf.db")
    assert result.exit_code == 0, result.stderr
    assert "7 pages with text; 'Recommendations' section on page 3; 31 recommendations read" \
        in result.stderr
    pdf, review_file = _export(tmp_path / "pdf.db"), _export(tmp_path / "yaml.db")
    assert {row.pop("source_url") for row in pdf} == {"norfolk-report.pdf"}  # where it came from
    assert {row.pop("source_url") for row in review_file} == {None}
    assert pdf == review_file


def test_without_a_sidecar_the_document_gives_what_it_states(tmp_path):
    copy = tmp_path / "report.pdf"
    copy.write_bytes(REPORT.read_bytes())
    result = run("convert", copy, "-o", tmp_path / "report.yaml")
    assert result.exit_code == 0, result.stderr
    review = yaml.safe_load((tmp_path / "report.yaml").read_text(encoding="utf-8"))
    assert review["csp"] == "Norfolk County Community Safety Partnership"
    assert review["published"] == "2023-04"
    assert len(review["recommendations"]) == 31
    expected = yaml.safe_load(NORFOLK.read_text(encoding="utf-8"))["recommendations"]
    assert [r["text"] for r in review["recommendations"]] == [r["text"] for r in expected]


def _word_report(path) -> None:
    """The Norfolk review as a Word report: headings in Heading styles, numbered paragraphs."""
    review = yaml.safe_load(NORFOLK.read_text(encoding="utf-8"))
    document = docx.Document()
    document.add_heading("Domestic Homicide Review", 0)
    document.add_paragraph("Safer Norfolk")
    document.add_paragraph("Published April 2023")
    document.add_heading("Executive summary", 1)
    document.add_paragraph("The panel considered the records of each agency involved.")
    document.add_heading("Recommendations", 1)
    last = None
    for rec in review["recommendations"]:
        to = rec["to"] if isinstance(rec["to"], list) else [rec["to"]]
        if to != last:
            document.add_heading("; ".join(to), 2)
            last = to
        document.add_paragraph(f"{rec['number']}. {rec['text']}")
    document.add_heading("Appendix 1: Glossary", 1)
    document.add_paragraph("MARAC: Multi-Agency Risk Assessment Conference.")
    document.save(path)


def test_a_word_report_gives_the_same_recommendations(tmp_path):
    path = tmp_path / "report.docx"
    _word_report(path)
    assert run("import", NORFOLK, "--db", tmp_path / "yaml.db").exit_code == 0
    result = run("import", path, "--db", tmp_path / "word.db")
    assert result.exit_code == 0, result.stderr
    ours = {(r["number"], r["text"], tuple(r["agencies"])) for r in _export(tmp_path / "word.db")}
    theirs = {(r["number"], r["text"], tuple(r["agencies"])) for r in _export(tmp_path / "yaml.db")}
    assert ours == theirs
    assert {r["csp"] for r in _export(tmp_path / "word.db")} == {"Safer Norfolk"}


def _blank_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _scan(pages: int) -> bytes:
    """A PDF of images and nothing else, as a scanner makes: an image on each page, no text."""
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        page = document.new_page(595, 842)
        bitmap = pdfium.PdfBitmap.new_native(400, 300, pdfium.raw.FPDFBitmap_BGR)
        bitmap.fill_rect((40, 40, 40, 255), 0, 0, 400, 300)
        image = pdfium.PdfImage.new(document)
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(400, 300).translate(100, 400))
        page.insert_obj(image)
        page.gen_content()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(REPORT))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _long_pdf_without_recommendations(pages: int) -> bytes:
    from pypdf import PdfReader, PdfWriter

    background = PdfReader(REPORT).pages[1]  # the background: text, no recommendations
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_page(background)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip_of_something_else() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return out.getvalue()


@pytest.mark.parametrize("name, make, said", [
    ("scan.pdf", lambda: _scan(3), "the PDF has no text layer (a scan?)"),
    ("blank.pdf", lambda: _blank_pdf(3), "the PDF has no text layer (a scan?)"),
    ("locked.pdf", _encrypted_pdf, "the PDF is encrypted (password-protected)"),
    ("cut.pdf", lambda: REPORT.read_bytes()[:4000], "not a readable PDF"),
    ("report.docx", _zip_of_something_else, "not a Word document that can be read"),
    ("long.pdf", lambda: _long_pdf_without_recommendations(500), "no recommendations found"),
])
def test_a_document_that_cannot_be_read_is_one_line_and_nothing_is_written(
        tmp_path, catalogue_path, name, make, said):
    assert run("import", NORFOLK).exit_code == 0
    before = _export(catalogue_path)
    path = tmp_path / name
    path.write_bytes(make())
    started = time.perf_counter()
    result = run("import", path)
    seconds = time.perf_counter() - started
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert len(problems) == 1 and said in problems[0], result.stderr
    assert _export(catalogue_path) == before
    assert seconds < 30, f"{name} took {seconds:.1f} s"  # a few seconds here; generous for CI


def test_a_sidecar_is_not_imported_as_a_review_of_its_own(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "norfolk.pdf").write_bytes(REPORT.read_bytes())
    (folder / "norfolk.pdf.yaml").write_bytes((DOCUMENTS / "norfolk-report.pdf.yaml").read_bytes())
    result = run("import", folder, "--db", tmp_path / "c.db")
    assert result.exit_code == 0, result.stderr
    assert "1 file imported" in result.stderr
    assert {r["review_id"] for r in _export(tmp_path / "c.db")} == {"norfolk-2023-04"}


def test_an_action_plan_in_a_reports_appendix_feeds_dhr_plan(tmp_path):
    """The plan's table read from the PDF (pdfplumber) by the same code as a spreadsheet's,
    rows cut by a page break put together again."""
    report = DOCUMENTS / "corpus" / "eastmoor-appendix.pdf"
    db = tmp_path / "c.db"
    assert run("import", report, "--db", db).exit_code == 0
    review = _export(db)[0]["review_id"]
    result = run("plan", report, "--review", review, "--db", db)
    assert result.exit_code == 0, result.stderr
    assert "20 rows matched (0 by text), 0 unmatched" in result.stderr
    statuses = {r["number"]: r["status"] for r in _export(db)}
    assert statuses["9.1"] == "implemented" and statuses["9.2"] == "in-progress"
    assert statuses["9.4"] == "not-accepted" and statuses["9.3"] == "awaiting-response"


def test_an_action_plan_in_word_feeds_dhr_plan_too(tmp_path):
    db = tmp_path / "c.db"
    assert run("import", NORFOLK, "--db", db).exit_code == 0
    document = docx.Document()
    document.add_paragraph("Norfolk DHR: action plan")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["Rec no", "Recommendation", "Target date",
                                                "Date of completion and outcome"]):
        cell.text = text
    for number, outcome in (("2", "Completed 01/02/2024"), ("5", "Ongoing")):
        for cell, text in zip(table.add_row().cells, [number, "", "31/12/2023", outcome]):
            cell.text = text
    path = tmp_path / "plan.docx"
    document.save(path)
    result = run("plan", path, "--review", "norfolk-2023-04", "--db", db)
    assert result.exit_code == 0, result.stderr
    statuses = {r["number"]: r["status"] for r in _export(db)}
    assert statuses["2"] == "implemented" and statuses["5"] == "in-progress"


def test_a_recommendations_section_laid_out_as_a_word_table(tmp_path):
    review = yaml.safe_load(NORFOLK.read_text(encoding="utf-8"))
    document = docx.Document()
    document.add_paragraph("Norfolk County Community Safety Partnership")
    document.add_heading("Recommendations", 1)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Ref", "Recommendation", "Addressed to"]):
        cell.text = text
    for rec in review["recommendations"]:
        to = rec["to"] if isinstance(rec["to"], list) else [rec["to"]]
        for cell, text in zip(table.add_row().cells, [str(rec["number"]), rec["text"], "; ".join(to)]):
            cell.text = text
    document.add_heading("Appendix 1", 1)
    path = tmp_path / "table.docx"
    document.save(path)
    assert run("import", NORFOLK, "--db", tmp_path / "yaml.db").exit_code == 0
    assert run("import", path, "--db", tmp_path / "word.db").exit_code == 0
    ours = [(r["number"], r["text"], r["agencies"]) for r in _export(tmp_path / "word.db")]
    assert ours == [(r["number"], r["text"], r["agencies"]) for r in _export(tmp_path / "yaml.db")]


@pytest.mark.parametrize("style", ["Recommendation {n}: ", "R{n} ", "{n}) ", "10.{n} "])
def test_the_numbering_styles_reports_use(tmp_path, style):
    """Recommendation 3:, R3, 3) and 10.3, with a) and i) sub-paragraphs under one of them."""
    document = docx.Document()
    document.add_paragraph("Safer Wyvern")
    document.add_heading("Recommendations", 1)
    document.add_heading("Wyvern Police", 2)
    texts = ["Officers should complete a DASH risk assessment at every domestic incident.",
             "The force should review how it shares information with the MARAC.",
             "Call handlers should be trained to recognise coercive control."]
    for n, text in enumerate(texts, start=1):
        document.add_paragraph(style.format(n=n) + text)
        if n == 2:
            document.add_paragraph("a) the MARAC referral form is completed in full;")
            document.add_paragraph("b) actions are recorded against each case.")
    document.add_heading("Appendix A", 1)
    path = tmp_path / "styles.docx"
    document.save(path)
    result = run("convert", path, "-o", tmp_path / "out.yaml")
    assert result.exit_code == 0, result.stderr
    recs = yaml.safe_load((tmp_path / "out.yaml").read_text(encoding="utf-8"))["recommendations"]
    first, second, third = (style.format(n=n).strip(" :)").replace("Recommendation ", "")
                            for n in (1, 2, 3))
    assert [r["number"] for r in recs] == [first, second, f"{second} a", f"{second} b", third]
    assert recs[0]["text"] == texts[0] and recs[2]["text"] == "the MARAC referral form is completed in full;"
    assert all(r["to"] == ["Wyvern Police"] for r in recs)
