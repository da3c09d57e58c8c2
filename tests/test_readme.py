"""The README is the front door and docs/ the manual: keep them true, short and current."""

import importlib.util
import re

import click

from conftest import ROOT
from dhrcli.cli import cli, load_commands

load_commands()

README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")


def _all_commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, prefix + (name,))


def test_the_readme_is_short():
    assert len(README.encode("utf-8")) < 12_000


def test_every_command_is_in_the_readme_table_and_has_a_guide_section():
    for path, _ in _all_commands():
        assert f"| `dhr {' '.join(path)}` |" in README, f"README's table has no row for dhr {' '.join(path)}"
    for name in cli.commands:
        assert f"### dhr {name}\n" in GUIDE, f"docs/guide.md has no section for dhr {name}"


def test_every_documented_command_exists():
    for name in re.findall(r"^### dhr (\S+)$", GUIDE, flags=re.M):
        assert name in cli.commands, f"docs/guide.md documents dhr {name}, which does not exist"


def test_the_two_commands_at_the_top():
    blocks = re.findall(r"^    (python3 -m venv .*)$", README, flags=re.M)
    assert blocks[0].endswith("pip install . && dhr import samples/norfolk.yaml && dhr search DVDS")
    assert blocks[1].endswith("pip install '.[test]' && pytest")


def test_options_named_in_the_docs_exist():
    options = {opt for _, command in _all_commands() for param in command.params
               for opt in getattr(param, "opts", []) + getattr(param, "secondary_opts", [])}
    for text in (README, GUIDE):
        for option in set(re.findall(r"`(--[a-z][a-z-]*)", text)):
            assert option in options | {"--version", "--help"}, f"the docs name {option}, which no command has"


def test_the_command_reference_is_made_from_the_help():
    spec = importlib.util.spec_from_file_location("make_commands", ROOT / "docs" / "make_commands.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert current == module.render(), "docs/commands.md is out of date: run python docs/make_commands.py"


def test_links_between_the_docs_lead_somewhere():
    for source in (ROOT / "README.md", ROOT / "docs" / "guide.md", ROOT / "benchmarks" / "README.md"):
        text = source.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "#")):
                continue
            path, _, anchor = target.partition("#")
            resolved = (source.parent / path).resolve()
            if "shared/seeds" in path:
                continue  # the seed page lives beside the checkout, not in it
            assert resolved.exists(), f"{source.name} links to {target}, which is not there"
            if anchor and resolved.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", resolved.read_text(encoding="utf-8"), flags=re.M)
                slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}
                assert anchor in slugs, f"{source.name} links to {target}: no such heading"
