"""Reading and classifying the next input file in a second process while the catalogue writes
the current one: what import does with many files on a machine with more than one core. The
worker only reads; every write stays in the main process, one transaction per file."""

from __future__ import annotations

import re
from pathlib import Path

PART_BYTES = 512 * 1024
_state: dict = {}


def start(parent: int, names: list[str], taxonomy_path: Path | None) -> None:
    """The worker's set-up: a watch on its parent (the process id of the dhr that started
    it), the names that help the page reader, and the taxonomy."""
    from . import themes
    from .agencies import name_index
    from .lessons import Glossary

    _end_with_parent(parent)
    _state["index"] = name_index(names)
    _state["taxonomy"] = themes.load(taxonomy_path)
    _state["glossary"] = Glossary(_state["taxonomy"].glossary)


def _end_with_parent(parent: int) -> None:
    """End this worker when the dhr that started it is gone (killed, say): it would otherwise
    wait for work for ever. The parent's id comes from the parent, so a parent killed before
    this runs is noticed too."""
    import os
    import threading
    import time

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def parts(data: bytes) -> list[tuple[int, int, int]]:
    """A large review file of many YAML documents cut at its '---' lines into parts of about
    PART_BYTES, each (the lines before it, where it starts, where it ends), so that the second
    process can read and classify one part while the catalogue writes the one before; [] for
    a file too small or not so made (one document, directives, '...' ends, UTF-16). Places,
    not bytes: a part is copied out of the file only when it is sent."""
    if len(data) < 2 * PART_BYTES or data[:2] in (b"\xff\xfe", b"\xfe\xff") \
            or re.search(rb"(?m)^(?:%|\.\.\.[ \t\r]*$)", data):
        return []
    cuts = [0]
    for match in re.finditer(rb"\n(?=---(?:[ \t\r\n]|$))", data):
        if match.end() - cuts[-1] >= PART_BYTES:
            cuts.append(match.end())
    if len(cuts) < 2:
        return []
    found, line = [], 0
    for start, end in zip(cuts, cuts[1:] + [len(data)]):
        found.append((line, start, end))
        line += data.count(b"\n", start, end)
    return found


def prepare(data: bytes, name: str, lines_before: int | None = None):
    """(raws, {text: rule themes}, {(text, names): its lesson terms}) for one input, or the
    InputError that stops it. With `lines_before`, `data` is a part of a review file (parts),
    and the raws' lines are counted from the start of the file."""
    from .lessons import terms
    from .readers import decode, read
    from .readers.yaml_reader import read as read_yaml
    from .records import InputError
    from .themes import reasons

    known, first_words = _state["index"]
    try:
        if lines_before is None:
            raws = list(read(data, name, known, first_words))
        else:
            raws = list(read_yaml(decode(data, name), name))
            for raw in raws:
                raw.lines = {path: line + lines_before for path, line in raw.lines.items()}
    except InputError as error:
        return error, {}, {}
    taxonomy = _state["taxonomy"]
    glossary = _state["glossary"]
    rules, found = {}, {}
    for raw in raws:
        recs = raw.data.get("recommendations") if isinstance(raw.data, dict) else None
        for rec in recs if isinstance(recs, list) else []:
            text = rec.get("text") if isinstance(rec, dict) else None
            if isinstance(text, str) and text.strip() and text.strip() not in rules:
                rules[text.strip()] = reasons(taxonomy, text.strip())
                names = _names(raw.data.get("csp"), rec.get("to"))
                found[text.strip(), names] = tuple(
                    terms(text.strip(), glossary, said=False, names=names)[0])
    return raws, rules, found


def _names(csp, to) -> tuple:
    """The names lessons.terms leaves out, as the writer will have them (where the input is
    as it should be; otherwise the writer works the terms out itself)."""
    written = [to] if isinstance(to, str) else to if isinstance(to, list) else []
    return (csp.strip() if isinstance(csp, str) else csp,
            *(name.strip() for name in written if isinstance(name, str)))
