"""JSON input: one review object, a list of them, a mapping with a `reviews:` list, or JSON
lines (one review object a line), with the fields of the review file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..records import InputError, Raw


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def read(text: str, where: str) -> Iterator[Raw]:
    stripped = text.strip()
    lines = [line for line in stripped.splitlines() if line.strip()]
    if len(lines) > 1 and all(line.lstrip().startswith("{") and line.rstrip().endswith("}")
                              for line in lines):
        yield from _json_lines(text, where)
        return
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKey as duplicate:
        raise InputError([_duplicate_message(text, where, duplicate.key, 0)]) from None
    except json.JSONDecodeError as error:
        raise InputError([f"{where}:{error.lineno}:{error.colno}: JSON error: {error.msg}"]) from None
    except RecursionError:
        raise InputError([f"{where}: JSON nested too deeply to be a review file"]) from None
    _no_lone_surrogates(data, text, where, 0)
    if isinstance(data, dict) and isinstance(data.get("reviews"), list):
        data = data["reviews"]
    items = data if isinstance(data, list) else [data]
    if not items:
        raise InputError([f"{where}: no reviews found (an empty list)"])
    starts = _item_lines(text) if isinstance(data, list) else [1]
    for index, item in enumerate(items):
        yield Raw(item, {(): starts[index] if index < len(starts) else None})


def _json_lines(text: str, where: str) -> Iterator[Raw]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line, object_pairs_hook=_unique_keys)
        except _DuplicateKey as duplicate:
            raise InputError([_duplicate_message(line, where, duplicate.key, number - 1)]) from None
        except json.JSONDecodeError as error:
            raise InputError([f"{where}:{number}:{error.colno}: JSON error: {error.msg}"]) from None
        _no_lone_surrogates(item, line, where, number - 1)
        yield Raw(item, {(): number})


_LONE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<![0-9a-fA-F]{4})"
                   r"(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _no_lone_surrogates(value, text: str, where: str, first_line: int) -> None:
    """JSON may escape half of a UTF-16 pair (\\ud800) on its own: that is no character, and
    no text can hold it. InputError naming the line of the first such escape."""
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    if any(any("\ud800" <= c <= "\udfff" for c in s) for s in strings(value)):
        found = _LONE.search(text)
        line = first_line + (text.count("\n", 0, found.start()) + 1 if found else 1)
        escape = found.group() if found else "\\udXXX"
        raise InputError([f"{where}:{line}: {escape} is half of a character (a lone UTF-16 "
                          f"surrogate), not text; remove it or write the whole character"])


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list) -> dict:
    """A JSON object, refusing a key given twice (json keeps the last, silently)."""
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _duplicate_message(text: str, where: str, key: str, first_line: int) -> str:
    """Name the lines of two places of one object where a key stands (JSON keeps no places of
    its own): two of its occurrences with nothing closed between them."""
    places = [m.start() for m in re.finditer(
        "(?:" + re.escape(json.dumps(key, ensure_ascii=False)) + "|" + re.escape(json.dumps(key))
        + r")\s*:", text)]
    for a, b in zip(places, places[1:]):
        depth, lowest = 0, 0
        for char in text[a:b]:
            depth += (char == "{") - (char == "}")
            lowest = min(lowest, depth)
        if lowest == 0 and depth == 0:
            one, two = (first_line + text.count("\n", 0, p) + 1 for p in (a, b))
            also = f"also on line {one}" if one != two else "both on this line"
            return f"{where}:{two}: {key!r} is given twice in one object ({also}); keep one"
    return f"{where}:{first_line + 1}: {key!r} is given twice in one object; keep one"


def _item_lines(text: str) -> list[int]:
    """The line on which each item of a top-level JSON list (or `reviews` list) starts."""
    decoder = json.JSONDecoder()
    start = text.find("[")
    if text.lstrip().startswith("{"):
        start = text.find("[", text.find('"reviews"'))
    position, found = start + 1, []
    while 0 < position < len(text):
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            break
        found.append(text.count("\n", 0, position) + 1)
        try:
            _, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break
    return found
