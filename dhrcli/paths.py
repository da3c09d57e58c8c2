"""Where dhr keeps the user's files: one home for every per-user path.

With DHR_HOME set, everything lives in that one folder: the catalogue (dhr.db), the aliases
and taxonomy files, and the cache. Otherwise each goes where the platform keeps such things:
the XDG folders ($XDG_DATA_HOME, $XDG_CONFIG_HOME, $XDG_CACHE_HOME, or their defaults under
~), or on Windows %LOCALAPPDATA% and %APPDATA%.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

KINDS = {  # kind -> (XDG variable, its default under ~, the Windows variable)
    "data": ("XDG_DATA_HOME", (".local", "share"), "LOCALAPPDATA"),
    "config": ("XDG_CONFIG_HOME", (".config",), "APPDATA"),
    "cache": ("XDG_CACHE_HOME", (".cache",), "LOCALAPPDATA"),
}


def user_dir(kind: str) -> Path:
    """The folder for one kind of the user's files: data, config or cache."""
    home = os.environ.get("DHR_HOME")
    if home:
        return Path(home) / "cache" if kind == "cache" else Path(home)
    xdg, default, windows = KINDS[kind]
    if sys.platform == "win32" and os.environ.get(windows):
        base = Path(os.environ[windows]) / "dhr"
        return base / "cache" if kind == "cache" else base
    return Path(os.environ.get(xdg) or Path.home().joinpath(*default)) / "dhr"


def catalogue() -> Path:
    return user_dir("data") / "dhr.db"


def aliases() -> Path:
    return user_dir("config") / "aliases.yaml"


def taxonomy() -> Path:
    return user_dir("config") / "taxonomy.yaml"


def cache() -> Path:
    return user_dir("cache")
