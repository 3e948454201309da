"""A repository's other settings pages, RhodeCode's URLs: ``settings/advanced`` (fork of, lock,
caches, housekeeping, and the way to delete), ``settings/remote`` (pull now) and
``settings/fields`` (extra fields). Each button posts to RhodeCode's URL for it:

    settings/advanced/fork        fork of another repository, or detach      repo_settings
    settings/advanced/locking     lock as the viewer / unlock                locks
    settings/strip                what a strip would remove (a preview)      repo_maintenance
    settings/strip_execute        strip, once the preview was confirmed      repo_maintenance
    settings/caches               re-read the cached summary from disk       repo_maintenance
    settings/maintenance/execute  housekeeping now                           housekeeping
    settings/remote/pull          fetch from the remote URL (a task)         mirroring
    settings/remote/mirror        pull every N minutes (vcshub's own)        mirroring
    settings/fields/create        a new extra field                          repo_settings
    settings/fields/<id>/delete   remove one                                 repo_settings

Each one calls the service the API's method of the same job calls, which checks the caller.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response

from vcshub.db.models import Repository
from vcshub.serializers.repos import masked_clone_uri
from vcshub.services import (
    housekeeping, locks, mirroring, repo_maintenance, repo_settings, repos,
)
from vcshub.services.errors import NotFound
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import sessions
from vcshub.web.repo_views import READING, Context, View, repo_url
from vcshub.web.settings_forms import administrator, choice, done, page, text

POST = frozenset({"POST"})
LOCK_ACTIONS = {"lock": "lock", "unlock": "unlock"}


def _url(repo: Repository, tail: str) -> str:
    return f"{repo_url(repo)}/settings{tail}"


def advanced(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    administrator(uow, repo, context)
    return page(context, repo, "repo_advanced.html", "/advanced",
                fork_of=repo.fork_of.repo_name if repo.fork_of else "",
                forks=len(repos.forks_of(uow, repo)))


def fork(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    """RhodeCode's "mark as fork of": a repository's name, or nothing to detach it."""
    caller = administrator(uow, repo, context)
    parent = text(context, "id_fork_of", 1024) or None
    changed = repo_settings.update_repo(uow, caller, repo.repo_id, {"fork_of": parent})
    said = f"{changed.repo_name} is now a fork of {parent}." if parent else \
        f"{changed.repo_name} is no longer a fork."
    return done(context, _url(changed, "/advanced"), said)


def locking(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    if choice(context, "action", LOCK_ACTIONS) == "lock":
        locks.lock(uow, caller, repo, context.viewer)
        said = f"Locked {repo.repo_name}: only {context.viewer.username} may push until unlocked."
    else:
        locks.unlock(uow, caller, repo, context.viewer)
        said = f"Unlocked {repo.repo_name}."
    return done(context, _url(repo, "/advanced"), said)


def strip(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    """The strip form; with a revision, the commits it would remove, and the button that does."""
    caller = administrator(uow, repo, context)
    revision = str(context.query.get("revision") or "").strip()[:255]
    branch = str(context.query.get("branch") or "").strip()[:255]
    preview = None
    if revision:
        count, commits = repo_maintenance.strip_preview(uow, caller, repo, revision, branch)
        preview = {"count": count, "commits": commits}
    return page(context, repo, "repo_strip.html", "/advanced", revision=revision,
                branch=branch, preview=preview, kind=repo.repo_type)


def strip_execute(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    revision, branch = text(context, "revision", 255), text(context, "branch", 255)
    count, _commits = repo_maintenance.strip_preview(uow, caller, repo, revision, branch)
    if str(count) != text(context, "count", 20):
        # the branch moved since the preview: show the new one instead of removing more
        sessions.flash(context.session, "The repository changed since the preview: check again.",
                       "error")
        return RedirectResponse(f"{_url(repo, '/strip')}?{urlencode({'revision': revision, 'branch': branch})}",
                                status_code=303)
    repo_maintenance.strip(uow, caller, repo, revision, branch or None)
    return done(context, _url(repo, "/advanced"),
                f"Stripped {count} commit{'s' if count != 1 else ''} from {repo.repo_name}.")


def caches(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    repo_maintenance.invalidate_cache(uow, caller, repo.repo_id)
    return done(context, _url(repo, "/advanced"),
                f"The cached summary of {repo.repo_name} was read again from disk.")


def maintenance(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    location = _url(repo, "/advanced")  # before the service ends the transaction
    name, actions = housekeeping.maintenance(uow, caller, repo.repo_id)
    said = ", ".join(actions) or "nothing to do"
    return done(context, location, f"Housekeeping of {name}: {said}.")


def remote(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    administrator(uow, repo, context)
    return page(context, repo, "repo_remote.html", "/remote",
                clone_uri=masked_clone_uri(repo.clone_uri),
                mirror_interval=mirroring.interval(uow, repo))


def pull(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    mirroring.queue_pull(uow, caller, repo)  # a background task: the page answers at once
    return done(context, _url(repo, "/remote"),
                f"A pull from the remote into {repo.repo_name} is queued; the journal and the "
                "summary show its changes once it is done.")


def mirror(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    minutes = mirroring.set_interval(uow, caller, repo, text(context, "mirror_interval", 8))
    said = f"every {minutes} minutes" if minutes else "only when asked"
    return done(context, _url(repo, "/remote"), f"{repo.repo_name} pulls from its remote {said}.")


def fields(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    administrator(uow, repo, context)
    return page(context, repo, "repo_fields.html", "/fields", fields=list(repo.fields),
                enabled=uow.settings.extra_fields_enabled)


def field_create(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    key = text(context, "new_field_key", 250)
    repo_settings.add_field(uow, caller, repo.repo_id, key, text(context, "new_field_label", 1024),
                            text(context, "new_field_desc", 1024))
    return done(context, _url(repo, "/fields"), f"Added the extra field {key}.")


def field_delete(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    field = next((f for f in repo.fields if f.field_id == args[0]), None)
    if field is None:
        raise NotFound("extra field", args[0])
    key = field.field_key
    repo_settings.remove_field(uow, caller, repo.repo_id, key)
    return done(context, _url(repo, "/fields"), f"Removed the extra field {key}.")


def _view(kind: str, names: tuple[str, ...], handler, methods=POST) -> View:
    return View(kind, names, handler, methods=methods)


ADVANCED = _view("settings advanced", ("ReposController:edit_advanced",
                                       "RepoSettingsAdvancedView:edit_advanced"),
                 advanced, READING)
STRIP = _view("settings strip", ("RepoStripView:strip",), strip, READING)
STRIP_EXECUTE = _view("settings strip execute", ("RepoStripView:strip_execute",), strip_execute)
FORK = _view("settings fork", ("ReposController:edit_advanced_fork",
                               "RepoSettingsAdvancedView:edit_advanced_fork"), fork)
LOCKING = _view("settings locking", ("ReposController:edit_advanced_locking",
                                     "RepoSettingsAdvancedView:edit_advanced_locking"), locking)
CACHES = _view("settings caches", ("ReposController:edit_caches",
                                   "RepoCachesView:repo_caches_purge"), caches)
MAINTENANCE = _view("settings maintenance", ("RepoMaintenanceView:repo_maintenance_execute",),
                    maintenance)
REMOTE = _view("settings remote", ("ReposController:edit_remote",
                                   "RepoSettingsRemoteView:repo_remote_edit_form"),
               remote, READING)
PULL = _view("settings pull", ("ReposController:edit_remote_pull",
                               "RepoSettingsRemoteView:repo_remote_pull_changes"), pull)
MIRROR = _view("settings mirror", ("RepoSettingsRemoteView:repo_remote_mirror",), mirror)
FIELDS = _view("settings fields", ("ReposController:edit_fields",
                                   "RepoSettingsFieldsView:repo_field_edit"), fields, READING)
FIELD_CREATE = _view("settings field create", ("ReposController:create_repo_field",
                                               "RepoSettingsFieldsView:repo_field_create"),
                     field_create)
FIELD_DELETE = _view("settings field delete", ("ReposController:delete_repo_field",
                                               "RepoSettingsFieldsView:repo_field_delete"),
                     field_delete)

KEYWORDS: dict = {}  # routed by repo_settings_pages (one ``settings`` keyword)
