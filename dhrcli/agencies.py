"""Agencies: one canonical name per body, its sector, whether it is national, its successors.

An addressee as a review wrote it is folded (case, white space, apostrophes, "&", a leading
"The", a trailing "Ltd") and looked up in the registry: the shipped dhrcli/data/agencies.yaml,
overridden by the user's aliases file. A name the registry does not know keeps its own
spelling as its canonical name and gets its sector from the name rules in
dhrcli/data/sector_rules.yaml. Nothing here knows SQL or the command line.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from contextlib import contextmanager
from pathlib import Path

from .records import DhrError
from .sectors import SECTORS

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = DATA / "agencies.yaml"
RULES = DATA / "sector_rules.yaml"
RULES_REVISION = "2"  # raise when fold() or resolve() change what a name links to

MATCHED = ("registry", "user", "rules", "other")  # where an agency's sector came from

_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_TRAILING = re.compile(r"[\s.,;:!?\-–—]+$")
_LIMITED = re.compile(r",? (ltd|limited|plc|cic)$")
_ABBREVIATION = re.compile(r"^(.*\S)\s*\(([A-Za-z&]{2,12})\)$")
_SMALL_WORDS = {"and", "of", "the", "for", "&", "in", "on", "to"}


def fold(name: str) -> str:
    """The key two spellings of one name share: case, white space, apostrophes, "&"/"and",
    a leading "The", a trailing "Ltd"/"Limited" and trailing punctuation do not count."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _APOSTROPHES.sub("", text).replace("&", " and ")
    text = _TRAILING.sub("", " ".join(text.split()))
    if text.startswith("the "):
        text = text[4:]
    return _TRAILING.sub("", _LIMITED.sub("", text))


def clean(name: str) -> str:
    """A written name tidied for display: white space collapsed, trailing punctuation dropped."""
    return _TRAILING.sub("", " ".join(name.split())) or name.strip()


@dataclass(frozen=True)
class Agency:
    key: str          # fold(name): what the catalogue keys agencies by
    name: str         # the canonical name
    sector: str
    national: bool
    matched: str      # one of MATCHED


@dataclass(frozen=True)
class Succession:
    predecessor: str  # keys
    successor: str
    date: str


def fingerprint(user_path: Path | None) -> str:
    """Changes whenever what a name links to could change; cheap (no parsing)."""
    from .datafiles import fingerprint as of_files

    return of_files(RULES_REVISION, SHIPPED, RULES, user_path)


