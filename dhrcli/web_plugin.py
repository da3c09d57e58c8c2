"""The Datasette plugin `dhr serve` registers (web.py): the search box of the recommendation list
applies dhr's glossary and ranks best match first, cells link a recommendation to its own page
and its review, and two SQL functions serve the canned queries. Imported only with Datasette."""

from __future__ import annotations

import json
from pathlib import Path

from datasette import hookimpl
from datasette.filters import FilterArguments
from markupsafe import Markup, escape

from .web import LIST

LISTS = ("agencies", "sectors", "themes", "statuses")  # the list's columns that hold JSON lists

_settings: dict = {"taxonomy": None, "aliases": None}
_loaded: dict = {}


def configure(taxonomy: Path | None, aliases: Path | None) -> None:
    """The user's taxonomy (for the glossary) and aliases (for agency names)."""
    _settings.update(taxonomy=taxonomy, aliases=aliases)
    _loaded.clear()


def _taxonomy():
    if "taxonomy" not in _loaded:
        from .themes import load

        _loaded["taxonomy"] = load(_settings["taxonomy"])
    return _loaded["taxonomy"]


def _registry():
    if "registry" not in _loaded:
        from .agencies import load

        _loaded["registry"] = load(_settings["aliases"])
    return _loaded["registry"]


def match(text: str) -> str | None:
    """The FTS5 query `dhr search` makes of what a person typed (glossary applied)."""
    from .fts import to_match

    return to_match(text, _taxonomy().expansions)[0]


def agency_keys(name: str | None) -> str:
    """JSON list of the registry keys of the agency named and of the bodies it took over from
    ([] for a name nobody knows)."""
    if not name:
        return "[]"
    registry = _registry()
    known = registry.lookup(name)
    key = known.key if known else registry.resolve(name).key
    return json.dumps([key] + [predecessor for predecessor, _ in registry.predecessors(key)])


@hookimpl
def asgi_wrapper(datasette):
    """Read-only: any request but GET or HEAD is refused (405) before Datasette sees it."""
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD"):
                body = b"dhr serve is read-only\n"
                await send({"type": "http.response.start", "status": 405, "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD"),
                    (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)

        return read_only

    return wrap


@hookimpl
def extra_body_script(table):
    """Room for the text of a recommendation: it is what a person reads."""
    if table in (LIST, "recommendations"):
        return ("var style = document.createElement('style'); style.textContent = "
                "'td.col-text { min-width: 32em; } td.col-rank, td.col-published { "
                "white-space: nowrap; }'; document.head.appendChild(style);")
    return ""


@hookimpl
def prepare_connection(conn):
    conn.create_function("dhr_agency_keys", 1, agency_keys)


@hookimpl(specname="filters_from_request", trylast=True)
def dhr_search(request, database, table, datasette):
    """?_search= on the recommendation list: dhr's query on the full-text index's column (the
    list is sorted by its rank), in place of Datasette's, which the list does not have."""
    if table != LIST:
        return None
    text = request.args.get("_search", "")
    found = match(text) if text.strip() else None
    if found is None:
        return FilterArguments([], extra_context={"supports_search": True, "search": text})
    return FilterArguments(["search MATCH :dhr_search"], {"dhr_search": found},
                           [f'search matches "{text}"'],
                           {"supports_search": True, "search": text})


@hookimpl
def render_cell(value, column, table, database, datasette):
    """On the list: the id links to the recommendation's page, the review to the review, and
    the index's own column shows nothing. A recommendation's review links to the review's page
    (Datasette's own page of one row shows the bare id), and a review's key to its
    recommendations."""
    if table == LIST:
        if column == "search":
            return ""
        if column in LISTS and isinstance(value, str) and value.startswith("["):
            return "; ".join(json.loads(value))  # a list a person reads, not JSON
        if column == "id" and value is not None:
            return Markup(f'<a href="{datasette.urls.row(database, "recommendations", value)}">'
                          f'{int(value)}</a>')
        if column == "review" and value:
            url = datasette.urls.table(database, "reviews") + f"?key={escape(value)}"
            return Markup(f'<a href="{url}">{escape(value)}</a>')
    if table == "recommendations" and column == "review" and isinstance(value, int):
        async def review_link():  # on the recommendation's own page too, not only in tables
            db = datasette.get_database(database)
            row = (await db.execute("SELECT key FROM reviews WHERE id = ?", [value])).first()
            url = datasette.urls.row(database, "reviews", value)
            return Markup(f'<a href="{url}">{escape(row[0] if row else value)}</a>')

        return review_link
    if table == "reviews" and column == "key" and value:
        url = datasette.urls.table(database, LIST) + f"?review={escape(value)}"
        return Markup(f'<a href="{url}" title="its recommendations">{escape(value)}</a>')
    return None
