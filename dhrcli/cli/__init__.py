"""The command line. `cli` is the click group; `main` the console script."""

from . import (agency_commands, followup_commands, input_commands,  # noqa: F401  (they add commands)
               lesson_commands, records_commands, report_commands, theme_commands,
               web_commands)
from .base import cli, main

__all__ = ["cli", "main"]
