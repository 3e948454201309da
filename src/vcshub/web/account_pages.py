"""My account: ``/_admin/my_account`` (profile and extra e-mails), ``.../repos`` (what I own),
``.../watched`` (what I follow), ``.../perms`` (my effective permissions), ``.../ips`` (my IP
whitelist, only when I have one), and ``/_admin/toggle_following`` (RhodeCode's follow button).
The tokens page is web/token_pages.py, the SSH keys page web/ssh_key_pages.py. Every page is for the signed-in user only.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from vcshub.services import following, own_account, permission_origins
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import page_requests
from vcshub.web.page_requests import PageRequest
from vcshub.web.repo_views import repo_url
from vcshub.web.sessions import safe_target

HOME = "/_admin/my_account"
PROFILE_FIELDS = {"firstname": "First name", "lastname": "Last name", "email": "E-mail"}


def sections(viewer) -> list[tuple[str, str]]:
    """The sub-navigation of every my-account page: (path, label)."""
    found = [
        (HOME, "Profile"),
        (f"{HOME}/password", "Password"),
        (f"{HOME}/auth_tokens", "Auth tokens"),
        (f"{HOME}/ssh_keys", "SSH keys"),
        (f"{HOME}/repos", "My repositories"),
        (f"{HOME}/watched", "Watched"),
        (f"{HOME}/pullrequests", "Pull requests"),
        (f"{HOME}/perms", "My permissions"),
    ]
    if viewer is not None and viewer.ip_addresses:
        found.append((f"{HOME}/ips", "My IP whitelist"))
    return found


def account_page(page: PageRequest, template: str, status: int = 200, **values) -> Response:
    return page.render(template, status, sections=sections(page.viewer), **values)


def _profile(uow: UnitOfWork, page: PageRequest) -> Response:
    viewer = page.viewer
    values = {"firstname": viewer.firstname or "", "lastname": viewer.lastname or "",
              "email": viewer.email}
    errors: dict[str, str] = {}
    if page.form is not None:
        values = {name: str(page.form.get(name) or "") for name in PROFILE_FIELDS}
        try:
            own_account.update_profile(uow, viewer, **values)
        except Invalid as exc:
            errors[exc.field] = exc.reason
        else:
            page.flash("Your profile was saved")
            return RedirectResponse(HOME, 303)
    return account_page(page, "account_profile.html", 400 if errors else 200,
                        fields=PROFILE_FIELDS, values=values, errors=errors,
                        emails=viewer.emails)


def _add_email(uow: UnitOfWork, page: PageRequest) -> Response:
    email = str(page.form.get("new_email") or "")
    try:
        added = own_account.add_email(uow, page.viewer, email)
    except Invalid as exc:
        page.flash(f"E-mail not added: {exc.reason}", "error")
    else:
        page.flash(f"Added {added.email}")
    return RedirectResponse(HOME, 303)


def _remove_email(uow: UnitOfWork, page: PageRequest) -> Response:
    removed = own_account.remove_email(uow, page.viewer, str(page.form.get("email_id") or ""))
    page.flash(f"Removed {removed.email}")
    return RedirectResponse(HOME, 303)


def _repo_list(page: PageRequest, title: str, repos, empty: str) -> Response:
    rows = [(r, repo_url(r)) for r in repos]
    return account_page(page, "account_repos.html", title=title, rows=rows, empty=empty)


def _repos(uow: UnitOfWork, page: PageRequest) -> Response:
    return _repo_list(page, "My repositories", own_account.owned_repos(uow, page.viewer),
                      "You own no repository yet.")


def _watched(uow: UnitOfWork, page: PageRequest) -> Response:
    return _repo_list(page, "Watched repositories", following.followed_repos(uow, page.viewer),
                      "You follow no repository.")


def _perms(uow: UnitOfWork, page: PageRequest) -> Response:
    report = permission_origins.permission_origins(uow, page.viewer)
    return account_page(page, "account_perms.html", report=report, admin=page.viewer.admin)


def _ips(uow: UnitOfWork, page: PageRequest) -> Response:
    if not page.viewer.ip_addresses:  # the page exists only for users with a whitelist
        raise NotFound("page", page.path)
    return account_page(page, "account_ips.html", entries=page.viewer.ip_addresses)


def _toggle_following(uow: UnitOfWork, page: PageRequest) -> Response:
    repo, now = following.toggle_following(uow, page.viewer, page.form.get("follows_repo_id"))
    name = repo.repo_name
    page.flash(f"You follow {name} now" if now else f"You stopped following {name}")
    back = safe_target(str(page.form.get("came_from") or ""))
    return RedirectResponse(back if back != "/" else repo_url(repo), 303)


def _signed_in(view):
    async def endpoint(request: Request) -> Response:
        return await page_requests.answer(request, view, signed_in=True)
    return endpoint


ROUTES = [
    Route(HOME, _signed_in(_profile), methods=["GET", "HEAD", "POST"]),
    Route(f"{HOME}/emails", _signed_in(_add_email), methods=["POST"]),
    Route(f"{HOME}/emails/delete", _signed_in(_remove_email), methods=["POST"]),
    Route(f"{HOME}/repos", _signed_in(_repos), methods=["GET", "HEAD"]),
    Route(f"{HOME}/watched", _signed_in(_watched), methods=["GET", "HEAD"]),
    Route(f"{HOME}/perms", _signed_in(_perms), methods=["GET", "HEAD"]),
    Route(f"{HOME}/ips", _signed_in(_ips), methods=["GET", "HEAD"]),
    Route("/_admin/toggle_following", _signed_in(_toggle_following), methods=["POST"]),
]
