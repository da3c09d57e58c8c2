"""The README is the user's manual: keep it true."""

import re

from conftest import ROOT
from dhrcli.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_has_a_section():
    for name in cli.commands:
        assert f"### dhr {name}\n" in README, f"README has no section for dhr {name}"


def test_every_documented_command_exists():
    for name in re.findall(r"^### dhr (\S+)$", README, flags=re.M):
        assert name in cli.commands, f"README documents dhr {name}, which does not exist"


def test_the_two_commands_at_the_top():
    blocks = re.findall(r"^    (python3 -m venv .*)$", README, flags=re.M)
    assert blocks[0].endswith("pip install . && dhr import samples/norfolk.yaml && dhr search DVDS")
    assert blocks[1].endswith("pip install '.[test]' && pytest")


def test_options_named_in_the_readme_exist():
    def commands(group):
        for command in group.commands.values():
            yield command
            yield from commands(command) if hasattr(command, "commands") else ()

    options = {opt for command in commands(cli) for param in command.params
               for opt in getattr(param, "opts", []) + getattr(param, "secondary_opts", [])}
    for option in set(re.findall(r"`(--[a-z][a-z-]*)", README)):
        assert option in options | {"--version", "--help"}, f"README names {option}, which no command has"
