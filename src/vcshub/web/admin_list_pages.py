"""The super-admin's lists of every repository, ``/_admin/repos``, and every repository group,
``/_admin/repo_groups`` (RhodeCode's URLs): filtered by name or description, 50 a page, each row
linking to the object's settings (``/<repo>/settings``, ``/<group>/_settings``).

vcshub has no web page that creates a repository or a group yet (the API does), so there is no
"create" link. Same guard as the other admin pages; services/admin_listings.py checks again.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.responses import Response
from starlette.routing import Route

from vcshub.services import admin_listings
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.admin_user_pages import READ, admin_caller, admin_page
from vcshub.web.page_requests import PageRequest
from vcshub.web.paging import page_number

# path → (service, title, the settings page of a row's object, its kind's plural)
LISTS = {
    "/_admin/repos": (admin_listings.find_repos, "Repositories",
                      lambda row: f"/{quote(row.repo_name)}/settings", "repositories"),
    "/_admin/repo_groups": (admin_listings.find_repo_groups, "Repository groups",
                            lambda row: f"/{quote(row.group_name)}/_settings",
                            "repository groups"),
}


def _list(path: str):
    find, title, settings_url, plural = LISTS[path]

    def view(uow: UnitOfWork, page: PageRequest) -> Response:
        caller = admin_caller(uow, page)
        text = str(page.query.get("filter") or "")[:admin_listings.FILTER_LIMIT]
        found = find(uow, caller, text, page_number(page.query.get("page")))

        def link(number: int) -> str:
            query = {**({"filter": text} if text else {}),
                     **({"page": number} if number > 1 else {})}
            return path + (f"?{urlencode(query)}" if query else "")

        return page.render(
            "admin_repos.html" if path.endswith("/repos") else "admin_repo_groups.html",
            found=found, filter_text_value=text, title=title, list_path=path, plural=plural,
            rows=[(row, settings_url(row)) for row in found.rows],
            newer=link(found.page - 1) if found.page > 1 else None,
            older=link(found.page + 1) if found.page < found.pages else None)
    return view


ROUTES = [Route(path, admin_page(_list(path)), methods=READ) for path in LISTS]
