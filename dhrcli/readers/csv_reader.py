"""CSV and TSV input: one row per recommendation, with the columns dhr writes
(`review_id, csp, title, published, year_of_death, number, text, agencies, ...`); the review's
fields repeat on each of its rows, and `agencies` holds the names joined with ` | `. So what
`dhr by-agency --csv` or `dhr search --csv` prints can be read back. Columns that dhr derives
itself (sectors, scope, themes, rank, snippet) are ignored, and review fields the file has no
column for (summary, basis, review_type) and the themes a review file gave are left as the
catalogue has them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..records import FORMULA_STARTS, InputError, Raw

REVIEW_COLUMNS = ("review_id", "csp", "title", "review_type", "basis", "source_url", "summary",
                  "published", "year_of_death")
CSV_REC_COLUMNS = ("number", "text", "agencies")
DERIVED = ("sectors", "scope", "status", "themes", "rank", "snippet", "predecessor")


def looks_like_csv(text: str, name: str) -> bool:
    if name.lower().endswith((".csv", ".tsv")):
        return True
    first = text.split("\n", 1)[0].lower()
    return ("text" in first and ("review_id" in first or "csp" in first)
            and ("," in first or "\t" in first))




def _unprotected(cell):
    """A cell as it was before --excel gave it a leading apostrophe (see output._harmless)."""
    if isinstance(cell, str) and cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def read(text: str, where: str, excel: bool = False) -> Iterator[Raw]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if (where.lower().endswith(".tsv") or first.count("\t") > first.count(",")) \
        else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in ("csp", "text") if c not in columns]
    if missing:
        raise InputError([f"{where}:1: the header needs the columns {', '.join(missing)} "
                          f"(it has: {', '.join(columns) or 'none'})"])
    unknown = [c for c in columns if c not in REVIEW_COLUMNS + CSV_REC_COLUMNS + DERIVED]
    # What the file cannot say is left as the catalogue has it: the review fields it has no
    # column for, and the themes a review file gave (its `themes` column is dhr's own).
    absent = frozenset({c for c in REVIEW_COLUMNS if c not in columns and c != "review_id"}
                       | {"themes"})
    reviews: dict[tuple, Raw] = {}
    try:
        for row in reader:
            line = reader.line_num
            if row.get(None):  # DictReader keeps cells beyond the header under None
                raise InputError([f"{where}:{line}: this row has {len(columns) + len(row[None])} "
                                  f"cells but the header has {len(columns)}: a comma (or tab) in "
                                  f"a text that is not quoted? Put such a text in double quotes"])
            row = {(k or "").strip(): _unprotected(v) if excel else v for k, v in row.items()}
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            key = (row.get("review_id") or None,) if row.get("review_id") else \
                (row.get("csp"), row.get("title"), row.get("published"))
            raw = reviews.get(key)
            if raw is None:
                data = {c: row[c] for c in REVIEW_COLUMNS if row.get(c)}
                if "review_id" in data:
                    data["id"] = data.pop("review_id")
                data["recommendations"] = []
                raw = reviews[key] = Raw(data, {(): line}, absent=absent)
            recs = raw.data["recommendations"]
            raw.lines[("recommendations", len(recs))] = line
            agencies = row.get("agencies") or ""
            recs.append({
                **({"number": row["number"]} if row.get("number") else {}),
                "text": row.get("text"),
                "to": [a.strip() for a in agencies.split("|") if a.strip()],
            })
    except csv.Error as error:
        raise InputError([f"{where}:{reader.line_num}: CSV error: {error}"]) from None
    if not reviews:
        raise InputError([f"{where}: no rows below the header"])
    for position, raw in enumerate(reviews.values()):
        if position == 0 and unknown:
            raw.notes.append((None, f"columns ignored: {', '.join(unknown)}"))
        yield raw
