"""Reading and classifying the next input file in a second process while the catalogue writes
the current one: what import does with many files on a machine with more than one core. The
worker only reads; every write stays in the main process, one transaction per file."""

from __future__ import annotations

from pathlib import Path

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


def prepare(data: bytes, name: str):
    """(raws, {text: rule themes}, {(text, names): its lesson terms}) for one input, or the
    InputError that stops it."""
    from .readers import read
    from .records import InputError
    from .lessons import terms
    from .themes import reasons

    known, first_words = _state["index"]
    try:
        raws = list(read(data, name, known, first_words))
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
