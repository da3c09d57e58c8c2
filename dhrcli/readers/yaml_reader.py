"""The review file: YAML (and so JSON), one review per document, a list of reviews, or a
mapping with a `reviews:` list. Keeps the line of every field for error messages, and keeps
recommendation numbers and dates as written (YAML would read `8.10` as the number 8.1)."""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from ..records import InputError, Raw

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as Loader

KEPT_AS_WRITTEN = ("number", "published")
NUMERIC_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
PLAIN_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")
MAX_NODES = 1_000_000
MAX_DEPTH = 64


class _Constructor(yaml.constructor.SafeConstructor):
    """Builds one scalar's Python value; never builds objects of other classes."""


def read(text: str, where: str) -> Iterator[Raw]:
    constructor = _Constructor()
    found = False
    try:
        for document in yaml.compose_all(text, Loader=Loader):
            for node in _reviews_in(document, where):
                found = True
                yield _raw(node, constructor, where)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        place = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        reason = " ".join(str(error.problem or error.context or "not valid YAML").split())
        raise InputError([f"{place}: YAML error: {reason}"]) from None
    except yaml.YAMLError as error:
        raise InputError([f"{where}: YAML error: {' '.join(str(error).split())}"]) from None
    except RecursionError:
        raise InputError([f"{where}: YAML nested too deeply to be a review file"]) from None
    if not found:
        raise InputError([f"{where}: no reviews found (the file is empty)"])


def _reviews_in(node, where: str):
    """The review nodes of one YAML document: itself, its items, or its `reviews:` items."""
    if node is None:
        return []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "reviews":
                if not isinstance(value, yaml.SequenceNode):
                    raise InputError([f"{where}:{value.start_mark.line + 1}: 'reviews' must be "
                                      f"a list of reviews"])
                return value.value
        return [node]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return [node]


def _raw(node, constructor, where: str) -> Raw:
    lines: dict = {}
    budget = [MAX_NODES]
    constructor.constructed_objects = {}

    def convert(node, path: tuple, depth: int):
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_DEPTH:
            raise InputError([f"{where}:{node.start_mark.line + 1}: review too large or nested "
                              f"too deeply to be a review file"])
        if len(path) <= 4:
            lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            if path and path[-1] in KEPT_AS_WRITTEN and node.tag in NUMERIC_TAGS:
                return node.value
            try:
                return constructor.construct_object(node)
            except yaml.constructor.ConstructorError as error:
                raise InputError([f"{where}:{node.start_mark.line + 1}: "
                                  f"{' '.join(str(error.problem).split())}"]) from None
        if node.tag not in PLAIN_TAGS:
            raise InputError([f"{where}:{node.start_mark.line + 1}: YAML tag {node.tag!r} is not "
                              f"allowed in a review file"])
        if isinstance(node, yaml.SequenceNode):
            return [convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            result, seen = {}, {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is None:
                    raise InputError([f"{where}:{key_node.start_mark.line + 1}: a key must be a "
                                      f"name, not a structure"])
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise InputError([f"{where}:{line}: {key!r} is given twice (also on line "
                                      f"{seen[key]}); keep one"])
                seen[key] = line
                result[key] = convert(value_node, path + (key,), depth + 1)
            return result
        raise InputError([f"{where}:{node.start_mark.line + 1}: unexpected YAML content"])

    return Raw(convert(node, (), 0), lines)


def dump(review: dict, comments: dict[int, str] | None = None, header: str = "") -> str:
    """A review (in review-file form, as Review.as_dict gives it) as a review file, with
    `comments` (recommendation index -> text) written above the recommendations they are about."""
    comments = comments or {}
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for key, value in review.items():
        if key == "recommendations" or value is None:
            continue
        lines.append(_dump({key: value}))
    lines.append("recommendations:")
    for index, rec in enumerate(review["recommendations"]):
        if index in comments:
            lines.extend(f"# {line}" for line in comments[index].splitlines())
        item = {"number": rec["number"], "text": rec["text"]}
        if rec.get("to"):
            item["to"] = rec["to"]
        for key in ("themes", "target", "status"):
            if rec.get(key) is not None:
                item[key] = rec[key]
        lines.append(_dump([item]))
    return "\n".join(lines) + "\n"


def _dump(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100).rstrip("\n")
