"""``/_admin/settings`` at RhodeCode's URLs, for what vcshub has of them:

- ``/global``, ``/vcs``: the machine's settings (config.py, from vcshub.toml) read-only, each
  with its key, and the database-stored choices with a link to the page that changes them
  (registration and password reset live on ``/_admin/permissions/application``, as RhodeCode
  keeps them among the default user's permissions);
- ``/mapping`` with ``/mapping/update``: rescan the repositories folder, registering what is
  on disk and, if asked, dropping rows whose folder is gone; the page then lists both;
- ``/email`` with ``/email/update``: the SMTP settings read-only and a test message;
- ``/system``: what the API's get_server_info reports (versions, folders, disk, memory);
- ``/exceptions``: the exception store, in web/admin_exception_pages.py.

``/_admin/settings`` itself redirects to the first tab. Same guard as the other admin pages
(web/admin_user_pages.admin_caller: a 404 for everyone but super-admins); the services
(site_configuration.py, repo_maintenance.py) check again themselves.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from vcshub.services import repo_maintenance, server_info, site_configuration
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.admin_user_pages import READ, admin_caller, admin_page, done, field, ticked
from vcshub.web.page_requests import PageRequest

HOME = "/_admin/settings"
# (path after /_admin/settings, tab label), RhodeCode's order
TABS = (("/global", "Global"), ("/vcs", "VCS"), ("/mapping", "Remap and rescan"),
        ("/email", "E-mail"), ("/system", "System info"), ("/exceptions", "Exceptions tracker"))
# get_server_info's keys as the system page shows them, in this order
SYSTEM = (("rhodecode_version", "vcshub version"), ("rhodecode_config_ini", "Configuration file"),
          ("server_id", "Host name"), ("platform", "Platform"), ("py_version", "Python"),
          ("py_path", "Python executable"), ("git_version", "git"), ("hg_version", "Mercurial"),
          ("db_type", "Database"), ("db_version", "Database version"),
          ("db_migrate_version", "Database migration"), ("storage", "Repositories folder"),
          ("gist_storage", "Gists folder"), ("archive_storage", "Archive cache folder"),
          ("uptime", "Uptime (seconds)"), ("cpu", "CPUs"), ("load", "Load"),
          ("memory", "Memory"), ("disk", "Disk of the repositories"),
          ("disk_archive", "Disk of the data folder"), ("disk_gist", "Disk of the gists"))
NAMES_SHOWN = 20  # repositories named in the rescan's message
# read-only tab → (its rows, its title)
READ_ONLY = {
    "global": (site_configuration.global_rows, "Global settings"),
    "vcs": (site_configuration.vcs_rows, "VCS settings"),
    "email": (site_configuration.email_rows, "E-mail settings"),
}


def settings_page(page: PageRequest, template: str, tab: str, **values) -> Response:
    return page.render(template, tabs=TABS, tab=tab, home=HOME, **values)


def _home(uow: UnitOfWork, page: PageRequest) -> Response:
    admin_caller(uow, page)
    return RedirectResponse(HOME + TABS[0][0], 302)


def _read_only(part: str):
    rows_of, title = READ_ONLY[part]

    def view(uow: UnitOfWork, page: PageRequest) -> Response:
        caller = admin_caller(uow, page)
        return settings_page(page, "admin_settings.html", f"/{part}", part=part, title=title,
                             rows=rows_of(uow, caller))
    return view


def _mapping(uow: UnitOfWork, page: PageRequest) -> Response:
    admin_caller(uow, page)
    return settings_page(page, "admin_settings_mapping.html", "/mapping",
                         title="Remap and rescan repositories")


def _names(names: list[str]) -> str:
    """At most NAMES_SHOWN of them: the message travels in the session cookie, and a first
    rescan of a full folder can add thousands."""
    if not names:
        return "none"
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _rescan(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    result = repo_maintenance.rescan(uow, caller, ticked(page, "destroy"))
    said = (f"Repositories rescanned. Added ({len(result.added)}): {_names(result.added)}. "
            f"Removed ({len(result.removed)}): {_names(result.removed)}.")
    return done(page, f"{HOME}/mapping", said)


def _test_mail(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    sent_to = site_configuration.send_test_mail(uow, caller, field(page, "test_email", 300))
    return done(page, f"{HOME}/email", f"A test e-mail to {sent_to} was handed to the mail "
                "sender; if it does not arrive, the server log says why.")


def _amount(value: object) -> str:
    """A dict of get_server_info (disk, memory, load) as one line; bytes in MiB."""
    if isinstance(value, dict) and "total" in value:
        mib = 1024 * 1024
        return (f"{value['used'] // mib:,} MiB used of {value['total'] // mib:,} MiB "
                f"({value['percent']} %)" + (f", {value['path']}" if "path" in value else ""))
    if isinstance(value, dict):
        return ", ".join(f"{name.replace('_', ' ')}: {amount:.2f}" for name, amount in value.items())
    return str(value)


def _system(uow: UnitOfWork, page: PageRequest) -> Response:
    caller = admin_caller(uow, page)
    info = server_info.server_info(uow, caller, "")
    rows = [(label, _amount(info[key])) for key, label in SYSTEM]
    return settings_page(page, "admin_settings_system.html", "/system",
                         title="System info", rows=rows, modules=info["py_modules"])


ROUTES = [
    Route(HOME, admin_page(_home), methods=READ),
    *(Route(f"{HOME}/{part}", admin_page(_read_only(part)), methods=READ) for part in READ_ONLY),
    Route(f"{HOME}/mapping", admin_page(_mapping), methods=READ),
    Route(f"{HOME}/mapping/update", admin_page(_rescan), methods=["POST"]),
    Route(f"{HOME}/email/update", admin_page(_test_mail), methods=["POST"]),
    Route(f"{HOME}/system", admin_page(_system), methods=READ),
]
