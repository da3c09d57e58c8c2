"""Rows -> text: a table for people (tabulate, wrapped to the terminal), or csv, tsv, json
(one array), nl (JSON lines) for scripts. Machine formats are written row by row as they
come; lists are JSON lists in json/nl and joined with ` | ` elsewhere."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable

from .fts import HIGHLIGHT
from .records import FORMULA_STARTS, printable

MACHINE_FORMATS = ("csv", "tsv", "json", "nl")  # csv and tsv may carry "+excel"
TABLE_STYLE = "simple_grid"
MIN_WIDTH = 8
LONG_WORD = 24
LIST_SEPARATOR = " | "
BOLD, RESET = "\x1b[1m", "\x1b[0m"


def write(rows: Iterable[dict], columns: list[str], fmt: str | None = None,
          style: str | None = None, headers: bool = True, table_columns: list[str] | None = None,
          out=None) -> None:
    """Write rows in a format: one of MACHINE_FORMATS, or a table (`style` a tabulate style).

    `table_columns` is the narrower set a terminal table shows; machine formats carry all.
    """
    out = out or sys.stdout
    if fmt and fmt.split("+")[0] in ("csv", "tsv"):
        kind, _, excel = fmt.partition("+")
        writer = csv.writer(out, delimiter="," if kind == "csv" else "\t",
                            lineterminator="\r\n" if excel else "\n")
        if excel:
            out.write("\ufeff")
        if headers:
            writer.writerow(columns)
        if excel:
            writer.writerows([_harmless(_plain(row.get(c))) for c in columns] for row in rows)
        else:
            writer.writerows([_plain(row.get(c)) for c in columns] for row in rows)
    elif fmt == "json":
        separator = "[\n"
        for row in rows:
            out.write(separator + _json({c: _clean(row.get(c)) for c in columns}))
            separator = ",\n"
        out.write("[]\n" if separator == "[\n" else "\n]\n")
    elif fmt == "nl":
        for row in rows:
            out.write(_json({c: _clean(row.get(c)) for c in columns}) + "\n")
    else:
        write_table(rows, table_columns or columns, style, headers, out)




def _harmless(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula: one that starts like a formula gets a
    leading apostrophe (as OWASP advises for CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def _clean(value):
    """A value for json: snippet highlight marks dropped."""
    if isinstance(value, str):
        return value.replace(HIGHLIGHT[0], "").replace(HIGHLIGHT[1], "")
    return value


def _plain(value) -> str:
    """A cell of csv or tsv: lists joined, highlight marks dropped (_flat with plain, in one
    call, as it is made for every cell of every row)."""
    if value is None:
        return ""
    if type(value) is str:
        return value.replace(HIGHLIGHT[0], "").replace(HIGHLIGHT[1], "") \
            if HIGHLIGHT[0] in value or HIGHLIGHT[1] in value else value
    if type(value) is list:
        return LIST_SEPARATOR.join(map(str, value))
    return _flat(value, plain=True)


def _flat(value, plain: bool, separator: str = LIST_SEPARATOR) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    text = str(value)
    return _clean(text) if plain else text


def write_table(rows: Iterable[dict], columns: list[str], style: str | None, headers: bool,
                out) -> None:
    cells = [[visible(_flat(row.get(c), plain=False, separator="\n")) for c in columns]
             for row in rows]
    if not cells:
        sys.stderr.write("dhr: no rows\n")
        return
    tabulate_module = tabulate_package()
    markdown = style in ("github", "pipe")
    if markdown:  # one line a cell, and a | inside a cell must not end it
        cells = [[" ".join(cell.replace("\n", "; ").split()).replace("|", "\\|") for cell in line]
                 for line in cells]
    else:
        cells, kept = _wrap(cells, columns, headers, style or TABLE_STYLE)
        if kept < len(columns):
            dropped = ", ".join(columns[kept:])
            sys.stderr.write(f"dhr: the terminal is too narrow to show {dropped}; widen it, or "
                             f"ask for csv or json output to see every column\n")
            columns = columns[:kept]
    colour = _use_colour(out)
    cells = [[_highlight(cell, colour) for cell in line] for line in cells]
    tabulate_module.MIN_PADDING = 0
    text = tabulate_module.tabulate(cells, headers=columns if headers else (), tablefmt=style or TABLE_STYLE,
                    disable_numparse=True)
    out.write(text + "\n")


def tabulate_package():
    """The tabulate module, imported without importlib.metadata where nothing has imported it
    yet. tabulate 0.10 asks importlib.metadata for its own version number, and importing that
    (email, zipfile, socket ...) costs about 25 ms, a fifth of a search; a stand-in that knows
    no versions serves while tabulate is imported, and is gone after."""
    if "tabulate" in sys.modules or "importlib.metadata" in sys.modules:
        import tabulate

        return tabulate
    import types

    class PackageNotFoundError(ModuleNotFoundError):
        pass

    def version(name):
        raise PackageNotFoundError(name)

    stand_in = types.ModuleType("importlib.metadata")
    stand_in.PackageNotFoundError, stand_in.version = PackageNotFoundError, version
    sys.modules["importlib.metadata"] = stand_in
    try:
        import tabulate
    finally:
        del sys.modules["importlib.metadata"]
    return tabulate


def visible(text: str) -> str:
    """Text for a terminal table: control characters shown escaped (\\x1b, \\u202e), a tab as a
    space; line ends and dhr's own highlight marks kept. csv and json keep the data exact."""
    return printable(text.replace("\t", " "), keep="\n" + "".join(HIGHLIGHT))


