"""web/error_pages.py: pages answer their errors in the layout, everything else keeps its plain
answer, and a bug is a 500 page with an apology, never a traceback."""

from __future__ import annotations

import base64
import json

import httpx
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from vcshub.config import load_settings
from vcshub.services.errors import NotFound
from vcshub.web import error_pages
from vcshub.web.templating import Templates


def _app(data_dir) -> Starlette:
    async def page_bug(request):
        error_pages.mark_page(request.scope)
        raise RuntimeError("secret detail in a traceback")

    async def leaky_bug(request):
        # What a careless message might hold: the request's own credentials.
        raise RuntimeError(f"failed with {request.headers.get('cookie')} "
                           f"{request.headers.get('authorization')} {request.url.query}")

    async def page_missing(request):
        error_pages.mark_page(request.scope)
        raise NotFound("repository", "some/repo")

    async def raw_missing(request):
        raise NotFound("repository", "some/repo")

    app = Starlette(
        routes=[
            Route("/page-bug", page_bug),
            Route("/leaky-bug", leaky_bug),
            Route("/page-missing", page_missing),
            Route("/raw-missing", raw_missing),
        ],
        exception_handlers=error_pages.exception_handlers(),
    )
    settings = load_settings(environ={}, data_dir=data_dir, database_url="sqlite://")
    app.state.vcshub = type("State", (), {"templates": Templates(), "settings": settings})()
    return app


def test_a_bug_is_an_apology_in_the_layout(tmp_path):
    with TestClient(_app(tmp_path), raise_server_exceptions=False) as client:
        response = client.get("/page-bug")
    assert response.status_code == 500
    assert "Sorry" in response.text and 'class="site"' in response.text
    assert "<h1>500 · Something went wrong</h1>" in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text
    [kept] = [json.loads(p.read_text()) for p in (tmp_path / "exceptions").glob("*.json")]
    assert (kept["exc_type"], kept["message"]) == ("RuntimeError", "secret detail in a traceback")
    assert kept["where"] == "GET /page-bug" and "page_bug" in kept["traceback"]


def test_a_bug_is_kept_without_the_requests_credentials(tmp_path):
    cookie, password, token = "c00kie-value-123", "pw-hunter-22", "t0ken-abcdef-9876"
    basic = base64.b64encode(f"bob:{password}".encode()).decode()
    with TestClient(_app(tmp_path), raise_server_exceptions=False) as client:
        client.cookies.set("vcshub_session", cookie)
        answer = client.get(f"/leaky-bug?auth_token={token}",
                            headers={"Authorization": f"Basic {basic}"})
    assert answer.status_code == 500
    [path] = (tmp_path / "exceptions").glob("*.json")
    text = path.read_text()
    assert "failed with" in text
    for secret in (cookie, password, token, basic):
        assert secret not in text


def test_a_page_answers_not_found_in_the_layout_and_raw_views_in_plain_text(tmp_path):
    with TestClient(_app(tmp_path)) as client:
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
