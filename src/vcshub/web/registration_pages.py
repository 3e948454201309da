"""Sign-up ``/_admin/register`` and password reset ``/_admin/password_reset`` (ask for a link
by e-mail) and ``/_admin/password_reset_confirmation?key=`` (choose the new password).

What is allowed is the site's (services/site_policy.py): with sign-up closed the register page
is a 404; without mail configured the reset page says an administrator must reset the
password and sends nothing. Sign-up's attempts count in the sign-in throttle of the address.
"""

from __future__ import annotations


from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from vcshub.services import password_reset, registration, site_policy
from vcshub.services.errors import Invalid, MailNotConfigured, NotFound
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.tasks import mail
from vcshub.web import page_requests
from vcshub.web.page_requests import PageRequest
from vcshub.web.request_info import request_client_ip

REGISTER = "/_admin/register"
RESET = "/_admin/password_reset"
CONFIRM = password_reset.CONFIRMATION_PATH
SIGNUP_FIELDS = {
    "username": "Username", "email": "E-mail", "firstname": "First name",
    "lastname": "Last name", "password": "Password",
    "password_confirmation": "Password (again)",
}
RESET_FIELDS = {"new_password": "New password", "new_password_confirmation": "New password (again)"}


def _register(uow: UnitOfWork, page: PageRequest) -> Response:
    mode = site_policy.registration(uow)
    if mode == site_policy.REGISTRATION_CLOSED:
        raise NotFound("page", REGISTER)
    values = {name: "" for name in SIGNUP_FIELDS}
    errors: dict[str, str] = {}
    if page.form is not None:
        values = {name: str(page.form.get(name) or "") for name in SIGNUP_FIELDS}
        try:
            user = registration.register(uow, **values)
        except Invalid as exc:  # checked before anything was made
            errors[exc.field] = exc.reason
        else:
            if user.active:  # the home page shows the message (the sign-in form shows none)
                page.flash(f"Your account {user.username} was created: you may sign in now")
                return RedirectResponse("/", 303)
            page.flash(f"Your account {user.username} was created. An administrator must "
                       "activate it before you can sign in.")
            return RedirectResponse(REGISTER, 303)
    values["password"] = values["password_confirmation"] = ""  # never sent back
    return page.render("register.html", 400 if errors else 200, fields=SIGNUP_FIELDS,
                       values=values, errors=errors,
                       manual=mode == site_policy.MANUAL_ACTIVATION)


def _reset(uow: UnitOfWork, page: PageRequest) -> Response:
    policy = site_policy.password_reset(uow)
    if policy == site_policy.RESET_DISABLED:
        raise NotFound("page", RESET)
    if not mail.configured(uow.settings):
        return page.render("password_reset.html", can_mail=False, error="", email="")
    error = ""
    email = ""
    if page.form is not None:
        email = str(page.form.get("email") or "")
        try:
            password_reset.request_reset(uow, email, page.base_url)
        except Invalid as exc:
            error = exc.reason
        else:  # the same answer whether an account has this address or not
            page.flash("If an account uses this e-mail address, a link to choose a new "
                       "password is on its way.")
            return RedirectResponse(RESET, 303)
    return page.render("password_reset.html", 400 if error else 200, can_mail=True,
                       error=error, email=email)


def _confirm(uow: UnitOfWork, page: PageRequest) -> Response:
    key = str((page.form.get("key") if page.form is not None else page.query.get("key")) or "")
    errors: dict[str, str] = {}
    try:
        user = password_reset.user_for_key(uow, key)
        if page.form is not None:
            password_reset.reset_password(uow, key, str(page.form.get("new_password") or ""),
                                          str(page.form.get("new_password_confirmation") or ""))
            page.flash(f"The password of {user.username} was changed: sign in with it now")
            return RedirectResponse("/", 303)
    except MailNotConfigured:
        return RedirectResponse(RESET, 303)  # that page explains
    except Invalid as exc:
        errors[exc.field] = exc.reason
    return page.render("password_reset_confirm.html", 400 if errors else 200, key=key,
                       fields=RESET_FIELDS, errors=errors, bad_key=errors.get("key"))


async def register_page(request: Request) -> Response:
    if request.method == "POST":
        await _throttle(request)
    return await page_requests.answer(request, _register)


async def reset_page(request: Request) -> Response:
    if request.method == "POST":
        await _throttle(request)
    return await page_requests.answer(request, _reset)


async def confirm_page(request: Request) -> Response:
    return await page_requests.answer(request, _confirm)


async def _throttle(request: Request) -> None:
    """An address that is guessing passwords waits here as long as at the sign-in form. The
    posts are not counted as failures themselves: the throttle counts failures only, and
    a sign-up is no failed guess (the CSRF token already keeps other sites from posting)."""
    state = request.app.state.vcshub
    await state.login_throttle.pause(request_client_ip(request, state.settings))


ROUTES = [
    Route(REGISTER, register_page, methods=["GET", "HEAD", "POST"]),
    Route(RESET, reset_page, methods=["GET", "HEAD", "POST"]),
    Route(CONFIRM, confirm_page, methods=["GET", "HEAD", "POST"]),
]
