"""web/error_pages.py: pages answer their errors in the layout, everything else keeps its plain
answer, and a bug is a 500 page with an apology, never a traceback."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from vcshub.services.errors import NotFound
from vcshub.web import error_pages
from vcshub.web.templating import Templates


def _app() -> Starlette:
    async def page_bug(request):
        error_pages.mark_page(request.scope)
        raise RuntimeError("secret detail in a traceback")

    async def page_missing(request):
        error_pages.mark_page(request.scope)
        raise NotFound("repository", "some/repo")

    async def raw_missing(request):
        raise NotFound("repository", "some/repo")

    app = Starlette(
        routes=[
            Route("/page-bug", page_bug),
            Route("/page-missing", page_missing),
            Route("/raw-missing", raw_missing),
        ],
        exception_handlers=error_pages.exception_handlers(),
    )
    app.state.vcshub = type("State", (), {"templates": Templates()})()
    return app


def test_a_bug_is_an_apology_in_the_layout():
    with TestClient(_app(), raise_server_exceptions=False) as client:
        response = client.get("/page-bug")
    assert response.status_code == 500
    assert "Sorry" in response.text and 'class="site"' in response.text
    assert "<h1>500 · Something went wrong</h1>" in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text


def test_a_page_answers_not_found_in_the_layout_and_raw_views_in_plain_text():
    with TestClient(_app()) as client:
        page = client.get("/page-missing")
        raw = client.get("/raw-missing")
        nowhere = client.get("/no/such/path")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "repository `some/repo` does not exist" in page.text and 'class="site"' in page.text
    assert (raw.status_code, raw.text) == (404, "Not found: repository `some/repo` does not exist\n")
    assert nowhere.status_code == 404 and "nothing at this address" in nowhere.text


def test_static_files_are_served_with_a_versioned_url(live_server):
    home = httpx.get(live_server.url + "/", timeout=60)
    css_url = home.text.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert css_url.startswith("/_static/vcshub.css?v=")
    css = httpx.get(live_server.url + css_url, timeout=60)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ":focus-visible" in css.text