class Registry:
    """Canonical agencies and their aliases (shipped, then the user's file), and the rules."""

    def __init__(self, rules: list | None = None):
        self.user_path: Path | None = None
        self.agencies: dict[str, Agency] = {}
        self.aliases: dict[str, str] = {}        # folded alias -> canonical key
        self.alias_names: dict[str, str] = {}    # folded alias -> the alias as written
        self.successions: list[Succession] = []
        self._resolved: dict[str, Agency] = {}
        self.rule_source = [(rule["sector"], bool(rule.get("national")), list(rule["patterns"]))
                            for rule in rules or []]
        self._rules = None  # compiled when a name first needs them

    def add(self, data: dict, matched: str, where: str) -> None:
        """Add a registry file's agencies, aliases and successions; later files win."""
        self._resolved.clear()
        if not isinstance(data, dict):
            raise DhrError(f"{where}: an aliases file must be a mapping with 'agencies:'")
        for entry in data.get("agencies") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise DhrError(f"{where}: each agency needs a 'name' (got {entry!r})")
            key = fold(entry["name"])
            old = self.agencies.get(key)
            sector = entry.get("sector") or (old.sector if old else None)
            national = entry.get("national", old.national if old else False)
            if sector is None:
                sector, national_by_rule = self.sector_by_rules(key)
                national = entry.get("national", national_by_rule)
            if sector not in SECTORS:
                raise DhrError(f"{where}: agency {entry['name']!r} has sector {sector!r}, "
                               f"not one of: {', '.join(SECTORS)}")
            source = matched if entry.get("sector") or old is None else old.matched
            self.agencies[key] = Agency(key, entry["name"], sector, bool(national), source)
            self.aliases.pop(key, None)  # a canonical name is never someone else's alias
            aliases = entry.get("aliases") or []
            if isinstance(aliases, (str, int, float)):
                aliases = [aliases]  # "aliases: KP" is one alias, not the aliases K and P
            if not isinstance(aliases, list):
                raise DhrError(f"{where}: the aliases of {entry['name']!r} must be a list of "
                               f"names")
            for alias in aliases:
                if fold(str(alias)) and fold(str(alias)) != key:
                    self.aliases[fold(str(alias))] = key
                    self.alias_names[fold(str(alias))] = str(alias)
        for link in data.get("successions") or []:
            try:
                date = link["date"]
                date = date.isoformat() if isinstance(date, datetime.date) else str(date)
                self.successions.append(Succession(fold(link["from"]), fold(link["to"]), date))
            except (KeyError, TypeError, AttributeError):
                raise DhrError(f"{where}: each succession needs 'from', 'to' and 'date' "
                               f"(got {link!r})") from None

        for name in data.get("unaliases") or []:
            self.aliases.pop(fold(str(name)), None)
            self.alias_names.pop(fold(str(name)), None)

    # -- names -> agencies -----------------------------------------------------------------

    def lookup(self, name: str) -> Agency | None:
        """The registry's agency for a name or alias, or None if it does not know it."""
        key = fold(name)
        key = self.aliases.get(key, key)
        if key in self.agencies:
            return self.agencies[key]
        match = _ABBREVIATION.match(name.strip())  # "Greater Manchester Police (GMP)"
        if match:
            body, letters = match.groups()
            initials = "".join(w[0] for w in body.split() if w.lower() not in _SMALL_WORDS)
            found = self.lookup(body)
            if found and (letters.upper() == initials.upper() or self.lookup(letters) == found):
                return found
        return None

    def resolve(self, written: str) -> Agency:
        """The canonical agency for an addressee as a review wrote it; never fails."""
        known = self._resolved.get(written)
        if known is None:
            known = self._resolved[written] = self._resolve(written)
        return known

    def _resolve(self, written: str) -> Agency:
        found = self.lookup(written)
        if found:
            return found
        name = clean(written)
        key = fold(name)
        match = _ABBREVIATION.match(name)
        if match:  # "X (GMP)" where X is not known: the same body as X
            body, letters = match.groups()
            initials = "".join(w[0] for w in body.split() if w.lower() not in _SMALL_WORDS)
            if letters.upper() == initials.upper():
                name, key = body, fold(body)
        sector, national = self.sector_by_rules(key)
        return Agency(key, name, sector, national, "rules" if sector != "other" else "other")

    def sector_by_rules(self, key: str) -> tuple[str, bool]:
        """(sector, national) for a folded name the registry does not know."""
        branch = re.match(r"^(.*\S)\s*\((.*)\)$", key) or re.match(r"^(.*?)\s+[-–—]\s+(.*)$", key)
        if branch:  # "Crown Prosecution Service (East of England)": a local branch of a body
            parent = self.agencies.get(self.aliases.get(branch.group(1), branch.group(1)))
            if parent:
                return parent.sector, False
        if self._rules is None:
            self._rules = [(sector, national, [re.compile(p) for p in patterns])
                           for sector, national, patterns in self.rule_source]
        for sector, national, patterns in self._rules:
            if any(p.search(key) for p in patterns):
                return sector, national
        return "other", False

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_rules": None, "_resolved": {}}

    def predecessors(self, key: str) -> list[tuple[str, str]]:
        """(predecessor key, date) for every body a successor took over from, transitively."""
        found, queue = [], [key]
        while queue:
            current = queue.pop(0)
            for link in self.successions:
                if link.successor == current and link.predecessor not in [f[0] for f in found]:
                    found.append((link.predecessor, link.date))
                    queue.append(link.predecessor)
        return found

    def names(self) -> list[str]:
        """Every canonical name and alias, for suggestions."""
        return [a.name for a in self.agencies.values()] + list(self.alias_names.values())


_SUFFIXES = ("nhs", "foundation", "trust", "university", "hospitals", "council", "ltd", "limited")


def _initials(name: str) -> set[str]:
    """The ways a body's name is written as initials: every significant word, and without the
    usual trailing words (NHS Foundation Trust, Council), so that ULHT and ULH both stand for
    United Lincolnshire Hospitals NHS Trust."""
    words = [w for w in re.findall(r"[a-z]+", fold(name)) if w not in _SMALL_WORDS]
    found = {"".join(w[0] for w in words)}
    while words and words[-1] in _SUFFIXES:
        words = words[:-1]
        found.add("".join(w[0] for w in words))
    found.add("".join(w[0] for w in words if w != "nhs"))
    return {f for f in found if len(f) >= 2}


def suggest(name: str, known: list[tuple[str, str]]) -> str:
    """A sector to suggest for a body the rules left as `other`, and why: the sector of a known
    body (name, sector) whose initials the name is ("GHC": Gloucestershire Health and Care NHS
    Foundation Trust). Empty when nothing fits."""
    letters = re.sub(r"[^a-z]", "", fold(name.split("'")[0].split("’")[0]))
    if not 2 <= len(letters) <= 8 or " " in fold(name).strip():
        return ""
    for other, sector in known:
        if sector != "other" and letters in _initials(other):
            return f"{sector} (initials of {other})"
    return ""