def write_record(record: dict, style: str | None, out=None) -> None:
    """One record as `field  value` lines (for `dhr show` and `dhr info` in a terminal)."""
    rows = [{"field": key, "value": value} for key, value in record.items() if value is not None]
    write_table(rows, ["field", "value"], style or "plain", False, out or sys.stdout)


def terminal_width() -> int:
    import shutil  # only a table needs it (with textwrap): a search that finds nothing does not

    return shutil.get_terminal_size((100, 24)).columns


def _wrap(cells: list[list[str]], columns: list[str], headers: bool,
          style: str) -> tuple[list[list[str]], int]:
    """Wrap cells so the table fits the terminal: the columns of long text give way first,
    and no column is made narrower than its longest word (up to LONG_WORD). Where even that
    is too wide, the last columns (beyond the first three) are left out. Returns the cells
    and how many columns were kept."""
    count = len(columns)
    if not cells:
        return cells, count
    natural, floor = [], []
    for c in range(count):
        lines = [line for row in cells for line in row[c].splitlines()]
        width = max(max((len(line) for line in lines), default=0),
                    len(columns[c]) if headers else 0, 1)
        word = max((len(w) for line in lines for w in line.split()), default=0)
        natural.append(width)
        floor.append(min(width, max(min(word, LONG_WORD), MIN_WIDTH)))

    def room(n: int) -> int:
        return terminal_width() - (3 * n + 1 if "grid" in style else 2 * (n - 1))

    while count > 3 and sum(floor[:count]) > room(count):
        count -= 1
    natural, floor, space = natural[:count], floor[:count], room(count)
    cells = [row[:count] for row in cells]
    if sum(natural) <= space:
        return cells, count
    if sum(floor) > space:  # too narrow even for the longest words: break them
        floor = [max(4, f * space // sum(floor)) for f in floor]

    def widths_at(cap: int) -> list[int]:
        return [max(f, min(n, cap)) for n, f in zip(natural, floor)]

    low, high = MIN_WIDTH, max(natural)
    while low < high:  # the largest cap on a column's width at which the table fits
        cap = (low + high + 1) // 2
        if sum(widths_at(cap)) <= space:
            low = cap
        else:
            high = cap - 1
    widths = widths_at(low)
    spare = space - sum(widths)
    for c in sorted(range(count), key=lambda c: -natural[c]):  # hand out what is left
        extra = max(min(spare, natural[c] - widths[c]), 0)
        widths[c] += extra
        spare -= extra
    return [[_fill(cell, widths[c]) for c, cell in enumerate(row)] for row in cells], count


def _fill(text: str, width: int) -> str:
    import textwrap

    lines = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""])
    return "\n".join(lines)


def _use_colour(out) -> bool:
    return (hasattr(out, "isatty") and out.isatty() and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb")


def _highlight(cell: str, colour: bool) -> str:
    """Snippet marks as bold in a terminal (closed and reopened at line ends), else dropped."""
    start, end = HIGHLIGHT
    if start not in cell:
        return cell
    if not colour:
        return cell.replace(start, "").replace(end, "")
    lines, inside = [], False
    for line in cell.split("\n"):
        text = (BOLD if inside else "") + line.replace(start, BOLD).replace(end, RESET)
        inside = line.rfind(start) > line.rfind(end)
        lines.append(text + (RESET if inside else ""))
    return "\n".join(lines)
