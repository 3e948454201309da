"""A repository's settings, RhodeCode's URLs: ``/<repo>/settings`` (the main form: name and
group, description, owner, private, landing ref, the three switches, fork of, remote URL, extra
field values) and ``/<repo>/settings/advanced/delete`` (deleting, after a confirmation step).

The form sends :func:`vcshub.services.repo_settings.update_repo` only what was changed, as the
API's ``update_repo`` call would, so a field the viewer left alone is never judged again (a
remote URL a super-admin set stays, whoever saves the form). Its refusals (a bad name, an
unknown owner, a taken name) answer 400 with the rule's sentence and nothing changed: the unit
of work rolls the database and the disk back. This module also routes every URL under
``settings`` (see :data:`KEYWORDS`) to its page module.
"""

from __future__ import annotations

from starlette.responses import Response

from vcshub.db.models import Repository
from vcshub.serializers.repos import masked_clone_uri
from vcshub.services import repo_contents, repo_settings, repos
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import repo_advanced_pages, repo_permission_pages, repo_vcs_pages
from vcshub.web.repo_views import READING, Context, View, repo_url
from vcshub.web.settings_forms import administrator, checked, done, page, text

WRITES = frozenset({"GET", "HEAD", "POST"})
FLAGS = (("enable_downloads", "Downloads", "Archives of any revision may be downloaded."),
         ("enable_locking", "Locking", "A pull locks the repository until the puller pushes."),
         ("enable_statistics", "Statistics",
          "RhodeCode's statistics switch: kept and reported by the API; vcshub draws none."))
# RhodeCode's delete form names what happens to the forks: ``forks`` = detach or delete
FORKS_CHOICES = {"detach": "Detach them (they stay, as independent repositories)",
                 "delete": "Delete them too"}


def _current(repo: Repository) -> dict:
    """The form's fields as stored (the remote URL masked, as every reader sees it)."""
    values = {
        "name": repo.short_name,
        "group": repo.group.group_name if repo.group else "",
        "description": (repo.description or "").strip(),  # as the form sends it back
        "owner": repo.owner.username,
        "private": bool(repo.private),
        "landing_rev": repo.landing_rev,
        "fork_of": repo.fork_of.repo_name if repo.fork_of else "",
        "clone_uri": masked_clone_uri(repo.clone_uri),
    }
    values.update({flag: bool(getattr(repo, flag)) for flag, _label, _help in FLAGS})
    values.update({f"field_{f.field_key}": f.field_value or "" for f in repo.fields})
    return values


def _landing_choices(uow: UnitOfWork, repo: Repository) -> list[tuple[str, str]]:
    names = repo_contents.ref_names(uow, repo)
    choices = [("rev:tip", "the newest commit (tip)")]
    for kind, prefix in (("branch", "branch"), ("bookmark", "book"), ("tag", "tag")):
        choices += [(f"{prefix}:{name}", f"{kind} {name}") for name in names[kind]]
    if repo.landing_rev not in {value for value, _label in choices}:
        choices.append((repo.landing_rev, repo.landing_rev))
    return choices


def _submitted(context: Context, repo: Repository) -> dict:
    values = {key: text(context, key) for key in (
        "name", "group", "description", "owner", "landing_rev", "fork_of", "clone_uri")}
    values["private"] = checked(context, "private")
    values.update({flag: checked(context, flag) for flag, _label, _help in FLAGS})
    values.update({f"field_{f.field_key}": text(context, f"field_{f.field_key}")
                   for f in repo.fields})
    return values


def _changes(uow: UnitOfWork, repo: Repository, before: dict, after: dict) -> dict:
    """update_repo's arguments for what differs between the stored and the sent values."""
    changed = {key for key in before if after.get(key) != before[key]}
    changes = {key: after[key] for key in changed if not key.startswith("field_")}
    if "group" in changes and not changes["group"]:
        del changes["group"]  # to the API, a null group is "no such group"
        changes["top_level"] = True
    if "fork_of" in changes:
        changes["fork_of"] = changes["fork_of"] or None  # empty: not a fork any more
    if not uow.settings.extra_fields_enabled:
        return changes
    fields = [key for key in changed if key.startswith("field_")]
    if fields:
        # update_repo's ``fields`` text: k=v pairs, commas inside a value escaped
        changes["fields"] = ",".join(
            f"{key[6:]}={after[key].replace(',', chr(92) + ',')}" for key in fields)
    return changes


