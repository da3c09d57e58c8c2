"""dhr's own files: reading its YAML data files (the shipped registry, rules, taxonomy and
glossary, and the user's aliases and taxonomy files) with one-line errors that name the file
and line; writing a file whole or not at all; and the cache of parsed data files."""

from __future__ import annotations

import os
import pickle
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


def make_folder(folder) -> None:
    """The folder for -o, made if it is not there; DhrError with one line if it cannot be."""
    from pathlib import Path

    from .records import DhrError

    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DhrError(f"{folder}: cannot make this folder ({error.strerror or error})") from None


def save(path, text: str, catalogue=None) -> None:
    """Write a file whole or not at all: to a temporary file beside it, then renamed over it,
    so that a failed write leaves the old file. Never over the catalogue in use (or its -wal,
    -shm and -journal files). Raises DhrError with one line for what went wrong."""
    import tempfile
    from pathlib import Path

    from .records import DhrError

    path = Path(path)
    if catalogue is not None:
        guarded = {Path(f"{catalogue}{end}").resolve() for end in ("", "-wal", "-shm", "-journal")}
        if path.resolve() in guarded:
            raise DhrError(f"{path}: that is the catalogue in use; write the output elsewhere")
    if path.is_dir():
        raise DhrError(f"{path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise DhrError(f"{path}: the folder {path.parent} does not exist")
    handle = None
    try:
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,
                                             prefix=f".{path.name[:100]}.", suffix=".tmp", delete=False)
        with handle:
            handle.write(text)
        if path.exists():
            mode = path.stat().st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(handle.name, mode)  # as the file had, or as a new file would have
        os.replace(handle.name, path)
    except OSError as error:
        if handle is not None and os.path.exists(handle.name):
            os.unlink(handle.name)
        raise DhrError(f"{path}: cannot write it ({error.strerror or error})") from None


def fingerprint(salt: str, *paths: Path | None) -> str:
    """A key that changes whenever one of these data files changes (or `salt`, for a change in
    how they are read): cheap, no parsing. A missing file counts as empty."""
    import hashlib

    digest = hashlib.sha256(salt.encode())
    for path in paths:
        if path is not None and path.is_file():
            digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def cached(kind: str, fingerprint: str, build):
    """What build() returns, kept in the user's cache under a key made of `fingerprint` and
    dhr's version, so that a command need not parse the same YAML files again. A cache that
    cannot be read or written is simply not used."""
    import pickle

    from . import __version__

    from .paths import cache

    path = cache() / f"{kind}-{__version__}-{_code()}-{fingerprint[:24]}.pickle"
    try:
        with open(path, "rb") as handle:
            return _Only(handle).load()
    except Exception:  # no cache yet, one from elsewhere, or one holding what dhr never writes
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass
    return value


def _code() -> str:
    """A key for the code that built a cached value: a change to dhr's modules (even without a
    new version number) makes the cache miss rather than load objects of another shape."""
    import hashlib

    here = Path(__file__).resolve().parent
    stamp = "".join(f"{f.name}:{f.stat().st_mtime_ns}:{f.stat().st_size};"
                    for f in sorted(here.glob("*.py")))
    return hashlib.sha256(stamp.encode()).hexdigest()[:12]


class _Only(pickle.Unpickler):
    """Loads only what dhr's caches hold - dhr's own classes and plain containers - so that a
    cache file written by someone else cannot run code (pickle would call anything it names)."""

    SAFE = {("builtins", "set"), ("builtins", "frozenset"), ("builtins", "object"),
            ("copyreg", "_reconstructor"), ("re", "_compile"), ("collections", "OrderedDict")}

    def find_class(self, module, name):
        import pickle

        if (module, name) in self.SAFE:
            return super().find_class(module, name)
        if module == "dhrcli" or module.startswith("dhrcli."):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not something dhr caches")
