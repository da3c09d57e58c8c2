"""The command line. `cli` is the click group; `main` the console script."""

from . import agency_commands, records_commands, theme_commands  # noqa: F401  (they add commands)
from .base import cli, main

__all__ = ["cli", "main"]