def settings(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    caller = administrator(uow, repo, context)
    before = _current(repo)
    if context.method in READING:
        return page(context, repo, "repo_settings.html", "", values=before, flags=FLAGS,
                    landing=_landing_choices(uow, repo),
                    groups=repo_settings.group_choices(uow, caller, repo),
                    extra_fields=uow.settings.extra_fields_enabled)
    changes = _changes(uow, repo, before, _submitted(context, repo))
    if not changes:
        return done(context, f"{repo_url(repo)}/settings", "Nothing was changed.")
    changed = repo_settings.update_repo(uow, caller, repo.repo_id, changes)
    return done(context, f"{repo_url(changed)}/settings",
                f"Repository {changed.repo_name} updated: {', '.join(sorted(changes))}.")


def delete(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    """The confirmation page (GET), then the deletion (POST): the repository's name typed
    again, and what becomes of its forks when it has any."""
    caller = administrator(uow, repo, context)
    forks = len(repos.forks_of(uow, repo))
    if context.method in READING:
        return page(context, repo, "repo_delete.html", "/advanced", forks=forks,
                    choices=FORKS_CHOICES)
    if text(context, "confirm") != repo.repo_name:
        raise Invalid("confirm", f"type the repository's name, {repo.repo_name}, to delete it")
    handling = text(context, "forks") if forks else ""
    if forks and handling not in FORKS_CHOICES:
        raise Invalid("forks", "say whether its forks are detached or deleted")
    name = repo.repo_name
    handled = repos.delete_repo(uow, caller, repo, handling)
    what = "deleted" if handling == "delete" else "detached"
    suffix = f" ({handled} forks {what})" if handled else ""
    return done(context, "/", f"Deleted repository {name}{suffix}.")


SETTINGS = View("settings", ("ReposController:edit", "ReposController:update",
                             "RepoSettingsView:edit_settings",
                             "RepoSettingsView:edit_settings_update"), settings, methods=WRITES)
DELETE = View("settings delete", ("ReposController:delete",
                                  "RepoSettingsAdvancedView:edit_advanced_delete"), delete,
              methods=WRITES)

# path after ``/<repo>/settings`` → view (numbers and names in brackets are its arguments)
_ROUTES = {
    (): SETTINGS,
    ("permissions",): repo_permission_pages.PERMISSIONS,
    ("advanced",): repo_advanced_pages.ADVANCED,
    ("advanced", "delete"): DELETE,
    ("advanced", "fork"): repo_advanced_pages.FORK,
    ("advanced", "locking"): repo_advanced_pages.LOCKING,
    ("caches",): repo_advanced_pages.CACHES,
    ("strip",): repo_advanced_pages.STRIP,
    ("strip_execute",): repo_advanced_pages.STRIP_EXECUTE,
    ("maintenance", "execute"): repo_advanced_pages.MAINTENANCE,
    ("remote",): repo_advanced_pages.REMOTE,
    ("remote", "pull"): repo_advanced_pages.PULL,
    ("remote", "mirror"): repo_advanced_pages.MIRROR,
    ("vcs",): repo_vcs_pages.VCS,
    ("fields",): repo_advanced_pages.FIELDS,
    ("fields", "create"): repo_advanced_pages.FIELD_CREATE,
}


def _settings(rest: list[str]):
    """``settings/...``; ``settings/fields/<field id>/delete`` takes the field's id."""
    view = _ROUTES.get(tuple(rest))
    if view is not None:
        return view, ()
    if len(rest) == 3 and rest[0] == "fields" and rest[2] == "delete" and rest[1].isdigit():
        return repo_advanced_pages.FIELD_DELETE, (int(rest[1]),)
    return None


KEYWORDS = {"settings": _settings}
