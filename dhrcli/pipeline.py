"""Reading and classifying the next input file in a second process while the catalogue writes
the current one: what import does with many files on a machine with more than one core. The
worker only reads; every write stays in the main process, one transaction per file."""

from __future__ import annotations

import io
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


_NOT_CUT = re.compile(rb"(?m)^(?:%|\.\.\.[ \t\r]*$)")  # a directive, or a document's '...' end
_CUT = re.compile(rb"(?m)^---(?:[ \t\r\n]|$)")  # a document's '---' start
BLOCK = 1 << 20


def parts(source) -> list[tuple[int, int, int]]:
    """A large review file of many YAML documents cut at its '---' lines into parts of about
    PART_BYTES, each (the lines before it, where it starts, where it ends), so that the second
    process can read and classify one part while the catalogue writes the one before; [] for
    a file too small or not so made (one document, directives, '...' ends, UTF-16).

    `source` is the file's bytes, or the file open for reading (binary), read a block at a
    time: a part is read out of the file only when it is sent, so a file of 250 MB is never
    held whole."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    if stream.read(2) in (b"\xff\xfe", b"\xfe\xff"):
        return []
    stream.seek(0)
    cuts, line, offset, carry = [(0, 0)], 0, 0, b""
    while True:
        block = stream.read(BLOCK)
        data = carry + block
        end = data.rfind(b"\n") + 1 if block else len(data)  # whole lines, till the last block
        chunk, carry = data[:end], data[end:]
        if _NOT_CUT.search(chunk):
            return []
        for match in _CUT.finditer(chunk):
            if offset + match.start() - cuts[-1][1] >= PART_BYTES:
                cuts.append((line + chunk.count(b"\n", 0, match.start()), offset + match.start()))
        line += chunk.count(b"\n")
        offset += len(chunk)
        if not block:
            break
    if offset < 2 * PART_BYTES or len(cuts) < 2:
        return []
    return [(before, start, end) for (before, start), (_, end)
            in zip(cuts, cuts[1:] + [(0, offset)])]


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
