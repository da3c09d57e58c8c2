"""The command line. `cli` is the click group; `main` the console script."""

from . import agency_commands, records_commands  # noqa: F401  (they add their commands to cli)
from .base import cli, main

__all__ = ["cli", "main"]
