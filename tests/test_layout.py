"""The shape of the house: the core below the command line knows nothing of click, and words no
command or option in what it says (it gives a hint code; dhrcli/cli/hints.py words it)."""

import ast
import re
from pathlib import Path

import click

from dhrcli.cli import cli, load_commands

PACKAGE = Path(__file__).resolve().parent.parent / "dhrcli"


def _core_modules():
    return [p for p in PACKAGE.rglob("*.py") if "cli" not in p.relative_to(PACKAGE).parts[:1]]


def _strings(tree):
    """Every string constant in a module but its docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def _names():
    commands, options = set(), set()

    def walk(group):
        for name, command in group.commands.items():
            commands.add(name)
            options.update(o for p in command.params for o in getattr(p, "opts", []) if o.startswith("--"))
            if isinstance(command, click.Group):
                walk(command)

    load_commands()
    walk(cli)
    return commands, options


def test_no_module_below_the_command_line_imports_click():
    for path in _core_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "click" or n.startswith("click.") for n in names), f"{path.name} imports click"


def test_no_module_below_the_command_line_words_a_command_or_option():
    commands, options = _names()
    command = re.compile(r"\bdhr (" + "|".join(sorted(map(re.escape, commands), key=len, reverse=True)) + r")\b")
    option = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, options), key=len, reverse=True)) + r")\b")
    found = []
    for path in _core_modules():
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if command.search(text) or option.search(text):
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {text[:60]!r}")
    assert found == []


def _imports(path):
    """The dhrcli modules a module imports (relative imports, by their last name)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.module:
                found.add(node.module.split(".")[-1])
            else:
                found.update(a.name for a in node.names)
    return found


def test_no_module_is_over_400_lines():
    long = [f"{p.relative_to(PACKAGE)}: {n}" for p in PACKAGE.rglob("*.py")
            for n in [len(p.read_text(encoding="utf-8").splitlines())] if n > 400]
    assert long == []


def test_no_sql_in_the_command_line():
    sql = re.compile(r"\b(SELECT\b|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE|PRAGMA )")
    found = [f"{path.name}:{line}" for path in (PACKAGE / "cli").glob("*.py")
             for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))) if sql.search(text)]
    assert found == []


LAYERS = [  # top to bottom: a module imports only from its own layer or those below it
    {"web_plugin", "importing", "pipeline"},
    {"catalogue", "checking"},
    {"writing", "counts", "tracking", "recurrence"},
    {"linking", "theming", "statuses", "queries"},
    {"lookup"},
    {"store"},
    {"migrations"},
    {"readers", "building", "csv_reader", "json_reader", "page_reader", "yaml_reader", "split", "tables",
     "words", "documents", "outline"},
    {"output", "report", "charts"},
    {"agencies", "themes", "sectors", "fts", "followup", "plans", "web"},
    {"lessons"},
    {"cues"},
    {"datafiles"},
    {"paths"},
    {"records"},
]


def test_imports_go_one_way():
    """The store knows no job done over it, reading never imports writing, and nothing below
    the command line imports it."""
    layer = {name: rank for rank, names in enumerate(LAYERS) for name in names}
    upward = []
    for path in _core_modules():
        name = "readers" if path.name == "__init__.py" and path.parent.name == "readers" else path.stem
        if name in ("__init__", "__main__"):
            continue
        assert name in layer, f"{path.name} has no layer in tests/test_layout.py"
        for imported in _imports(path) - {"__version__"}:
            if layer.get(imported, -1) < layer[name]:  # -1: the command line, or a new module
                upward.append(f"{path.relative_to(PACKAGE)} imports {imported}")
    assert upward == []


def test_every_command_is_listed_with_its_module():
    """A command loads only its own module (cli.base.COMMAND_MODULES): the list must name every
    command, in the module that defines it, or the command would not be found."""
    from dhrcli.cli.base import COMMAND_MODULES

    listed = {name: module for module, names in COMMAND_MODULES.items() for name in names}
    defined = {name: command.callback.__module__.rsplit(".", 1)[1]
               for name, command in load_commands().items()}
    assert defined == listed
