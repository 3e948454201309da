"""The web UI's Jinja2 templates, loaded from the package and autoescaped, and the URLs of the
static files they use (served by vcshub itself at /_static, never from a CDN)."""

from __future__ import annotations

import hashlib
from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

from vcshub import __version__
from vcshub.web.relative_time import when

STATIC_PREFIX = "/_static"
STATIC_FOLDER = files("vcshub.web") / "static"

# Pages show user content, and what a page shows depends on who asks (private repositories,
# the signed-in user): never framed by other sites, never stored by proxies or the browser.
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


class Templates:
    """Renders a template into an HTML response; built once per process."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("vcshub.web", "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["version"] = __version__
        self.env.globals["static_url"] = self.static_url
        self.env.filters["when"] = when
        self._static_versions: dict[str, str] = {}

    def static_url(self, name: str) -> str:
        """``/_static/<name>?v=<hash of its content>``: a changed file gets a new URL, so a
        browser never keeps an old stylesheet after an upgrade (hashed once per process)."""
        version = self._static_versions.get(name)
        if version is None:
            content = (STATIC_FOLDER / name).read_bytes()
            version = self._static_versions[name] = hashlib.sha256(content).hexdigest()[:12]
        return f"{STATIC_PREFIX}/{name}?v={version}"

    def page(self, name: str, status: int = 200, **context: object) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
