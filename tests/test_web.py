"""dhr serve: the web view, checked in a real browser (headless Chromium, driven by Playwright
through its executable path) as a person would use it. Skipped, saying why, only where the
dhr[web] extra, Playwright or Chromium is absent; .ci/run installs all three.

DHR_SCREENSHOT=docs/web-search.png pytest tests/test_web.py -k search  remakes the picture of
the search results that the README shows."""

import csv
import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import NORFOLK, run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    import datasette  # noqa: F401
    HAVE_DATASETTE = True
except ImportError:
    HAVE_DATASETTE = False
try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

needs_browser = pytest.mark.skipif(
    not (HAVE_DATASETTE and sync_playwright and CHROMIUM),
    reason="needs the dhr[web] extra, Playwright and Chromium (pip install '.[test]'; "
           "apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def site(catalogue_path):
    """The Norfolk review served by dhr serve on a free local port: its base address."""
    assert run("import", NORFOLK).exit_code == 0
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "dhrcli", "serve", "--port", str(port),
                               "--db", str(catalogue_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"dhr serve stopped: {server.stdout.read()}")
                time.sleep(0.1)
        yield base, catalogue_path.stem
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()


def _follow(page, selector: str) -> None:
    """Click a link and wait for the page it opens."""
    with page.expect_navigation():
        page.click(selector)


def _numbers(page) -> list[str]:
    return [cell.inner_text().strip() for cell in page.query_selector_all("td.col-number")]


@needs_browser
def test_searching_the_list_finds_what_dhr_search_finds_best_match_first(site, page):
    base, name = site
    page.goto(base + "/")
    assert "recommendations" in page.inner_text("body")
    _follow(page, "a:text-is('Recommendations')")  # the home page's way in to the list
    assert page.url.startswith(f"{base}/{name}/recommendation_list")
    page.fill("input[name=_search]", "DVDS")
    with page.expect_navigation():
        page.press("input[name=_search]", "Enter")
    shown = _numbers(page)
    expected = [row["number"] for row in csv.DictReader(io.StringIO(
        run("search", "DVDS", "--csv").stdout))]
    assert sorted(shown, key=int) == ["2", "3", "5", "6", "7"]
    assert shown == expected  # best match first, as dhr search
    if os.environ.get("DHR_SCREENSHOT"):  # from the count of rows down: the search, results
        top = page.locator("h3").first.bounding_box()["y"] - 10
        page.screenshot(path=os.environ["DHR_SCREENSHOT"], full_page=True,
                        clip={"x": 0, "y": top, "width": 1280, "height": 1000})


@needs_browser
def test_the_agency_facet_narrows_the_list(site, page):
    base, name = site
    page.goto(f"{base}/{name}/recommendation_list")
    assert len(_numbers(page)) == 31
    _follow(page, ".facet-info a:text-is('Norfolk Constabulary')")
    assert sorted(_numbers(page), key=int) == ["2", "3", "4", "6", "7"]
    _follow(page, ".facet-info a:text-is('police')")  # and a sector on top: the same five
    assert sorted(_numbers(page), key=int) == ["2", "3", "4", "6", "7"]


@needs_browser
def test_a_recommendation_links_to_its_review_and_the_review_to_its_recommendations(site, page):
    base, name = site
    page.goto(f"{base}/{name}/recommendation_list?number=5")
    _follow(page, "td.col-id a")  # the recommendation's own page
    assert f"/{name}/recommendations/" in page.url
    _follow(page, "td.col-review a")
    assert f"/{name}/reviews/" in page.url and "norfolk-2023-04" in page.inner_text("body")
    page.goto(f"{base}/{name}/reviews")
    _follow(page, "td.col-key a:text-is('norfolk-2023-04')")
    assert len(_numbers(page)) == 31


@pytest.mark.skipif(not HAVE_DATASETTE, reason="needs the dhr[web] extra")
def test_nothing_can_be_written_through_the_site(site):
    base, name = site

    def post(url: str) -> int:
        request = urllib.request.Request(base + url, data=b"review=x&text=y", method="POST")
        try:
            return urllib.request.urlopen(request, timeout=5).status
        except urllib.error.HTTPError as error:
            return error.code

    db = os.environ["DHR_DB"]
    before = hashlib.sha256(open(db, "rb").read()).hexdigest()
    for url in (f"/{name}/open", f"/{name}/to_agency", f"/{name}/-/create",
                f"/{name}/recommendations/-/insert", f"/{name}/recommendations/1/-/delete",
                f"/{name}/-/query?sql=DELETE+FROM+reviews"):
        assert post(url) == 405, url
    try:  # SQL from the page's box runs read-only
        answer = urllib.request.urlopen(
            f"{base}/{name}.json?sql=DELETE+FROM+reviews", timeout=5).read().decode()
    except urllib.error.HTTPError as error:
        answer = error.read().decode()
    assert "Statement must be a SELECT" in answer
    assert hashlib.sha256(open(db, "rb").read()).hexdigest() == before


def test_serve_without_the_extra_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "datasette", None)  # as if not installed
    result = run("serve")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: dhr serve needs Datasette: pip install 'dhr[web]'"]


def test_serve_without_a_catalogue_says_so(tmp_path):
    if not HAVE_DATASETTE:
        pytest.skip("needs the dhr[web] extra")
    result = run("serve", "--db", tmp_path / "none.db")
    assert result.exit_code == 1 and "no catalogue here yet" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_serve_on_a_port_in_use_says_so_in_one_line(catalogue_path):
    if not HAVE_DATASETTE:
        pytest.skip("needs the dhr[web] extra")
    assert run("import", NORFOLK).exit_code == 0
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = run("serve", "--port", port)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: cannot listen on 127.0.0.1 port {port} (Address already in use); choose "
        f"another with --port"]
