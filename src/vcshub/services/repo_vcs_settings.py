"""A repository's VCS settings (RC4's ``get_repo_settings``/``set_repo_settings``): the site's
values, overridden by the repository's own unless it follows the site
(``inherit_global_settings``, the default), plus the repository's landing ref.

Only keys vcshub acts on (or reports, where said) are known; RhodeCode's hooks, largefiles and
phases keys have no counterpart here and are refused rather than stored and ignored.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select

from vcshub.db.models import Repository, RepoSetting, Setting
from vcshub.permissions.caller import Caller
from vcshub.services import lookup, repos
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin

MERGE_ENABLED = "rhodecode_pr_merge_enabled"
OUTDATED_COMMENTS = "rhodecode_use_outdated_comments"
HG_REBASE = "rhodecode_hg_use_rebase_for_merging"
# RhodeCode CE always asks for approval (its EE makes it a review rule); vcshub makes it a switch.
APPROVAL_REQUIRED = "vcshub_pr_approval_required"
INHERIT = "inherit_global_settings"
NOT_AN_OBJECT = "Settings have to be a JSON Object."
LANDING = "landing_rev"  # a column of the repository, not a site value

# key → the site's value when no settings row overrides it
SITE_DEFAULTS: Mapping[str, bool] = {
    MERGE_ENABLED: True,
    OUTDATED_COMMENTS: True,
    HG_REBASE: False,
    APPROVAL_REQUIRED: False,
}


def _text(value: bool) -> str:
    return "True" if value else "False"


def _flag(text: str | None, default: bool) -> bool:
    return default if text is None else text == "True"


def site_values(uow: UnitOfWork) -> dict[str, bool]:
    rows = dict(uow.db.execute(
        select(Setting.name, Setting.value).where(Setting.name.in_(list(SITE_DEFAULTS)))
    ).all())
    return {key: _flag(rows.get(key), default) for key, default in SITE_DEFAULTS.items()}


def _own_rows(uow: UnitOfWork, repo: Repository) -> dict[str, str]:
    return dict(uow.db.execute(
        select(RepoSetting.name, RepoSetting.value).where(RepoSetting.repo_id == repo.repo_id)
    ).all())


def effective(uow: UnitOfWork, repo: Repository) -> dict[str, object]:
    """What applies to ``repo`` now; read by the merge rules and the pages (no permission
    check: it reveals nothing a reader of the repository cannot infer)."""
    values: dict[str, object] = dict(site_values(uow))
    own = _own_rows(uow, repo)
    inherit = _flag(own.get(INHERIT), True)
    if not inherit:
        values.update({key: _flag(own[key], values[key]) for key in SITE_DEFAULTS if key in own})
    values[INHERIT] = inherit
    values[LANDING] = repo.landing_rev
    return values


def _repo(uow: UnitOfWork, caller: Caller, repoid: object) -> Repository:
    require_admin(caller)
    return lookup.repo(uow.db, repoid)


def get_repo_settings(uow: UnitOfWork, caller: Caller, repoid: object, key: object = None) -> object:
    """Every effective value, or the one named by ``key`` (None for a key that is not one)."""
    values = effective(uow, _repo(uow, caller, repoid))
    if key is None:
        return values
    return values.get(key) if isinstance(key, str) else None


def set_repo_settings(uow: UnitOfWork, caller: Caller, repoid: object, settings: object) -> None:
    """Merge ``settings`` into the repository's own values. Setting a value without saying
    ``inherit_global_settings`` stops the inheritance (RhodeCode's merge of the request into
    the stored settings does the same), else the value given would have no effect."""
    require_admin(caller)
    if not isinstance(settings, Mapping):  # before the repository, in RC4's order
        raise Invalid("settings", NOT_AN_OBJECT)
    repo = _repo(uow, caller, repoid)
    for key, value in settings.items():
        if key not in SITE_DEFAULTS and key not in (INHERIT, LANDING):
            raise Invalid(str(key), "no such setting")
        if key != LANDING and not isinstance(value, bool):
            raise Invalid(str(key), "must be true or false")
    if LANDING in settings:
        repo.landing_rev = repos.validate_landing_rev(settings[LANDING])
    own = {key: _text(value) for key, value in settings.items() if key != LANDING}
    if own and INHERIT not in own:
        own[INHERIT] = _text(False)
    if own:
        uow.db.execute(delete(RepoSetting).where(RepoSetting.repo_id == repo.repo_id,
                                                 RepoSetting.name.in_(list(own))))
        uow.db.add_all(RepoSetting(repo_id=repo.repo_id, name=k, value=v) for k, v in own.items())
    uow.db.flush()
