"""The web UI's Jinja2 templates, loaded from the package and autoescaped."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

from vcshub import __version__

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

    def page(self, name: str, status: int = 200, **context: object) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
