"""The command line. `cli` is the click group; `main` the console script. A command's module
is loaded when the command is asked for; `load_commands()` loads them all."""

from .base import cli, load_commands, main

__all__ = ["cli", "load_commands", "main"]
