"""Pull request lists: ``/<repo>/pull-request`` (RhodeCode's ``pullrequest_show_all``: open by
default, ``?closed=1``, ``?merged=1``, ``?my=1``, ``?awaiting_my_review=1``) and
``/_admin/my_account/pullrequests`` (opened by me or awaiting my review, in every repository I
may read). The rows and who may see them come from :mod:`vcshub.services.pull_request_lists`.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vcshub.db.models import Repository
from vcshub.services import pull_request_lists, reviews
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import (
    account_pages,
    page_requests,
    pull_request_new_pages,
    pull_request_view_pages,
)
from vcshub.web.page_links import pager
from vcshub.web.page_requests import PageRequest
from vcshub.web.paging import page_number
from vcshub.web.repo_views import Context, View, exact, render

MY_PAGE = f"{account_pages.HOME}/pullrequests"
# Filter → the query flag that asks for it (RhodeCode's flags; ``merged`` is vcshub's own);
# the first filter is the default, shown without a flag.
REPO_FLAGS = {"open": None, "closed": "closed", "merged": "merged", "mine": "my",
              "awaiting": "awaiting_my_review"}
REPO_LABELS = {"open": "Open", "closed": "Closed", "merged": "Merged", "mine": "Opened by me",
               "awaiting": "Awaiting my review"}
MY_FLAGS = {"all": None, "mine": "my", "awaiting": "awaiting_my_review"}
MY_LABELS = {"all": "All", "mine": "Opened by me", "awaiting": "Awaiting my review"}
STATE_LABELS = {"open": "Open", "closed": "Closed", "merged": "Merged"}


def _chosen(query, flags: dict[str, str | None]) -> str:
    """The filter whose flag the query sets (``?my=1``); the default when none is set."""
    for name, flag in flags.items():
        if flag and query.get(flag) not in (None, "", "0"):
            return name
    return next(iter(flags))


def _url(path: str, flag: str | None, number: int = 1) -> str:
    query = {flag: "1"} if flag else {}
    if number > 1:
        query["page"] = str(number)
    return path + ("?" + urlencode(query) if query else "")


def _list_values(path: str, found, flags: dict, labels: dict) -> dict:
    """What the list template needs: the filter tabs, the rows, the page links."""
    flag = flags[found.filter]
    return {
        "tabs": [(_url(path, flags[name]), label, name == found.filter)
                 for name, label in labels.items()],
        "listed": found,
        "state_labels": STATE_LABELS,
        "review_labels": reviews.STATUS_LABELS,
        "pull_request_url": pull_request_url,
        "pager": pager(found.page, found.pages, lambda n: _url(path, flag, n)),
    }


def pull_request_url(row) -> str:
    return f"/{quote(row.target_repo)}/pull-request/{row.pull_request_id}"


def pull_requests(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    chosen = _chosen(context.query, REPO_FLAGS)
    found = pull_request_lists.repo_pull_requests(
        uow, context.viewer, repo, chosen, page_number(context.query.get("page")))
    return render(context, repo, "pull_requests.html", signed_in=context.viewer is not None,
                  **_list_values(context.path, found, REPO_FLAGS, REPO_LABELS))


def _my_pull_requests(uow: UnitOfWork, page: PageRequest) -> Response:
    chosen = _chosen(page.query, MY_FLAGS)
    found = pull_request_lists.my_pull_requests(
        uow, page.viewer, chosen, page_number(page.query.get("page")))
    return account_pages.account_page(page, "account_pull_requests.html",
                                      **_list_values(MY_PAGE, found, MY_FLAGS, MY_LABELS))


async def my_pull_requests_page(request: Request) -> Response:
    return await page_requests.answer(request, _my_pull_requests, MY_NAMES, signed_in=True)


# The names api_access_controllers_whitelist entries match (Kallithea's, then RhodeCode 4's).
PULL_REQUESTS = View("pull_requests",
                     ("PullrequestsController:show_all", "RepoPullRequestsView:pull_request_list"),
                     pull_requests)
MY_NAMES = ("MyAccountController:my_account_pullrequests",
            "MyAccountView:my_account_pullrequests")


def _list_or_one(rest: list[str]):
    """``pull-request`` alone (the list), or one pull request's URLs (pull_request_view_pages)."""
    return exact(PULL_REQUESTS)(rest) or pull_request_view_pages.parse(rest)


KEYWORDS = {"pull-request": pull_request_new_pages.with_new(_list_or_one)}
ROUTES = [Route(MY_PAGE, my_pull_requests_page, methods=["GET", "HEAD"]),
          *pull_request_new_pages.ROUTES]
