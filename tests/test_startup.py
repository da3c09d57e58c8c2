"""What a command loads: start-up is most of a search's time, so a search loads only its own
command's module, and a table does not bring in importlib.metadata (about 25 ms)."""

import subprocess
import sys

from conftest import NORFOLK

_LOADED = ("import atexit, sys\n"
           "atexit.register(lambda: print(sorted(sys.modules), file=sys.stderr))\n"
           "from dhrcli.cli import main\n"
           "sys.argv = ['dhr', *sys.argv[1:]]\n"
           "main()\n")


def _loaded(*args) -> tuple[str, set]:
    result = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True,
                            text=True, timeout=120)
    return result.stdout, set(eval(result.stderr.strip().splitlines()[-1]))


def test_a_search_loads_only_what_it_needs(tmp_path):
    db = str(tmp_path / "cat.db")
    subprocess.run([sys.executable, "-m", "dhrcli", "import", "-q", "--db", db, str(NORFOLK)],
                   check=True, timeout=120)
    out, loaded = _loaded("search", "DVDS", "--exact", "--db", db)
    assert "norfolk-2023-04" in out and "tabulate" in loaded  # a table was drawn
    assert "dhrcli.cli.records_commands" in loaded
    assert not loaded & {"dhrcli.cli.input_commands", "dhrcli.cli.report_commands",
                         "dhrcli.cli.web_commands", "dhrcli.writing", "importlib.metadata"}


def test_version_loads_no_command(tmp_path):
    out, loaded = _loaded("--version")
    assert out.strip().startswith("dhr") or "version" in out
    assert not any(name.startswith("dhrcli.cli.") and name.endswith("_commands") for name in loaded)


def test_a_table_after_importlib_metadata_is_the_same(tmp_path):
    """Where something has imported importlib.metadata already, tabulate is imported as it is."""
    code = ("import importlib.metadata, sys\n"
            "from dhrcli.output import tabulate_package\n"
            "module = tabulate_package()\n"
            "assert sys.modules['importlib.metadata'] is importlib.metadata\n"
            "print(module.__version__ != 'unknown')")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "True"


def test_a_search_expands_its_terms_from_the_glossary_alone(tmp_path):
    """A search with the glossary reads the glossary's own cache, not the taxonomy's themes;
    on a catalogue not made yet it links nothing and draws no table."""
    db = str(tmp_path / "none.db")
    for _ in range(2):  # the first run fills the cache
        result = subprocess.run([sys.executable, "-c", _LOADED, "search", "DVDS", "--db", db],
                                capture_output=True, text=True, timeout=120)
    assert "Clare's Law" in result.stderr and "no rows" in result.stderr
    loaded = set(eval(result.stderr.strip().splitlines()[-1]))
    assert "dhrcli.themes" in loaded  # the glossary's home
    assert not loaded & {"yaml", "dhrcli.agencies", "shutil", "textwrap", "tabulate"}
