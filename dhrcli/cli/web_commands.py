"""The web view: serve."""

from __future__ import annotations

from pathlib import Path

import click

from .base import cli, db_option

LOCAL = ("127.0.0.1", "localhost", "::1")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; anything but this machine's own lets others read "
                   "the catalogue.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="The port (0: any free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@db_option
def serve(host, port, open_browser, where):
    """Browse the catalogue in a web browser: Datasette on it, read-only, with a readable list
    of recommendations (search with the glossary, best match first; facets on agency, sector,
    theme, scope, CSP, year and status) and canned queries. Stop it with Ctrl-C.

    Needs the extra: pip install 'dhr[web]'.

    \b
    Example:
        dhr serve
        dhr serve --port 8123 --open
    """
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise click.ClickException("dhr serve needs Datasette: pip install 'dhr[web]'") from None
    from .. import paths

    path = Path(where.db) if where.db else paths.catalogue()
    if not path.is_file():
        raise click.ClickException(f"{path}: no catalogue here yet; import reviews first "
                                   f"(dhr import FILE)")
    if port:
        _port_free(host, port)
    where.open(write=True).close()  # an older catalogue gets the list the site shows
    if host not in LOCAL:
        click.echo(f"dhr: warning: serving on {host}: anyone who can reach this machine on port "
                   f"{port} can read the catalogue", err=True)
    click.echo(f"dhr: serving {path} at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    _datasette(path, host, port, open_browser, where)


def _datasette(path: Path, host: str, port: int, open_browser: bool, where) -> None:
    """Datasette's own command line, in this process, with dhr's plugin registered and its
    metadata in a temporary file."""
    import json
    import tempfile

    from datasette import cli as datasette_cli
    from datasette.plugins import pm

    from .. import web_plugin
    from ..web import metadata

    web_plugin.configure(where.taxonomy_path(), where.aliases_path())
    if not pm.is_registered(web_plugin):
        pm.register(web_plugin, name="dhr")
    with tempfile.TemporaryDirectory() as folder:
        meta = Path(folder) / "metadata.json"
        meta.write_text(json.dumps(metadata(path.stem)), encoding="utf-8")
        args = ["serve", str(path), "--metadata", str(meta), "--host", host, "--port", str(port),
                "--setting", "default_page_size", "50", "--setting", "sql_time_limit_ms", "5000"]
        if open_browser:
            args.append("--open")
        datasette_cli.cli.main(args, prog_name="dhr serve", standalone_mode=True)


def _port_free(host: str, port: int) -> None:
    """A one-line error, before anything starts, when the address cannot be listened on."""
    import os
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise click.ClickException(f"cannot listen on {host} port {port} ({reason}); choose "
                                   f"another with --port") from None
