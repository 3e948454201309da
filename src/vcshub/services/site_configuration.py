"""What ``/_admin/settings`` shows of the machine's own settings (config.py, read once from
vcshub.toml and the environment) next to the few choices stored in the database.

The machine's settings are not editable from the web on purpose: they are the operator's,
and a page that wrote them would have to outrank the file it was read from. Each one is
shown with the key to change in vcshub.toml, so an admin knows where to go. Only super-admins
may read them: the list names the SMTP server and the proxy addresses trusted for client IPs.
The SMTP password itself is never shown, only whether one is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from vcshub.permissions.caller import Caller
from vcshub.services import site_policy, storage, tasks
from vcshub.services.errors import MailNotConfigured
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin, validate_email


@dataclass(frozen=True, slots=True)
class ConfigRow:
    label: str
    value: str
    key: str | None  # the vcshub.toml key; None: stored in the database
    edit_url: str | None = None  # where a database-stored value is changed


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value) or "(none)"
    return str(value) if value not in ("", None) else "(not set)"


def _from_file(uow: UnitOfWork, label: str, key: str) -> ConfigRow:
    return ConfigRow(label, _shown(getattr(uow.settings, key)), key)


def global_rows(uow: UnitOfWork, caller: Caller) -> list[ConfigRow]:
    require_admin(caller)
    return [
        ConfigRow("Site name", "vcshub (not configurable)", None),
        ConfigRow("Registration", site_policy.registration(uow), None,
                  "/_admin/permissions/application"),
        ConfigRow("Password reset", site_policy.password_reset(uow), None,
                  "/_admin/permissions/application"),
        # vcshub has no clone URL template: clone URLs are this base plus the repository name.
        _from_file(uow, "Base URL of clone links (empty: from each request)", "base_url"),
        _from_file(uow, "API access controllers whitelist (?auth_token= accepted)",
                   "api_access_controllers_whitelist"),
        _from_file(uow, "Repository extra fields", "extra_fields_enabled"),
        _from_file(uow, "Proxies trusted for the client address", "forwarded_allow_ips"),
    ]


def vcs_rows(uow: UnitOfWork, caller: Caller) -> list[ConfigRow]:
    require_admin(caller)
    return [
        ConfigRow("Repositories folder", str(storage.root(uow)), "data_dir"),
        _from_file(uow, "HTTP status of a push to a locked repository", "lock_ret_code"),
        _from_file(uow, "Remote clone/pull time limit (seconds)", "remote_timeout_seconds"),
        _from_file(uow, "Remote stall limit (seconds)", "remote_stall_seconds"),
        _from_file(uow, "Remote operations at once", "remote_max_concurrent"),
        _from_file(uow, "Non-admins may clone from private networks", "remote_allow_private"),
        _from_file(uow, "ssh command for ssh:// remotes", "remote_ssh_command"),
    ]


def email_rows(uow: UnitOfWork, caller: Caller) -> list[ConfigRow]:
    require_admin(caller)
    rows = [_from_file(uow, label, key) for label, key in (
        ("SMTP server (empty: no mail is sent)", "smtp_server"), ("Port", "smtp_port"),
        ("User name", "smtp_username"), ("SMTPS (SSL)", "smtp_use_ssl"),
        ("STARTTLS", "smtp_use_tls"), ("From address", "smtp_from"),
        ("Timeout (seconds)", "smtp_timeout_seconds"))]
    password = "set" if uow.settings.smtp_password else "(not set)"
    rows.insert(3, ConfigRow("Password", password, "smtp_password"))
    return rows


def send_test_mail(uow: UnitOfWork, caller: Caller, recipient: object) -> str:
    """Queue a short message to ``recipient`` through the configured SMTP server, so an admin
    can see the settings work. It leaves after the request's commit, as a background task: a
    failure is in the task's record (`vcshub status`), not on the page, as for reset mails."""
    require_admin(caller)
    address = validate_email(recipient)
    if not uow.settings.smtp_server:
        raise MailNotConfigured("the server sends no mail: smtp_server is not set in vcshub.toml")
    tasks.send_mail(uow, address, "vcshub test e-mail",
                    "This message was sent from the vcshub administration pages to "
                    "check the SMTP settings.\n")
    return address
