"""The search pages at RhodeCode's URLs: ``/_admin/search?q=…&type=…`` (every repository the
viewer may read, or one group's with ``repo_group_name``) and ``/<repo>/search`` (one
repository). Results come from :mod:`vcshub.services.search.query` and are shaped by the
serializer the API uses; a query the engine cannot read is said on the page, not as an error."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vcshub.db.models import Repository, User
from vcshub.serializers import search as serializer
from vcshub.services.errors import Invalid
from vcshub.services.search import query
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import page_requests
from vcshub.web.page_requests import PageRequest
from vcshub.web.paging import page_number
from vcshub.web.repo_views import Context, View, exact, render

PAGE_SIZE = 20
TYPES = (("content", "File contents"), ("path", "File names"), ("commit", "Commit messages"))
SITE_NAMES = ("SearchController:index", "SearchView:search")
REPO_NAMES = ("SearchController:index", "SearchView:search_repo")


def _values(uow: UnitOfWork, viewer: User | None, params, action: str, repo_name: str | None,
            group_name: str | None = None) -> dict:
    text = (params.get("q") or "").strip()
    search_type = params.get("type") or "content"
    values = {"q": text, "search_type": search_type, "types": TYPES, "action": action,
              "results": None, "error": None, "highlight": serializer.highlighted,
              "newer": None, "older": None, "group_name": group_name}
    if not text:
        return values
    number = page_number(params.get("page"))
    caller = query.visitor(uow, viewer)
    if caller is None:
        values["results"] = {"results": [], "item_count": 0, "execution_time": "0 results"}
        return values
    try:
        found = query.search(uow, caller, text, search_type, repo_name=repo_name,
                             repo_group_name=group_name, page=number, page_limit=PAGE_SIZE)
    except Invalid as exc:
        values["error"] = exc.reason
        return values
    values["results"] = serializer.results_data(found)
    link = {"q": text, "type": search_type}
    if group_name:
        link["repo_group_name"] = group_name
    if number > 1:
        values["newer"] = f"{action}?{urlencode({**link, 'page': number - 1})}"
    if number * PAGE_SIZE < found.count:
        values["older"] = f"{action}?{urlencode({**link, 'page': number + 1})}"
    return values


def _site_view(uow: UnitOfWork, page: PageRequest) -> Response:
    group = page.query.get("repo_group_name") or None
    return page.render("search.html", **_values(uow, page.viewer, page.query, "/_admin/search",
                                                None, group))


async def search_page(request: Request) -> Response:
    return await page_requests.answer(request, _site_view, SITE_NAMES)


def repo_search(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    values = _values(uow, context.viewer, context.query, f"/{repo.repo_name}/search",
                     repo.repo_name)
    return render(context, repo, "repo_search.html", **values)


SEARCH = View("search", REPO_NAMES, repo_search)
KEYWORDS = {"search": exact(SEARCH)}
ROUTES = [Route("/_admin/search", search_page, methods=["GET", "HEAD"])]