def name_index(names: list[str]):
    """(known, first_words): a test of whether a name is among `names` (folded), and the first
    words of those names; the page reader uses them to find where an addressee begins."""
    folded = {fold(name) for name in names}
    folded.discard("")
    first_words = {name.split()[0] for name in folded}

    def known(name: str) -> bool:
        return fold(name) in folded

    return known, first_words


def load(user_path: Path | None) -> Registry:
    """The registry (parsed once, then kept in the user's cache until a file changes)."""
    from .datafiles import cached

    return cached("registry", fingerprint(user_path), lambda: _load(user_path))


def _load(user_path: Path | None) -> Registry:
    """The registry: the shipped file, the rules and the user's aliases file (if it exists)."""
    from .datafiles import read_yaml

    def read(path: Path) -> dict:
        return read_yaml(path, "aliases file")

    registry = Registry(read(RULES).get("rules", []))
    registry.add(read(SHIPPED), "registry", str(SHIPPED))
    if user_path is not None and user_path.is_file():
        registry.user_path = user_path
        registry.add(read(user_path), "user", str(user_path))
    return registry


# -- the user's aliases file ---------------------------------------------------------------

USER_HEADER = """\
# dhr aliases: your own agency names, aliases and sectors. They win over the shipped registry.
# Managed by dhr's commands for agencies (alias, unalias, set-sector); you may edit it by hand
# (the same form as dhrcli/data/agencies.yaml, plus `unaliases:`, shipped aliases you have
# turned off). dhr re-links the catalogue the next time it writes to it after a change.
"""


def _read_user(path: Path) -> dict:
    from .datafiles import read_yaml

    return read_yaml(path, "aliases file") if path.is_file() else {}


def _write_user(path: Path, data: dict) -> None:
    import yaml

    from .datafiles import save

    save(path, USER_HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))


@contextmanager
def _changing(path: Path):
    """The user's file, read and written back under a lock, so that two dhr commands changing
    it at once do not lose each other's change. Yields its data to change in place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_name(path.name + ".lock"), "a")
    except OSError as error:
        raise DhrError(f"{path}: cannot write the aliases file ({error.strerror})") from None
    with lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows: no lock, as before
            pass
        data = _read_user(path)
        for entry in data.get("agencies") or []:
            if isinstance(entry, dict) and isinstance(entry.get("aliases"), (str, int, float)):
                entry["aliases"] = [entry["aliases"]]
        yield data
        _write_user(path, data)


def _user_entry(data: dict, name: str) -> dict:
    """The user file's entry for `name`, added if it has none."""
    entries = data.setdefault("agencies", [])
    entry = next((e for e in entries if fold(str(e.get("name", ""))) == fold(name)), None)
    if entry is None:
        entry = {"name": name}
        entries.append(entry)
    return entry


def _without_alias(data: dict, key: str) -> None:
    for entry in data.get("agencies") or []:
        entry["aliases"] = [a for a in entry.get("aliases") or [] if fold(str(a)) != key]
        if not entry["aliases"]:
            del entry["aliases"]


def save_sector(path: Path, name: str, sector: str) -> None:
    """Record in the user's file that the agency `name` is in `sector`."""
    with _changing(path) as data:
        _user_entry(data, _named(name, "name"))["sector"] = sector


def _named(text: str, what: str) -> str:
    """A name as given, white space tidied; DhrError if nothing of a name is left."""
    name = " ".join(text.split())
    if not fold(name):
        raise DhrError(f"the {what} {text!r} has no letters or digits; give a name")
    return name


def save_alias(path: Path, alias: str, name: str, sector: str | None = None) -> None:
    """Record in the user's file that `alias` means the agency `name`."""
    alias, name = _named(alias, "alias"), _named(name, "name")
    if fold(alias) == fold(name):
        raise DhrError(f"{alias!r} and {name!r} are already the same name to dhr")
    with _changing(path) as data:
        _without_alias(data, fold(alias))
        entry = _user_entry(data, name)
        if sector:
            entry["sector"] = sector
        entry.setdefault("aliases", []).append(alias)
        unaliases = [u for u in data.get("unaliases") or [] if fold(str(u)) != fold(alias)]
        data.pop("unaliases", None)
        if unaliases:
            data["unaliases"] = unaliases


def drop_alias(path: Path, registry: Registry, alias: str) -> None:
    """Stop `alias` meaning any agency: remove it from the user's file, and turn it off if
    the shipped registry has it."""
    key = fold(alias)
    if key not in registry.aliases:
        raise DhrError(f"{alias!r} is not an alias" + (
            f" (it is the name of {registry.agencies[key].name!r})" if key in registry.agencies else ""))
    shipped = load(None)
    with _changing(path) as data:
        _without_alias(data, key)
        if key in shipped.aliases:
            data.setdefault("unaliases", []).append(alias)
