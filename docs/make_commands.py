"""Write docs/commands.md, the command reference, from the commands' own --help.

    python docs/make_commands.py          # rewrite docs/commands.md
    python docs/make_commands.py --check  # exit 1 if it is out of date (the tests do this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent
TARGET = HERE / "commands.md"
WIDTH = 100


def _commands(group: click.Group, prefix: list[str]):
    for name in sorted(group.commands):
        command = group.commands[name]
        yield prefix + [name], command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + [name])


def render() -> str:
    from dhrcli.cli import cli, load_commands

    load_commands()

    parts = ["# dhr commands", "",
             "Every command's `--help`, as the installed `dhr` prints it. Made by "
             "`python docs/make_commands.py`; a test fails when it is out of date.", ""]
    parts += [f"- [dhr {' '.join(path)}](#{'-'.join(['dhr', *path])})"
              for path, _ in _commands(cli, [])]
    for path, command in _commands(cli, []):
        parents = [click.Context(cli, info_name="dhr", **cli.context_settings)]
        for name in path[:-1]:
            parents.append(click.Context(parents[-1].command.commands[name], info_name=name,
                                         parent=parents[-1]))
        context = click.Context(command, info_name=path[-1], parent=parents[-1],
                                terminal_width=WIDTH, max_content_width=WIDTH)
        parts += ["", f"## dhr {' '.join(path)}", "", "```text", command.get_help(context).rstrip(), "```"]
    return "\n".join(parts) + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python docs/make_commands.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
