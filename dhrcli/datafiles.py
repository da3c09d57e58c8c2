"""Reading dhr's own YAML data files (the shipped registry, rules, taxonomy and glossary, and the
user's aliases and taxonomy files), with one-line errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

from .records import DhrError


def read_yaml(path: Path, what: str) -> dict:
    """The mapping in a YAML file (empty if the file is empty); DhrError if it cannot be read."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=loader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = " ".join(str(getattr(error, "problem", None) or error).split())
        raise DhrError(f"{path}{line}: not a valid {what}: {problem}") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise DhrError(f"{path}: cannot read the {what} ({reason})") from None
    if not isinstance(data, dict):
        raise DhrError(f"{path}: a {what} must be a mapping of keys, not a list or a value")
    return data
